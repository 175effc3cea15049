// The serve page: plain JavaScript over the JSON API (every request is relative, so the page works under any prefix).
"use strict";

const K = 8;
const CATEGORY10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const state = { model: null, map: null, first: null, second: null, runs: [], selectedRun: null, runsTimer: 0 };

const $ = (id) => document.getElementById(id);

// ---- API -------------------------------------------------------------------------------------------------------

async function api(path, init) {
  const response = await fetch(path, init);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    const problem = body && (body.detail || body.title) ? `${body.title || "Error"}: ${body.detail || ""}` : `${response.status} ${response.statusText}`;
    throw new Error(problem);
  }
  return body;
}

function showError(error) {
  const box = $("error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

const postJson = (path, value) => api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });

function postPicture(path, blob, invert) {
  const form = new FormData();
  form.append("image", blob, "drawing.png");
  return api(`${path}${path.includes("?") ? "&" : "?"}invert=${invert}`, { method: "POST", body: form });
}

// ---- formatting --------------------------------------------------------------------------------------------------

/** The fewest decimals (3 to 7) that tell every different value in the list apart. */
function decimalsFor(values) {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  for (let d = 3; d < 7; d++) {
    if (distinct.every((v, i) => i === 0 || v.toFixed(d) !== distinct[i - 1].toFixed(d))) return d;
  }
  return 7;
}

function classColour(index, count) {
  return count <= CATEGORY10.length ? CATEGORY10[index] : `hsl(${(index * 137.508) % 360} 62% 48%)`;
}

// ---- pixels ------------------------------------------------------------------------------------------------------

/** Draws row-major 0–255 pixels (white on black) into a canvas of any size, one block per pixel. */
function paintPixels(canvas, pixels) {
  const side = Math.round(Math.sqrt(pixels.length));
  const small = document.createElement("canvas");
  small.width = small.height = side;
  const context = small.getContext("2d");
  const image = context.createImageData(side, side);
  pixels.forEach((v, i) => { image.data.set([v, v, v, 255], i * 4); });
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = false;
  target.clearRect(0, 0, canvas.width, canvas.height);
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}

// ---- drawing pads ------------------------------------------------------------------------------------------------

function makePad(canvas, onDone) {
  const context = canvas.getContext("2d");
  const pad = { canvas, drawn: false, picture: null, clear };
  function clear() {
    context.fillStyle = "#000";
    context.fillRect(0, 0, canvas.width, canvas.height);
    pad.drawn = false;
    pad.picture = null;
  }
  clear();
  let last = null;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
  };
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    if (pad.picture) clear();
    last = at(event);
    stroke(last, last);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const point = at(event);
    stroke(last, point);
    last = point;
  });
  const end = () => {
    if (!last) return;
    last = null;
    pad.drawn = true;
    onDone(pad);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  function stroke(from, to) {
    context.strokeStyle = "#fff";
    context.lineWidth = canvas.width / 12;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }
  return pad;
}

/** The pad's content as the model should get it: its PNG and how to read its colours. */
function padPicture(pad) {
  if (pad.picture) return Promise.resolve(pad.picture);
  return new Promise((resolve) => pad.canvas.toBlob((blob) => resolve({ blob, invert: "false" }), "image/png"));
}

async function showPictureOnPad(pad, file) {
  const bitmap = await createImageBitmap(file);
  const context = pad.canvas.getContext("2d");
  pad.clear();
  const scale = Math.min(pad.canvas.width / bitmap.width, pad.canvas.height / bitmap.height);
  const w = bitmap.width * scale, h = bitmap.height * scale;
  context.drawImage(bitmap, (pad.canvas.width - w) / 2, (pad.canvas.height - h) / 2, w, h);
  pad.picture = { blob: file, invert: $("invert").value };
  pad.drawn = true;
}

// ---- the first drawing: identify, matches, map ------------------------------------------------------------------

let firstRequest = 0;

