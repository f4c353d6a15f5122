// Maps, only where the operator set SERVQ_MAP_TILES (the pages include this file only then).
// 1. The citizen's form (#case-map): a click, or 「使用我的位置」 (the browser's geolocation, asked
//    only when pressed), places the case and fills the hidden lat/long fields; 「清除」 takes it back.
//    The address field stays the way for anyone who does not use a map.
// 2. The case analytics (#cases-map): the period's placed cases as dots, from a JSON data island.
// 3. The staff's case page (#case-place): where the citizen placed the case.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function baseMap(element) {
    var center = (element.dataset.center || "23.97,120.97,8").split(",").map(Number);
    L.Icon.Default.imagePath = element.dataset.images || "/static/servq/leaflet-1.9.4/images/";
    var map = L.map(element).setView([center[0], center[1]], center[2] || 8);
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
    return map;
  }

  var picker = document.getElementById("case-map");
  if (picker) {
    var map = baseMap(picker);
    var lat = document.getElementById("id_lat");
    var lng = document.getElementById("id_long");
    var shown = document.getElementById("map-chosen");
    var clear = document.getElementById("map-clear");
    var marker = null;
    var place = function (latlng) {
      var a = latlng.lat.toFixed(6), b = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = a; lng.value = b;
      shown.textContent = (picker.dataset.chosen || "") + "：" + a + ", " + b;
      clear.hidden = false;
      lat.form.dispatchEvent(new Event("change", { bubbles: true }));
    };
    if (lat.value && lng.value) { place(L.latLng(Number(lat.value), Number(lng.value))); }
    map.on("click", function (event) { place(event.latlng); });
    var locate = document.getElementById("map-locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var here = L.latLng(position.coords.latitude, position.coords.longitude);
          place(here);
          map.setView(here, Math.max(map.getZoom(), 16));
        }, function () {
          shown.textContent = locate.dataset.refused || "";
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lat.value = ""; lng.value = ""; shown.textContent = ""; clear.hidden = true;
    });
  }

  var overview = document.getElementById("cases-map");
  var data = document.getElementById("cases-map-points");
  if (overview && data) {
    var points = JSON.parse(data.textContent);
    var cases = baseMap(overview);
    var bounds = [];
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.long], { radius: 6, weight: 1, fillOpacity: 0.6 }).bindTooltip(p.category).addTo(cases);
      bounds.push([p.lat, p.long]);
    });
    if (bounds.length) { cases.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); }
  }

  var spot = document.getElementById("case-place");
  if (spot) {
    var one = baseMap(spot);
    var at = L.latLng(Number(spot.dataset.lat), Number(spot.dataset.long));
    L.marker(at).addTo(one);
    one.setView(at, 17);
  }
})();
