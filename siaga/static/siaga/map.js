// Maps on the consoles (Leaflet from its xstatic wheel). Every [data-map] element gets a
// map with the city's outline; options by data attributes:
//   data-incidents  open incidents as clustered markers, refreshed on live events
//   data-units      units as labelled markers (status colour, grey when the fix is
//                   stale), moved by the live stream's "units" messages
//   data-point      "lat,lon[,metres]": one marker with its uncertainty circle
//   data-pick       a click sets the form's #id_lat/#id_lon (the call taker's console)
(function () {
  "use strict";
  if (!window.L) return;
  const body = document.body;
  const tiles = body.dataset.mapTiles, attribution = body.dataset.mapAttribution;
  const source = body.dataset.mapSource;
  const staleMs = Number(body.dataset.avlStaleSeconds || 120) * 1000;

  function create(el) {
    const map = L.map(el, { maxZoom: 19 }).setView([-6.18, 106.64], 12);
    if (tiles) L.tileLayer(tiles, { attribution: attribution, maxZoom: 19 }).addTo(map);
    const layer = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    map.addLayer(layer);
    const units = unitLayer(map);
    el._siagaUnits = units.markers;
    function load() {
      return fetch(source, { credentials: "same-origin" }).then((r) => r.json()).then(function (data) {
        if (data.outline && !el._outline) {
          el._outline = L.geoJSON(data.outline, { style: { color: "#b00020", weight: 2, fill: false } }).addTo(map);
          if (!el.dataset.point) map.fitBounds(el._outline.getBounds());
        }
        if (el.dataset.units !== undefined) data.units.forEach(function (u) { units.show(u); });
        if (el.dataset.incidents === undefined) return;
        layer.clearLayers();
        data.incidents.forEach(function (i) {
          const marker = L.circleMarker([i.lat, i.lon], { radius: 9, color: i.priority <= 1 ? "#b00020" : "#e65100" });
          marker.bindPopup('<a href="/insiden/' + escape(i.number) + '/">' + escape(i.number) + "</a><br>" + escape(i.category) + " · " + escape(i.status));
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
    if (el.dataset.units !== undefined) {
      body.addEventListener("siaga:units", function (event) { units.show(event.detail); });
      body.addEventListener("siaga:reconnected", load);
      setInterval(units.fade, 30000);
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

  // Units by call sign: one marker each, moved in place (no flicker, popups stay open).
  function unitLayer(map) {
    const markers = {};
    const group = L.layerGroup().addTo(map);
    function stale(u) { return !u.at || Date.now() - Date.parse(u.at) > staleMs; }
    function icon(u) {
      const state = stale(u) ? " stale" : "";
      return L.divIcon({
        className: "unit-marker unit-" + u.status + state,
        html: "<span>" + escape(u.call_sign) + "</span>",
        iconSize: null,
      });
    }
    function popup(u) {
      const job = u.incident ? '<br><a href="/insiden/' + escape(u.incident) + '/">' + escape(u.incident) + "</a>" : "";
      return "<strong>" + escape(u.call_sign) + "</strong> · " + escape(u.kind) + "<br>" + escape(u.status) + job;
    }
    return {
      markers: markers,
      show: function (u) {
        if (u.lat === null || u.lon === null) return;
        let marker = markers[u.call_sign];
        if (!marker) {
          marker = markers[u.call_sign] = L.marker([u.lat, u.lon], { icon: icon(u), title: u.call_sign, keyboard: false }).addTo(group);
          marker.bindPopup("");
        } else {
          marker.setLatLng([u.lat, u.lon]);
          marker.setIcon(icon(u));
        }
        marker.unit = u;
        marker.setPopupContent(popup(u));
      },
      fade: function () {
        Object.values(markers).forEach(function (marker) { marker.setIcon(icon(marker.unit)); });
      },
    };
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
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