async function analyseFirst(pad) {
  const ticket = ++firstRequest;
  try {
    const picture = await padPicture(pad);
    const identified = await postPicture(`api/identify?k=${K}&pixels=true`, picture.blob, picture.invert);
    if (ticket !== firstRequest) return;
    state.first = identified;
    showError(null);
    paintPixels($("given"), identified.given);
    paintPixels($("given-a"), identified.given);
    showAnswer(identified);
    showMatches(identified.matches);
    const placed = await postJson("api/map", { images: [identified.given] });
    if (ticket !== firstRequest) return;
    state.first.point = placed.points[0];
    drawMap();
    await compare();
  } catch (error) {
    if (ticket === firstRequest) showError(error);
  }
}

function showAnswer(identified) {
  const answer = $("answer");
  answer.textContent = identified.answer;
  answer.classList.toggle("unknown", !identified.known);
  const d = decimalsFor([identified.similarity, identified.threshold]);
  const relation = identified.known ? ">" : "≤";
  $("answer-detail").textContent = `nearest ${identified.nearestClass}: similarity ${identified.similarity.toFixed(d)} ${relation} threshold ${identified.threshold.toFixed(d)}`;
}

function showMatches(matches) {
  const list = $("matches");
  list.replaceChildren();
  const d = decimalsFor(matches.map((m) => m.similarity));
  for (const match of matches) {
    const item = document.createElement("li");
    item.className = "match";
    item.dataset.index = match.index;
    const thumb = document.createElement("canvas");
    thumb.width = thumb.height = 56;
    if (match.pixels) paintPixels(thumb, match.pixels);
    const name = document.createElement("div");
    name.className = "match-class";
    name.textContent = match.class;
    const similarity = document.createElement("div");
    similarity.className = "match-similarity" + (match.similarity > state.model.threshold ? " same" : "");
    similarity.textContent = match.similarity.toFixed(d);
    similarity.title = `similarity ${match.similarity}`;
    const id = document.createElement("div");
    id.className = "match-id";
    id.textContent = match.id;
    item.append(thumb, name, similarity, id);
    list.append(item);
  }
}

// ---- the second drawing: the tutorial's title -------------------------------------------------------------------

let secondRequest = 0;

async function analyseSecond(pad) {
  const ticket = ++secondRequest;
  try {
    const picture = await padPicture(pad);
    const identified = await postPicture("api/identify?k=1", picture.blob, picture.invert);
    if (ticket !== secondRequest) return;
    state.second = identified;
    paintPixels($("given-b"), identified.given);
    const placed = await postJson("api/map", { images: [identified.given] });
    if (ticket !== secondRequest) return;
    state.second.point = placed.points[0];
    drawMap();
    await compare();
  } catch (error) {
    if (ticket === secondRequest) showError(error);
  }
}

async function compare() {
  const a = state.first, b = state.second;
  if (!a || !b) return;
  const result = await postJson("api/similarity", { left: a.given, right: b.given });
  const label = (x) => (x.known ? x.answer : "?");
  // The tutorial's title, as the compare command draws it.
  $("compare-title").textContent = `${label(a)} v.s ${label(b)} , similarity : ${result.similarity.toFixed(3)}`;
}

// ---- the embedding map -------------------------------------------------------------------------------------------

function drawMap() {
  const map = state.map;
  if (!map) return;
  const canvas = $("map");
  const context = canvas.getContext("2d");
  const marks = [state.first?.point, state.second?.point].filter(Boolean);
  // The bulk of the gallery fills the square (a few far outliers would squeeze it); the drawings always show.
  const quantile = (v, q) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
  const [x0, x1, y0, y1] = [
    Math.min(quantile(map.x, 0.005), ...marks.map((p) => p.x)), Math.max(quantile(map.x, 0.995), ...marks.map((p) => p.x)),
    Math.min(quantile(map.y, 0.005), ...marks.map((p) => p.y)), Math.max(quantile(map.y, 0.995), ...marks.map((p) => p.y))];
  const pad = 16, size = canvas.width - 2 * pad;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const px = (x) => canvas.width / 2 + ((x - cx) / span) * size;
  const py = (y) => canvas.height / 2 - ((y - cy) / span) * size;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.globalAlpha = 0.55;
  const count = map.classes.length;
  for (let i = 0; i < map.x.length; i++) {
    context.fillStyle = classColour(map.class[i], count);
    context.fillRect(px(map.x[i]) - 1, py(map.y[i]) - 1, 2.4, 2.4);
  }
  context.globalAlpha = 1;
  const diamond = (p, filled) => {
    const x = px(p.x), y = py(p.y), r = 9;
    context.beginPath();
    context.moveTo(x, y - r); context.lineTo(x + r, y); context.lineTo(x, y + r); context.lineTo(x - r, y); context.closePath();
    context.fillStyle = filled ? "#000" : "#fff";
    context.strokeStyle = filled ? "#fff" : "#000";
    context.lineWidth = 2;
    context.fill(); context.stroke();
  };
  if (state.second?.point) diamond(state.second.point, false);
  if (state.first?.point) diamond(state.first.point, true);
}

