/* fanzha console: the live queue (server-sent events → htmx reloads the rows), a trace's flow graph
   (Cytoscape.js), the dashboard's charts (ECharts). No inline script: the pages' CSP forbids it. */
(function () {
  "use strict";

  function liveQueue() {
    var live = document.getElementById("live");
    if (!live || !window.EventSource) return;
    var known = new Set(Array.from(document.querySelectorAll("#queue-body tr[data-alert]")).map(function (r) {
      return r.dataset.alert;
    }));
    window.fanzhaLive = { revisions: 0, swaps: 0 };
    document.documentElement.dataset.live = "on";  // for tests: the page listens
    var source = new EventSource(live.dataset.stream);
    source.addEventListener("open", function () { live.classList.remove("off"); });
    source.addEventListener("error", function () { live.classList.add("off"); });
    source.addEventListener("revision", function () {
      window.fanzhaLive.revisions += 1;
      if (window.htmx) window.htmx.trigger(document.body, "revision");
    });
    document.body.addEventListener("htmx:afterSwap", function () {
      window.fanzhaLive.swaps += 1;
      document.querySelectorAll("#queue-body tr[data-alert]").forEach(function (r) {
        if (!known.has(r.dataset.alert)) { r.classList.add("fresh"); known.add(r.dataset.alert); }
      });
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  function followTrace() {
    var st = document.getElementById("trace-status");
    if (st && (st.dataset.status === "queued" || st.dataset.status === "running")) {
      setTimeout(function () { window.location.reload(); }, 1000);
    }
  }

  function flowGraph() {
    var box = document.getElementById("graph");
    if (!box || !window.cytoscape) return;
    fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (g) {
        var note = document.getElementById("graph-note");
        if (note) note.textContent = g.shown + " / " + g.total;
        var elements = g.nodes.map(function (n) { return { data: n }; }).concat(
          g.edges.map(function (e) { return { data: e }; }));
        window.fanzhaGraph = window.cytoscape({
          container: box,
          elements: elements,
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: { label: "data(short)", "font-size": 9, "background-color": "#e37400",
              color: "#1d1d1f", "text-valign": "bottom", "text-margin-y": 3, width: 16, height: 16 } },
            { selector: "node[kind = 'victim']", style: { "background-color": "#b3261e", width: 24, height: 24 } },
            { selector: "node[kind = 'cash_out']", style: { "background-color": "#3c4043", shape: "round-rectangle" } },
            { selector: "edge", style: { width: 1.5, "line-color": "#9aa0a6", "target-arrow-color": "#9aa0a6",
              "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 7, "text-wrap": "wrap",
              color: "#3a3a3a", "text-rotation": "autorotate", "text-background-color": "#ffffff",
              "text-background-opacity": 0.8 } },
            { selector: "edge[kind = 'cash_out']", style: { "line-style": "dashed" } }
          ],
          layout: { name: "preset" }
        });
        var cy = window.fanzhaGraph;
        cy.layout({ name: "breadthfirst", directed: true, spacingFactor: 1.0, avoidOverlap: true,
          roots: cy.nodes("[kind = 'victim']") }).run();
        // the money flows left to right: victims, then each hop, then the cash-out points
        cy.nodes().positions(function (n) { var p = n.position(); return { x: p.y * 5, y: p.x * 2 }; });
        cy.fit(undefined, 24);
        if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); }
        box.dataset.nodes = String(cy.nodes().length);  // for tests: the graph is drawn
      });
  }

  function charts() {
    var holder = document.getElementById("stats-data");
    if (!holder || !window.echarts) return;
    var d = JSON.parse(holder.textContent);
    var font = { fontFamily: "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif" };
    var colours = { high: "#b3261e", medium: "#e3a008", low: "#6c9bd2" };
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      var c = window.echarts.init(el, null, { renderer: "canvas" });
      option.textStyle = font;
      option.animation = false;
      c.setOption(option);
      window.addEventListener("resize", function () { c.resize(); });
    }
    var days = d.per_day.map(function (x) { return x.day; });
    chart("chart-days", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 44, right: 12, bottom: 30, top: 40 },
      xAxis: { type: "category", data: days }, yAxis: { type: "value", minInterval: 1 },
      series: ["high", "medium", "low"].map(function (lv) {
        return { name: d.levels[lv], type: "bar", stack: "a", color: colours[lv],
          data: d.per_day.map(function (x) { return x[lv] || 0; }) };
      })
    });
    var outcomes = Object.keys(d.outcomes);
    chart("chart-outcomes", {
      tooltip: {}, grid: { left: 90, right: 20, bottom: 30 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: outcomes.map(function (o) { return d.outcome_names[o]; }) },
      series: [{ type: "bar", color: "#0b57d0", data: outcomes.map(function (o) { return d.outcomes[o]; }) }]
    });
    var bins = d.series.time_to_claim.map(function (b) {
      return b.upto === null ? d.labels.more : "≤" + b.upto;
    });
    chart("chart-lead", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 44, right: 12, bottom: 46, top: 40 },
      xAxis: { type: "category", data: bins, name: d.labels.minutes, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: d.labels.claim, type: "bar", color: "#0b57d0", data: d.series.time_to_claim.map(function (b) { return b.n; }) },
        { name: d.labels.outcome, type: "bar", color: "#1e6b34", data: d.series.time_to_outcome.map(function (b) { return b.n; }) }
      ]
    });
    var variantDays = d.series.per_day_variant.map(function (x) { return x.day; });
    var variants = Object.keys(d.variant_names).filter(function (v) {
      return d.series.per_day_variant.some(function (x) { return x[v]; });
    });
    chart("chart-variants", {
      tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 }, grid: { left: 44, right: 12, bottom: 30, top: 40 },
      xAxis: { type: "category", data: variantDays }, yAxis: { type: "value", minInterval: 1 },
      series: variants.map(function (v) {
        return { name: d.variant_names[v], type: "line", data: d.series.per_day_variant.map(function (x) { return x[v] || 0; }) };
      })
    });
    window.fanzhaCharts = true;
    document.documentElement.dataset.charts = "done";  // for tests: the charts are drawn
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveQueue();
    followTrace();
    flowGraph();
    charts();
  });
})();
