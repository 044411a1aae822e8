// Live updates: one EventSource per page. Each event from the server is re-dispatched as
// a "siaga:event" DOM event on <body>; parts of the page listen for it (hx-trigger) and
// re-fetch themselves. EventSource reconnects by itself and sends Last-Event-ID, so the
// server replays exactly what was missed.
(function () {
  "use strict";
  if (document.body.dataset.live !== "on") return;
  const indicator = document.getElementById("live-status");
  function show(state) { if (indicator) indicator.dataset.state = state; }
  const source = new EventSource("/live/events");
  source.addEventListener("siaga", function (message) {
    const detail = JSON.parse(message.data);
    document.body.dispatchEvent(new CustomEvent("siaga:event", { detail: detail }));
  });
  source.addEventListener("reset", function () { window.location.reload(); });
  source.addEventListener("open", function () { show("on"); });
  source.addEventListener("error", function () { show("off"); });
})();