function drawLegend() {
  const legend = $("legend");
  legend.replaceChildren();
  const classes = state.map.classes;
  if (classes.length > 30) {
    legend.textContent = `${classes.length} classes, one colour each`;
    return;
  }
  classes.forEach((name, i) => {
    const item = document.createElement("span");
    item.style.setProperty("--swatch", classColour(i, classes.length));
    item.textContent = name;
    legend.append(item);
  });
  const share = state.map.explained.map((e) => `${(100 * e).toFixed(1)}%`).join(" and ");
  legend.append(Object.assign(document.createElement("span"), { className: "muted", textContent: `(${share} of the variance)` }));
}

// ---- runs --------------------------------------------------------------------------------------------------------

const fixed = (v, d = 4) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(d) : "–");

async function refreshRuns() {
  clearTimeout(state.runsTimer);
  try {
    state.runs = await api("api/runs");
    renderRuns();
    if (state.selectedRun) await showRun(state.selectedRun);
    showError(null);
  } catch (error) {
    showError(error);
  }
  // A run still training updates as its epochs end.
  if (!$("tab-runs").hidden && state.runs.some((r) => r.status === "running")) {
    state.runsTimer = setTimeout(refreshRuns, 2000);
  }
}

function renderRuns() {
  const body = $("runs").querySelector("tbody");
  body.replaceChildren();
  $("runs-empty").hidden = state.runs.length > 0;
  for (const run of state.runs) {
    const row = document.createElement("tr");
    row.dataset.name = run.name;
    row.classList.toggle("selected", run.name === state.selectedRun);
    const last = run.last || {};
    const evaluation = run.evaluation || {};
    const epochs = run.plannedEpochs ? `${run.epochs}/${run.plannedEpochs}` : `${run.epochs}`;
    const cells = [run.name, null, epochs, fixed(last.loss), fixed(last.valLoss), fixed(last.valAcc), fixed(evaluation.accuracy), fixed(evaluation.rocAuc),
      evaluation.calibratedThreshold != null ? `${fixed(evaluation.calibratedAccuracy)} at ${fixed(evaluation.calibratedThreshold, 3)}` : "–"];
    cells.forEach((text, i) => {
      const cell = document.createElement("td");
      if (i === 1) {
        cell.append(Object.assign(document.createElement("span"), { className: `status ${run.status}`, textContent: run.status }));
      } else {
        cell.textContent = text;
      }
      row.append(cell);
    });
    row.addEventListener("click", () => { state.selectedRun = run.name; renderRuns(); showRun(run.name); });
    body.append(row);
  }
}

async function showRun(name) {
  const detail = await api(`api/runs/${encodeURIComponent(name)}`);
  $("run-detail").hidden = false;
  $("run-title").textContent = `${detail.run.name} · ${detail.run.status} · ${detail.history.length} epochs`;
  const epochs = detail.history.map((h) => h.epoch);
  const series = (key) => detail.history.map((h) => (typeof h[key] === "number" ? h[key] : NaN));
  drawChart($("loss-curve"), epochs, [{ name: "loss", values: series("loss"), colour: CATEGORY10[0] }, { name: "val_loss", values: series("valLoss"), colour: CATEGORY10[1] }]);
  const accuracy = [{ name: "acc", values: series("acc"), colour: CATEGORY10[0] }, { name: "val_acc", values: series("valAcc"), colour: CATEGORY10[1] }];
  const test = series("testAcc");
  if (test.some(Number.isFinite)) accuracy.push({ name: "test_acc", values: test, colour: CATEGORY10[2] });
  drawChart($("acc-curve"), epochs, accuracy);
}

