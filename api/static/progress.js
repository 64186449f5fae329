// Live dispatch progress: polls GET /api/v1/documents/{id}/progress every second and moves the
// bar until the dispatch has finished (then polls no more).
(function () {
  const box = document.getElementById("dispatch-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const url = "/api/v1/documents/" + box.dataset.document + "/progress";
  function show(p) {
    bar.max = Math.max(p.total, 1);
    bar.value = p.delivered;
    for (const key of ["delivered", "acknowledged", "overdue", "forwarded", "total"]) {
      const cell = box.querySelector("[data-figure=" + key + "]");
      if (cell) cell.textContent = p[key].toLocaleString("vi-VN");
    }
    box.dataset.running = p.running ? "1" : "0";
  }
  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        const p = await response.json();
        show(p);
        if (!p.running) return;
      }
    } catch (error) {
      // the server restarted or the network dropped: try again
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
