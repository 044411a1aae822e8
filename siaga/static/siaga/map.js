// Maps on the consoles (Leaflet from its xstatic wheel). Every [data-map] element gets a
// map with the city's outline; options by data attributes:
//   data-incidents  open incidents as clustered markers, refreshed on live events
//   data-point      "lat,lon[,metres]": one marker with its uncertainty circle
//   data-pick       a click sets the form's #id_lat/#id_lon (the call taker's console)
(function () {
  "use strict";
  if (!window.L) return;
  const body = document.body;
  const tiles = body.dataset.mapTiles, attribution = body.dataset.mapAttribution;
  const source = body.dataset.mapSource;

  function create(el) {
    const map = L.map(el, { maxZoom: 19 }).setView([-6.18, 106.64], 12);
    if (tiles) L.tileLayer(tiles, { attribution: attribution, maxZoom: 19 }).addTo(map);
    const layer = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    map.addLayer(layer);
    function load() {
      return fetch(source, { credentials: "same-origin" }).then((r) => r.json()).then(function (data) {
        if (data.outline && !el._outline) {
          el._outline = L.geoJSON(data.outline, { style: { color: "#b00020", weight: 2, fill: false } }).addTo(map);
          if (!el.dataset.point) map.fitBounds(el._outline.getBounds());
        }
        if (el.dataset.incidents === undefined) return;
        layer.clearLayers();
        data.incidents.forEach(function (i) {
          const marker = L.circleMarker([i.lat, i.lon], { radius: 9, color: i.priority <= 1 ? "#b00020" : "#e65100" });
          marker.bindPopup('<a href="/insiden/' + i.number + '/">' + i.number + "</a><br>" + i.category + " · " + i.status);
          layer.addLayer(marker);
        });
      });
    }
    load();
    if (el.dataset.incidents !== undefined) {
      let pending = null;
      body.addEventListener("siaga:event", function () {
        clearTimeout(pending);
        pending = setTimeout(load, 500);
      });
    }
    if (el.dataset.point) {
      const [lat, lon, metres] = el.dataset.point.split(",").map(Number);
      L.marker([lat, lon]).addTo(map);
      if (metres) L.circle([lat, lon], { radius: metres }).addTo(map);
      map.setView([lat, lon], 16);
    }
    if (el.dataset.pick !== undefined) pickable(map);
    el._siagaMap = map;
  }

  function pickable(map) {
    let marker = null;
    const lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
    function place(latlng) {
      if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
      const panel = document.getElementById("duplicates");
      if (panel && window.htmx) window.htmx.trigger(panel, "refresh");
    });
    // A landmark chosen from the type-ahead moves the marker too.
    document.addEventListener("click", function (event) {
      const chosen = event.target.closest("button.place, button.use-fix");
      if (chosen && chosen.dataset.lat) {
        const latlng = L.latLng(Number(chosen.dataset.lat), Number(chosen.dataset.lon));
        place(latlng);
        map.setView(latlng, 16);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map]").forEach(create);
  });
})();
