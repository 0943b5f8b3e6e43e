"""The HTML page's template: inline CSS and a small script that draws the sequence diagram as SVG
and filters it by session and writer. Nothing is loaded from the network.

The script reads the JSON in ``<script id="trace-data">``; once drawn it sets ``#status`` to
``data-state="ok"`` and "showing N of M messages"; any error is written into ``#render-error``
(``data-state="error"``), so a headless browser's DOM tells whether the page worked.
"""

from __future__ import annotations

__all__ = ["PAGE"]

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary { margin: 0 0 8px; color: #444; }
.controls { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
.controls label { font-weight: 600; }
.lists { display: flex; gap: 32px; flex-wrap: wrap; font-size: 12px; margin: 4px 0 8px; }
.lists ul { margin: 2px 0; padding-left: 18px; }
.lists h2 { font-size: 13px; margin: 0; }
#status { font-size: 12px; color: #555; }
#render-error { color: #b00020; font-weight: 600; white-space: pre-wrap; }
#diagram { overflow: auto; border: 1px solid #d0d7de; }
svg text { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
svg .head rect { stroke: #57606a; }
svg .head text { font: 600 11px system-ui, sans-serif; }
svg .requester rect { fill: #ddf4ff; } svg .vss rect { fill: #fff8c5; }
svg .provider rect { fill: #fbefff; } svg .writer rect { fill: #dafbe1; }
svg .life { stroke: #afb8c1; stroke-dasharray: 4 3; }
svg .msg line { stroke: #24292f; } svg .msg.return line { stroke-dasharray: 5 3; }
svg .msg.event line { stroke: #1a7f37; } svg .msg.provider line { stroke: #8250df; }
svg .label { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .time { fill: #6e7781; }
svg .note rect { fill: #f6f8fa; stroke: #8c959f; }
svg .note.fault rect { fill: #fff1e5; stroke: #bc4c00; }
svg .note.violation rect { fill: #ffebe9; stroke: #cf222e; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COL = 112, LEFT = 70, HEAD = 58, ROW = 20, CHAR = 6.6;
  function fail(error) {
    var box = document.getElementById("render-error");
    box.textContent = "render error: " + (error && error.message ? error.message : error);
    box.setAttribute("data-state", "error");
    document.getElementById("status").setAttribute("data-state", "error");
  }
  window.addEventListener("error", function (event) { fail(event.error || event.message); });
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function text(parent, x, y, value, cls, anchor) {
    var node = el("text", {x: x, y: y, "class": cls || "", "text-anchor": anchor || "start"}, parent);
    node.textContent = value;
    return node;
  }
  function option(select, value, label) {
    var node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    select.appendChild(node);
  }
  function item(list, value) {
    var node = document.createElement("li");
    node.textContent = value;
    list.appendChild(node);
  }
  function wrap(label) {
    var words = label.split(" "), lines = [""];
    words.forEach(function (word) {
      var last = lines[lines.length - 1];
      if (last && (last + " " + word).length > 16) { lines.push(word); }
      else { lines[lines.length - 1] = last ? last + " " + word : word; }
    });
    return lines.slice(0, 3);
  }
  function visible(message, session, writer) {
    if (session && message.session !== session) { return false; }
    if (!writer) { return true; }
    if (message.writer) { return message.writer === writer; }
    return message.style === "return" || message.style === "note" ||
      (message.style === "call" && message.text.indexOf("IVssAsync") >= 0);
  }
  function draw(data, session, writer) {
    var shown = data.messages.filter(function (m) { return visible(m, session, writer); });
    var used = {VSS: true};
    shown.forEach(function (m) { used[m.source] = true; used[m.target] = true; });
    var columns = data.participants.filter(function (p) { return used[p.key]; });
    var x = {};
    columns.forEach(function (p, i) { x[p.key] = LEFT + COL * i + COL / 2; });
    var width = LEFT + COL * columns.length + 320, height = HEAD + ROW * (shown.length + 1);
    var svg = el("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height});
    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"}, defs);
    el("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: "#24292f"}, marker);
    columns.forEach(function (p) {
      el("line", {x1: x[p.key], y1: HEAD, x2: x[p.key], y2: height, "class": "life"}, svg);
      var head = el("g", {"class": "head " + p.group}, svg);
      el("rect", {x: x[p.key] - COL / 2 + 4, y: 4, width: COL - 8, height: HEAD - 12, rx: 4}, head);
      wrap(p.label).forEach(function (line, i) {
        text(head, x[p.key], 20 + 13 * i, line, "", "middle");
      });
    });
    shown.forEach(function (m, i) {
      var y = HEAD + ROW * (i + 1), label = m.text + (m.count > 1 ? " \u00d7" + m.count : "");
      text(svg, 6, y, m.time.toFixed(3) + "s", "time");
      if (m.source === m.target) {
        var note = el("g", {"class": "note " + m.style}, svg);
        var w = Math.min(label.length * CHAR + 10, width - x[m.source] + COL / 2 - 8);
        el("rect", {x: x[m.source] - COL / 2 + 6, y: y - 13, width: w, height: 17, rx: 3}, note);
        text(note, x[m.source] - COL / 2 + 11, y, label);
        return;
      }
      var g = el("g", {"class": "msg " + m.style}, svg);
      el("line", {x1: x[m.source], y1: y + 3, x2: x[m.target], y2: y + 3,
        "marker-end": "url(#arrow)"}, g);
      text(g, Math.min(x[m.source], x[m.target]) + 6, y, label, "label");
    });
    var box = document.getElementById("diagram");
    box.textContent = "";
    box.appendChild(svg);
    var status = document.getElementById("status");
    status.textContent = "showing " + shown.length + " of " + data.messages.length + " messages";
    status.setAttribute("data-state", "ok");
  }
  function main() {
    var data = JSON.parse(document.getElementById("trace-data").textContent);
    var sessions = document.getElementById("session"), writers = document.getElementById("writer");
    option(sessions, "", "every session");
    data.sessions.forEach(function (s) {
      option(sessions, s.id, s.id.slice(0, 8) + " (" + s.requester + ")");
      item(document.getElementById("session-list"), s.id + " \u2014 " + s.requester);
    });
    option(writers, "", "every writer");
    data.writers.forEach(function (w) {
      option(writers, w, w);
      item(document.getElementById("writer-list"), w);
    });
    var params = new URLSearchParams(window.location.hash.slice(1));
    if (params.get("session")) { sessions.value = params.get("session"); }
    if (params.get("writer")) { writers.value = params.get("writer"); }
    function redraw() {
      try { draw(data, sessions.value, writers.value); } catch (error) { fail(error); }
    }
    sessions.addEventListener("change", redraw);
    writers.addEventListener("change", redraw);
    redraw();
  }
  try { main(); } catch (error) { fail(error); }
})();
"""

PAGE = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>@TITLE@</title>
<style>"""
    + _STYLE
    + """</style>
</head>
<body>
<h1>@TITLE@</h1>
<p class="summary">@SUMMARY@</p>
<div class="controls">
  <label for="session">Session</label> <select id="session"></select>
  <label for="writer">Writer</label> <select id="writer"></select>
  <span id="status" data-state="loading">loading…</span>
</div>
<div id="render-error"></div>
<div class="lists">
  <div><h2>Sessions (VSS session id — requester thread)</h2><ul id="session-list"></ul></div>
  <div><h2>Writers</h2><ul id="writer-list"></ul></div>
</div>
<div id="diagram"></div>
<script id="trace-data" type="application/json">@DATA@</script>
<script>"""
    + _SCRIPT
    + """</script>
</body>
</html>
"""
)
