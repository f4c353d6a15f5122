// The map on the citizen's form (only where the operator set SERVQ_MAP_TILES): a click places the
// case and fills the hidden lat/long fields; 「清除」 takes it back. The address field stays the way
// for anyone who cannot or will not use a map.
(function () {
  "use strict";
  var element = document.getElementById("case-map");
  if (!element || typeof L === "undefined") { return; }
  var lat = document.getElementById("id_lat");
  var lng = document.getElementById("id_long");
  var shown = document.getElementById("map-chosen");
  var clear = document.getElementById("map-clear");
  var center = (element.dataset.center || "23.97,120.97,8").split(",").map(Number);
  L.Icon.Default.imagePath = element.dataset.images || "/static/servq/leaflet-1.9.4/images/";
  var map = L.map(element).setView([center[0], center[1]], center[2] || 8);
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  var marker = null;

  function place(latlng) {
    var a = latlng.lat.toFixed(6), b = latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lat.value = a; lng.value = b;
    shown.textContent = (element.dataset.chosen || "") + "：" + a + ", " + b;
    clear.hidden = false;
    lat.form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  if (lat.value && lng.value) { place(L.latLng(Number(lat.value), Number(lng.value))); }
  map.on("click", function (event) { place(event.latlng); });
  clear.addEventListener("click", function () {
    if (marker) { map.removeLayer(marker); marker = null; }
    lat.value = ""; lng.value = ""; shown.textContent = ""; clear.hidden = true;
  });
})();