function drawChart(canvas, xs, series) {
  const context = canvas.getContext("2d");
  const [w, h] = [canvas.width, canvas.height];
  const left = 48, right = 12, top = 12, bottom = 28;
  context.clearRect(0, 0, w, h);
  const values = series.flatMap((s) => s.values).filter(Number.isFinite);
  if (xs.length === 0 || values.length === 0) return;
  let y0 = Math.min(...values), y1 = Math.max(...values);
  if (y1 - y0 < 1e-9) { y0 -= 0.5; y1 += 0.5; }
  const x0 = Math.min(...xs), x1 = Math.max(x0 + 1, ...xs);
  const px = (x) => left + ((x - x0) / (x1 - x0)) * (w - left - right);
  const py = (y) => top + (1 - (y - y0) / (y1 - y0)) * (h - top - bottom);
  context.strokeStyle = "#e3e6ec"; context.fillStyle = "#6b7280"; context.font = "11px system-ui, sans-serif"; context.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    context.beginPath(); context.moveTo(left, py(y)); context.lineTo(w - right, py(y)); context.stroke();
    context.fillText(y.toFixed(3), 4, py(y) + 4);
  }
  context.fillText(`epoch ${x0}`, left, h - 8);
  context.fillText(`${x1}`, w - right - 20, h - 8);
  series.forEach((s, k) => {
    context.strokeStyle = s.colour; context.lineWidth = 2; context.beginPath();
    let open = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) { open = false; return; }
      if (open) context.lineTo(px(xs[i]), py(v)); else context.moveTo(px(xs[i]), py(v));
      open = true;
    });
    context.stroke();
    context.fillStyle = s.colour;
    context.fillText(s.name, w - right - 70, top + 14 + k * 14);
  });
}

// ---- start -------------------------------------------------------------------------------------------------------

function showTab(name) {
  document.querySelectorAll("button.tab").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  $("tab-draw").hidden = name !== "draw";
  $("tab-runs").hidden = name !== "runs";
  if (name === "runs") refreshRuns();
}

async function start() {
  const first = makePad($("draw"), analyseFirst);
  const second = makePad($("draw2"), analyseSecond);
  $("clear").addEventListener("click", () => first.clear());
  $("clear2").addEventListener("click", () => second.clear());
  $("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) { await showPictureOnPad(first, file); analyseFirst(first); }
    event.target.value = "";
  });
  for (const pad of [first, second]) {
    pad.canvas.addEventListener("dragover", (event) => { event.preventDefault(); pad.canvas.classList.add("dragging"); });
    pad.canvas.addEventListener("dragleave", () => pad.canvas.classList.remove("dragging"));
    pad.canvas.addEventListener("drop", async (event) => {
      event.preventDefault();
      pad.canvas.classList.remove("dragging");
      const file = event.dataTransfer.files[0];
      if (!file) return;
      await showPictureOnPad(pad, file);
      (pad === first ? analyseFirst : analyseSecond)(pad);
    });
  }
  document.querySelectorAll("button.tab").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  try {
    state.model = await api("api/model");
    const m = state.model;
    $("model-line").textContent = `${m.model} · ${m.tower} tower, ${m.similarity} similarity · ${m.classes.length} classes · threshold ${m.threshold.toFixed(4)} (${m.thresholdSource})`;
    $("gallery-name").textContent = `among ${m.gallery.images} images of ${m.gallery.name}`;
    state.map = await api("api/map");
    drawLegend();
    drawMap();
    document.body.dataset.ready = "true";
  } catch (error) {
    showError(error);
  }
}

start();
