// The web page of GET /: type a sentence, pick a beam size, see the n-best outputs and the
// attention heatmap of the chosen one. Plain HTML/CSS/JS, no external resources.
#include "server/page.h"

namespace tandem::server {
namespace {

// The delimiter "page" cannot occur in the text, which ends the literal only at )page".
constexpr char kPage[] = R"page(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tandem</title>
<style>
  :root { --ink: #1d2433; --muted: #667085; --line: #d0d5dd; --accent: #2856c9; }
  body { font-family: system-ui, "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Zen Hei",
         "Microsoft YaHei", sans-serif; color: var(--ink); margin: 0; background: #f7f8fa; }
  main { max-width: 960px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 1.4rem; margin: 0 0 4px; }
  #model { color: var(--muted); font-size: .85rem; margin-bottom: 16px; }
  textarea { width: 100%; box-sizing: border-box; font: inherit; font-size: 1.1rem;
             padding: 10px; border: 1px solid var(--line); border-radius: 6px; resize: vertical; }
  .controls { display: flex; gap: 16px; align-items: center; margin: 10px 0 18px; }
  button { font: inherit; padding: 8px 20px; border: 0; border-radius: 6px;
           background: var(--accent); color: #fff; cursor: pointer; }
  button:disabled { opacity: .6; cursor: wait; }
  input[type=number] { width: 4em; font: inherit; padding: 4px; }
  #status { color: var(--muted); font-size: .9rem; }
  #status.error { color: #b42318; }
  ol#outputs { padding-left: 1.5em; margin: 0 0 18px; }
  ol#outputs li { padding: 4px 8px; border-radius: 6px; cursor: pointer; font-size: 1.1rem; }
  ol#outputs li.chosen { background: #e8eefc; }
  ol#outputs .score { color: var(--muted); font-size: .8rem; margin-left: 10px; }
  #heatmap table { border-collapse: collapse; font-size: .85rem; }
  #heatmap th { font-weight: normal; padding: 2px 4px; white-space: nowrap; }
  #heatmap thead th { text-align: center; vertical-align: bottom; min-width: 26px; }
  #heatmap tbody th { text-align: right; }
  #heatmap td.cell { width: 26px; height: 26px; border: 1px solid #fff; }
  #heatmap td.cell:hover { outline: 2px solid var(--ink); }
  #tip { position: fixed; pointer-events: none; background: var(--ink); color: #fff;
         padding: 3px 7px; border-radius: 4px; font-size: .8rem; display: none; }
  .hint { color: var(--muted); font-size: .8rem; }
</style>
</head>
<body>
<main>
  <h1>tandem</h1>
  <div id="model">loading model information…</div>
  <textarea id="source" rows="2" placeholder="Type a sentence (Ctrl+Enter translates)"></textarea>
  <div class="controls">
    <button id="translate">Translate</button>
    <label>beam <input id="beam" type="number" min="1" value="1"></label>
    <span id="status"></span>
  </div>
  <ol id="outputs"></ol>
  <div id="heatmap"></div>
  <p class="hint" id="heatmap-hint"></p>
</main>
<div id="tip"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let maxBeam = 16, result = null;

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function loadModel() {
  try {
    const info = await (await fetch("/v1/model")).json();
    const m = info.config.model || {};
    $("model").textContent = `tandem ${info.version} · ${m.cell || "?"} cells, ` +
      `${m.attention || "?"} attention · vocabularies ${info.source_vocab_size} → ` +
      `${info.target_vocab_size}`;
    maxBeam = info.server.max_beam;
    $("beam").max = maxBeam;
    $("beam").value = info.server.default_beam;
  } catch (e) {
    $("model").textContent = "could not read /v1/model: " + e;
  }
}

// Weight 0 → white, 1 → the accent blue; the exact value shows on hover.
function color(w) {
  const v = Math.max(0, Math.min(1, w));
  const mix = (a, b) => Math.round(a + (b - a) * v);
  return `rgb(${mix(255, 30)}, ${mix(255, 70)}, ${mix(255, 170)})`;
}

function drawHeatmap(source, output) {
  const box = $("heatmap");
  box.textContent = "";
  if (!output.attention || output.attention.length === 0) {
    $("heatmap-hint").textContent = source.length === 0 ? "" :
      "This model has no attention to show.";
    return;
  }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement("th"));
  for (const s of source) {
    const th = document.createElement("th");
    th.textContent = s;
    head.appendChild(th);
  }
  const body = table.createTBody();
  output.attention.forEach((row, t) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.textContent = output.tokens[t];
    tr.appendChild(th);
    row.forEach((w, s) => {
      const td = tr.insertCell();
      td.className = "cell";
      td.style.background = color(w);
      td.dataset.weight = w.toFixed(3);
      td.dataset.label = `${source[s]} → ${output.tokens[t]}: ${w.toFixed(3)}`;
    });
  });
  box.appendChild(table);
  $("heatmap-hint").textContent =
    "Rows: output tokens; columns: source tokens. Hover a cell for its weight.";
}

function showOutputs() {
  const list = $("outputs");
  list.textContent = "";
  const out = result.outputs[0];
  const options = out.n_best || [out];
  options.forEach((o, i) => {
    const li = document.createElement("li");
    li.className = "output" + (i === 0 ? " chosen" : "");
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = o.text;
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = o.score.toFixed(3);
    li.append(text, score);
    li.addEventListener("click", () => {
      for (const other of list.children) other.classList.remove("chosen");
      li.classList.add("chosen");
      drawHeatmap(out.source_tokens, o);
    });
    list.appendChild(li);
  });
  drawHeatmap(out.source_tokens, options[0]);
}

async function translate() {
  const text = $("source").value;
  const beam = Math.max(1, Math.min(maxBeam, parseInt($("beam").value, 10) || 1));
  $("translate").disabled = true;
  setStatus("translating…", false);
  const started = performance.now();
  try {
    const response = await fetch("/v1/translate", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({inputs: [text], beam: beam, n_best: beam, attention: true}),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    result = body;
    showOutputs();
    setStatus(`done in ${Math.round(performance.now() - started)} ms`, false);
  } catch (e) {
    setStatus("error: " + e.message, true);
  } finally {
    $("translate").disabled = false;
  }
}

$("translate").addEventListener("click", translate);
$("source").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); translate(); }
});
$("heatmap").addEventListener("mousemove", (e) => {
  const tip = $("tip");
  if (e.target.classList && e.target.classList.contains("cell")) {
    tip.textContent = e.target.dataset.label;
    tip.style.left = (e.clientX + 12) + "px";
    tip.style.top = (e.clientY + 12) + "px";
    tip.style.display = "block";
  } else {
    tip.style.display = "none";
  }
});
$("heatmap").addEventListener("mouseleave", () => { $("tip").style.display = "none"; });
loadModel();
</script>
</body>
</html>
)page";

}  // namespace

std::string_view page_html() { return {kPage, sizeof kPage - 1}; }

}  // namespace tandem::server
