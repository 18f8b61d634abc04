/* "Near you": tells the server the browser's time zone, and its position when asked.
 *
 * Both travel in cookies (the server stores neither): the time zone for a week, the
 * position, rounded to about a kilometre, for an hour. Elements marked data-near are
 * redrawn from a fresh copy of the page once the server knows more.
 *
 *   <section id="near-you" data-near data-near-refresh>
 *     <button data-near-locate hidden>   asks the browser for its position
 *     <button data-near-forget hidden>   forgets the shared position
 *     <span data-near-error hidden>      shown when the browser gives no position
 */
(function () {
  "use strict";

  var TIME_ZONE = "cashmob_tz";
  var POSITION = "cashmob_near";

  function cookie(name) {
    var found = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return found ? found[1] : "";
  }

  function setCookie(name, value, seconds) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + seconds + "; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }

  // Redraw every [data-near] element from the page as the server now renders it.
  function refresh(focus) {
    return fetch(location.pathname + location.search, {
      credentials: "same-origin",
      headers: { Accept: "text/html" }
    })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-near][id]").forEach(function (old) {
          var next = fresh.getElementById(old.id);
          if (!next) return;
          next = document.importNode(next, true);
          old.replaceWith(next);
          if (next.hasAttribute("data-near-refresh")) wire(next);
        });
        if (focus) {
          var heading = document.querySelector("[data-near-refresh] h2");
          if (heading) heading.focus();
        }
      })
      .catch(function () { /* offline: keep what is shown */ });
  }

  function wire(section) {
    var locate = section.querySelector("[data-near-locate]");
    var forget = section.querySelector("[data-near-forget]");
    var error = section.querySelector("[data-near-error]");
    if (locate && "geolocation" in navigator) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        locate.disabled = true;
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            var lat = pos.coords.latitude.toFixed(2), lng = pos.coords.longitude.toFixed(2);
            setCookie(POSITION, lat + "_" + lng, 3600);
            refresh(true);
          },
          function () {
            locate.disabled = false;
            if (error) error.hidden = false;
          },
          { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
        );
      });
    }
    if (forget) {
      forget.hidden = false;
      forget.addEventListener("click", function () {
        setCookie(POSITION, "", 0);
        refresh(true);
      });
    }
  }

  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) { /* a browser without Intl: the language alone will do */ }
  var learned = false;
  if (zone && cookie(TIME_ZONE) !== zone) {
    setCookie(TIME_ZONE, zone, 7 * 86400);
    learned = true;
  }

  function start() {
    document.querySelectorAll("[data-near-refresh]").forEach(wire);
    // First visit (or a new time zone): the page was drawn without it; redraw its near part.
    if (learned && document.querySelector("[data-near-refresh]")) refresh(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
