// Live updates: one EventSource per page. Each event from the server is re-dispatched as
// a "siaga:event" DOM event on <body>; parts of the page listen for it (hx-trigger) and
// re-fetch themselves. EventSource reconnects by itself and sends Last-Event-ID, so the
// server replays exactly what was missed.
(function () {
  "use strict";
  if (document.body.dataset.live !== "on") return;
  const indicator = document.getElementById("live-status");
  function show(state) { if (indicator) indicator.dataset.state = state; }
  let lastId = null;
  function connect() {
    // A brand-new EventSource does not know the last id it saw: pass it along.
    const url = "/live/events" + (lastId ? "?last_event_id=" + lastId : "");
    const source = new EventSource(url);
    source.addEventListener("siaga", function (message) {
      lastId = message.lastEventId || lastId;
      const detail = JSON.parse(message.data);
      document.body.dispatchEvent(new CustomEvent("siaga:event", { detail: detail }));
    });
    // A unit moved or changed status: maps move its marker (no page re-fetch).
    source.addEventListener("units", function (message) {
      const detail = JSON.parse(message.data);
      document.body.dispatchEvent(new CustomEvent("siaga:units", { detail: detail }));
    });
    source.addEventListener("reset", function () { window.location.reload(); });
    source.addEventListener("open", function () {
      // Moves are not replayed: once the stream is (again) open, maps reload the units,
      // so a move between the page's first load and the stream is not missed either.
      document.body.dispatchEvent(new CustomEvent("siaga:reconnected"));
      show("on");
    });
    source.addEventListener("error", function () {
      show("off");
      // EventSource retries a dropped stream itself, but gives up on an HTTP error
      // (a 503 while the server restarts or fails over): then start a new one.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 2000 + Math.random() * 3000);
      }
    });
  }
  connect();
})();
