// The public report page: share the browser's location into the hidden fields.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    const button = document.getElementById("use-location");
    const status = document.getElementById("location-status");
    if (!button || !status) return;
    if (!("geolocation" in navigator)) {
      status.textContent = button.dataset.unsupported || status.textContent;
      button.disabled = true;
      return;
    }
    function share() {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          document.getElementById("id_lat").value = position.coords.latitude.toFixed(6);
          document.getElementById("id_lon").value = position.coords.longitude.toFixed(6);
          document.getElementById("id_accuracy_m").value = Math.round(position.coords.accuracy);
          status.textContent = "✓ " + position.coords.latitude.toFixed(5) + ", " +
            position.coords.longitude.toFixed(5) + " (±" + Math.round(position.coords.accuracy) + " m)";
        },
        function (error) { status.textContent = "✗ " + error.message; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    }
    button.addEventListener("click", share);
  });
})();
