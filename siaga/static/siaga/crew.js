// The crew's phone: share the unit's position from the browser. Only the newest fix
// waits to be sent (a live map wants where the unit is, not where it was), at most one
// every 15 s; on a dead or slow connection it is retried. The choice to share survives
// a reload of the page.
(function () {
  "use strict";
  const button = document.getElementById("share-position");
  const state = document.getElementById("share-state");
  if (!button) return;
  const MIN_GAP_MS = 15000, RETRY_MS = 10000, KEY = "siaga:share-position";
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
    fetch(button.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json" }, headers),
      body: JSON.stringify({ positions: [fix] }),
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server " + response.status);
      lastSent = Date.now();
      say(response.ok ? button.dataset.sent + " " + new Date().toLocaleTimeString() : button.dataset.refused + " (" + response.status + ")");
    }).catch(function () {
      pending = pending || fix;
      say(button.dataset.waiting);
      later(RETRY_MS);
    }).finally(function () { sending = false; });
  }

  function fixOf(position) {
    const c = position.coords;
    const fix = { lat: c.latitude, lon: c.longitude, at: new Date(position.timestamp).toISOString() };
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
    localStorage.removeItem(KEY);
    button.textContent = button.dataset.off;
    button.setAttribute("aria-pressed", "false");
  }

  button.addEventListener("click", function () { if (watch === null) start(); else stop(); });
  if (localStorage.getItem(KEY) === "on") start();
})();
