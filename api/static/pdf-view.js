// The document's PDF on its page: the frame loads the file only when its panel is open (open at
// once for the person who must approve or sign), so that merely opening the page does not
// fetch the file and record a download in the access log.
(function () {
  const panel = document.getElementById("pdf-view");
  const frame = document.getElementById("pdf-frame");
  if (!panel || !frame) return;
  function load() {
    if (panel.open && !frame.getAttribute("src")) frame.setAttribute("src", frame.dataset.src);
  }
  panel.addEventListener("toggle", load);
  load();
})();
