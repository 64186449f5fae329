// Polls the state of a remote signature (ký từ xa) until it is signed or has failed.
(function () {
  "use strict";
  var box = document.getElementById("remote-signing");
  if (!box || box.dataset.state !== "waiting") { return; }
  var line = document.getElementById("signing-state");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) { return reply.json(); })
      .then(function (state) {
        if (state.state === "signed") {
          window.location.assign(box.dataset.documentUrl);
        } else if (state.state === "failed" || state.state === "none") {
          box.dataset.state = state.state;
          line.textContent = state.message + " / " + state.message_en;
          line.className = "error";
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
}());
