/* The live tally: figures arrive by Server-Sent Events from the stream process.
   Without JavaScript the page still shows the figures of the moment it was loaded. */
(function () {
  "use strict";
  var root = document.querySelector("[data-tally]");
  if (!root || !window.EventSource) return;

  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var dataEl = document.getElementById("tally-data");
  var seriesEl = document.getElementById("tally-series");
  var state = dataEl ? JSON.parse(dataEl.textContent) : {};
  var series = seriesEl ? JSON.parse(seriesEl.textContent) : [];
  var conn = root.querySelector("[data-connection]");

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return key in values ? values[key] : m;
    });
  }
  function money(minor, currency) {
    var digits = new Intl.NumberFormat(lang, { style: "currency", currency: currency })
      .resolvedOptions().maximumFractionDigits;
    var value = minor / Math.pow(10, digits);
    var whole = minor % Math.pow(10, digits) === 0;
    return new Intl.NumberFormat(lang, {
      style: "currency", currency: currency,
      minimumFractionDigits: whole ? 0 : digits, maximumFractionDigits: whole ? 0 : digits
    }).format(value);
  }
  function set(name, text) {
    var el = field(name);
    if (el && el.textContent !== String(text)) {
      el.textContent = text;
      el.classList.remove("tally--bump");
      void el.offsetWidth; // restart the highlight animation
      el.classList.add("tally--bump");
    }
  }
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  function plural(name, n) {
    // The label under a count follows it: "1 mobber checked in", "2 mobbers checked in".
    var label = root.querySelector('[data-plural-of="' + name + '"]');
    if (!label) return;
    var one = plurals ? plurals.select(n) === "one" : n === 1;
    var text = label.getAttribute(one ? "data-one" : "data-other");
    if (label.textContent !== text) label.textContent = text;
  }
  function sparkline() {
    var line = root.querySelector("[data-spark]");
    if (!line) return;
    if (!series.length) return;
    var lastT = Math.max(series[series.length - 1][0], 1);
    var top = Math.max(series[series.length - 1][1], 1);
    var pts = ["0,30"];
    var step = Math.max(1, Math.floor(series.length / 120));
    for (var i = 0; i < series.length; i += step) {
      pts.push((100 * series[i][0] / lastT).toFixed(1) + "," + (30 - 28 * series[i][1] / top).toFixed(1));
    }
    var last = series[series.length - 1];
    pts.push((100 * last[0] / lastT).toFixed(1) + "," + (30 - 28 * last[1] / top).toFixed(1));
    line.setAttribute("points", pts.join(" "));
  }
  function elapsed() {
    var el = field("elapsed");
    if (!el || !el.hasAttribute("data-running") || !state.starts_at) return;
    var minutes = Math.max(0, Math.floor((Date.now() - Date.parse(state.starts_at)) / 60000));
    var text = minutes >= 60
      ? fill(root.getAttribute("data-fmt-hm"), { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, "0") })
      : fill(root.getAttribute("data-fmt-m"), { m: minutes });
    if (el.textContent !== text) el.textContent = text;
  }
  var AFTER = { closed: 1, reported: 1, cancelled: 1 };
  function render(next) {
    if (state.status && next.status !== state.status && AFTER[next.status]) {
      // The mob ended (or the shop confirmed): the page's labels, badge and clock change
      // with it, so the server draws it again, in the page's language.
      window.location.reload();
      return;
    }
    var grew = next.reported_minor !== state.reported_minor;
    state = next;
    set("reported", money(next.reported_minor, next.currency));
    set("checkins", next.checkins);
    set("reports", next.reports);
    plural("checkins", next.checkins);
    plural("reports", next.reports);
    if (next.confirmed_minor !== null && next.confirmed_minor !== undefined) {
      set("confirmed", money(next.confirmed_minor, next.currency));
    }
    if (next.pledged_minor) {
      var p = Math.round(100 * next.reported_minor / next.pledged_minor);
      set("pledged-label", fill(root.getAttribute("data-fmt-pledged"), { p: p, total: money(next.pledged_minor, next.currency) }));
      var bar = field("pledged-bar");
      if (bar) bar.style.width = Math.min(100, p) + "%";
    }
    if (next.tipping_point) {
      var tip = field("tipping-bar");
      if (tip) tip.style.width = Math.min(100, Math.round(100 * next.checkins / next.tipping_point)) + "%";
    }
    var clock = field("elapsed");
    if (clock && next.status === "live" && !clock.hasAttribute("data-running")) {
      // The mob just started: the start time gives way to the time since the start.
      clock.setAttribute("data-running", "");
      var label = field("elapsed-label");
      if (label) label.textContent = label.getAttribute("data-running-label");
      elapsed();
    } else if (clock && next.status !== "live") {
      clock.removeAttribute("data-running");
    }
    if (grew && next.starts_at) {
      series.push([Math.max(0, Math.round(next.t - Date.parse(next.starts_at) / 1000)), next.reported_minor]);
      sparkline();
    }
  }

  var source = new EventSource(root.getAttribute("data-stream-url"));
  source.addEventListener("tally", function (event) { render(JSON.parse(event.data)); });
  source.addEventListener("open", function () {
    if (conn) conn.textContent = root.getAttribute("data-live-label");
    root.classList.remove("tally--offline");
  });
  source.addEventListener("error", function () {
    if (conn) conn.textContent = root.getAttribute("data-offline-label");
    root.classList.add("tally--offline");
  });
  window.setInterval(elapsed, 15000);
})();
