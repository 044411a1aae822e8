// The crew's phone: share the unit's position from the browser. Only the newest fix
// waits to be sent (a live map wants where the unit is, not where it was), at most one
// every 15 s; on a dead or slow connection it is retried, and a send that hangs is
// given up after 20 s. The choice to share survives a reload, for this unit only.
(function () {
  "use strict";
  // The page polls itself; an answer without the crew's part (signed out, the session
  // ended, the unit retired) must not blank it: load the page properly instead.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    if (detail.target.id === "crew-live" && !String(detail.serverResponse).includes('id="crew-live"')) {
      detail.shouldSwap = false;
      window.location.reload();
    }
  });

  const button = document.getElementById("share-position");
  const state = document.getElementById("share-state");
  if (!button) return;
  const MIN_GAP_MS = 15000, RETRY_MS = 10000, GIVE_UP_MS = 20000, FRESH_MS = 30000;
  const KEY = "siaga:share-position:" + button.dataset.url;
  const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  let watch = null, pending = null, lastSent = 0, sending = false, timer = null;

  function say(text) { state.textContent = text; }

  function later(ms) { clearTimeout(timer); timer = setTimeout(send, ms); }

  function send() {
    if (!pending || sending) return;
    const wait = lastSent + MIN_GAP_MS - Date.now();
    if (wait > 0) return later(wait);
    const fix = pending;
    pending = null;
    sending = true;
    const abort = new AbortController();
    const hung = setTimeout(function () { abort.abort(); }, GIVE_UP_MS);
    fetch(button.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json" }, headers),
      body: JSON.stringify({ positions: [body(fix)] }),
      signal: abort.signal,
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server " + response.status);
      lastSent = Date.now();
      say(response.ok ? button.dataset.sent + " " + new Date().toLocaleTimeString() : button.dataset.refused + " (" + response.status + ")");
    }).catch(function () {
      pending = pending || fix;
      say(button.dataset.waiting);
      later(RETRY_MS);
    }).finally(function () {
      clearTimeout(hung);
      sending = false;
      if (pending && watch !== null) later(MIN_GAP_MS);  // a fix that came in meanwhile
    });
  }

  // A fresh fix goes without its time, so the server stamps it (a phone's clock may be
  // minutes off); one held back by a bad connection keeps the time it was taken.
  function body(fix) {
    const sent = Object.assign({}, fix);
    delete sent.taken;
    if (Date.now() - fix.taken > FRESH_MS) sent.at = new Date(fix.taken).toISOString();
    return sent;
  }

  function fixOf(position) {
    const c = position.coords;
    const fix = { lat: c.latitude, lon: c.longitude, taken: position.timestamp };
    if (c.accuracy != null) fix.accuracy_m = Math.min(Math.round(c.accuracy), 100000);
    if (c.speed != null && !isNaN(c.speed)) fix.speed_kmh = Math.round(c.speed * 36) / 10;
    if (c.heading != null && !isNaN(c.heading)) fix.heading = Math.round(c.heading) % 360;
    return fix;
  }

  function start() {
    if (!navigator.geolocation) { say(button.dataset.unsupported); return; }
    watch = navigator.geolocation.watchPosition(
      function (position) { pending = fixOf(position); send(); },
      function (error) { say(button.dataset.unsupported + " (" + error.message + ")"); },
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 60000 }
    );
    localStorage.setItem(KEY, "on");
    button.textContent = button.dataset.on;
    button.setAttribute("aria-pressed", "true");
  }

  function stop() {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    pending = null;
    clearTimeout(timer);
    localStorage.removeItem(KEY);
    button.textContent = button.dataset.off;
    button.setAttribute("aria-pressed", "false");
  }

  button.addEventListener("click", function () { if (watch === null) start(); else stop(); });
  if (localStorage.getItem(KEY) === "on") start();
  // Leaving the unit stops sharing, so the next crew on this phone starts afresh.
  const leave = document.querySelector("form.sign-off");
  if (leave) leave.addEventListener("submit", stop);
})();
