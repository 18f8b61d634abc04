/* Cashmob maps: small, progressive. Every page that uses this works without it.
 *
 *   <div class="map" data-map='{"tiles": ..., "center": [lat, lng], "zoom": 13}'
 *        (or "bounds": [[south, west], [north, east]] to fit instead of a centre)
 *        data-map-marker            one fixed marker at the centre (a shop's page)
 *        data-map-picker="lat-id,lng-id"   clicking sets the two coordinate inputs
 *        data-map-source="/shops/map.json" markers for shops and mobs in view
 *   <button data-geolocate="lat-id,lng-id">  fills the inputs from the device's position
 */
(function () {
  "use strict";

  // Leaflet finds its marker images from its stylesheet, which fails once static files
  // carry content hashes; the page gives their addresses instead (see _map_assets.html).
  var me = document.currentScript;
  function useMarkerImages() {
    if (!window.L || !me || !me.dataset.markerIcon) return;
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: me.dataset.markerIcon,
      iconRetinaUrl: me.dataset.markerIcon2x,
      shadowUrl: me.dataset.markerShadow
    });
  }

  function parseConfig(el) {
    var script = document.getElementById(el.dataset.mapConfig);
    return script ? JSON.parse(script.textContent) : {};
  }

  function dot(colour) {
    return { radius: 8, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.95 };
  }

  function link(item, title, extra) {
    var a = document.createElement("a");
    a.href = item.url;
    a.textContent = title;
    var box = document.createElement("div");
    var strong = document.createElement("strong");
    strong.appendChild(a);
    box.appendChild(strong);
    if (extra) {
      var p = document.createElement("div");
      p.textContent = extra;
      box.appendChild(p);
    }
    return box;
  }

  function inputs(spec) {
    var ids = (spec || "").split(",");
    return [document.getElementById(ids[0]), document.getElementById(ids[1])];
  }

  function setPosition(pair, lat, lng) {
    pair[0].value = lat.toFixed(6);
    pair[1].value = lng.toFixed(6);
    pair[0].dispatchEvent(new Event("change", { bubbles: true }));
  }

  function initMap(el) {
    var cfg = parseConfig(el);
    // Only the position picker takes keyboard focus on its container: on a display map a
    // focusable container around focusable controls is a nested interactive element.
    var map = L.map(el, { scrollWheelZoom: false, keyboard: !!el.dataset.mapPicker });
    // The centre the map shows, for whoever reads the page (and its tests).
    map.on("moveend", function () {
      var c = map.getCenter();
      el.dataset.center = c.lat.toFixed(4) + "," + c.lng.toFixed(4);
    });
    if (cfg.bounds) map.fitBounds(cfg.bounds, { padding: [24, 24], maxZoom: 12 });
    else map.setView(cfg.center, cfg.zoom);
    L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: cfg.maxZoom }).addTo(map);
    el.classList.add("is-ready");

    if (el.hasAttribute("data-map-marker")) {
      L.circleMarker(cfg.center, dot("#1f5a3d")).addTo(map);
    }

    if (el.dataset.mapPicker) {
      var pair = inputs(el.dataset.mapPicker);
      var marker = null;
      var place = function (lat, lng, pan) {
        if (marker) marker.setLatLng([lat, lng]);
        else marker = L.marker([lat, lng], { draggable: true }).addTo(map);
        marker.off("dragend").on("dragend", function () {
          var p = marker.getLatLng();
          setPosition(pair, p.lat, p.lng);
        });
        if (pan) map.setView([lat, lng], Math.max(map.getZoom(), 16));
      };
      var fromInputs = function (pan) {
        var lat = parseFloat(pair[0].value), lng = parseFloat(pair[1].value);
        if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
          place(lat, lng, pan);
        }
      };
      fromInputs(true);
      map.on("click", function (e) {
        var p = e.latlng.wrap();
        setPosition(pair, p.lat, p.lng);
        place(p.lat, p.lng, false);
      });
      pair[0].addEventListener("input", function () { fromInputs(true); });
      pair[1].addEventListener("input", function () { fromInputs(true); });
      pair[0].addEventListener("change", function () { fromInputs(false); });
    }

    if (el.dataset.mapSource) {
      var layer = L.layerGroup().addTo(map);
      var status = document.getElementById(el.dataset.mapStatus || "");
      var filter = document.getElementById(el.dataset.mapFilter || "");
      var pending = null;
      var load = function () {
        if (pending) pending.abort();
        pending = new AbortController();
        var url = el.dataset.mapSource + "?bbox=" + map.getBounds().toBBoxString();
        if (filter) {
          ["q", "category"].forEach(function (name) {
            var field = filter.elements[name];
            if (field && field.value) url += "&" + name + "=" + encodeURIComponent(field.value);
          });
        }
        fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data) return;
            layer.clearLayers();
            data.shops.forEach(function (s) {
              var extra = s.category + " · " + s.city + (s.never_mobbed ? " · " + el.dataset.labelNever : "");
              L.circleMarker([s.lat, s.lng], dot("#1f5a3d")).bindPopup(link(s, s.name, extra)).addTo(layer);
            });
            data.mobs.forEach(function (m) {
              var when = m.when || "";
              L.circleMarker([m.lat, m.lng], Object.assign(dot("#d9480f"), { radius: 11 }))
                .bindPopup(link(m, m.title, m.shop + (when ? " · " + when : ""))).addTo(layer);
            });
            if (status) status.hidden = !data.truncated;
          })
          .catch(function () { /* aborted or offline: keep the markers shown */ });
      };
      map.on("moveend", load);
      if (filter) {
        // With JavaScript the filter redraws the map; without it, it opens the list.
        filter.addEventListener("submit", function (e) { e.preventDefault(); load(); });
        var locate = filter.querySelector("[data-map-locate]");
        if (locate && "geolocation" in navigator) {
          locate.hidden = false;
          locate.addEventListener("click", function () {
            navigator.geolocation.getCurrentPosition(
              function (pos) { map.setView([pos.coords.latitude, pos.coords.longitude], 14); },
              function () {},
              { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
            );
          });
        }
      }
      load();
    }
  }

  function initGeolocate(button) {
    if (!("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var pair = inputs(button.dataset.geolocate);
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          setPosition(pair, pos.coords.latitude, pos.coords.longitude);
          button.disabled = false;
          if (button.form && button.hasAttribute("data-geolocate-submit")) button.form.requestSubmit();
        },
        function () { button.disabled = false; },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  function start() {
    document.querySelectorAll("[data-geolocate]").forEach(initGeolocate);
    if (typeof L === "undefined") return;
    useMarkerImages();
    document.querySelectorAll(".map[data-map-config]").forEach(initMap);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
