// The browser side of every toylands widget (toylands/widgets/_scene.py's Scene: its docstring lists the state).
// The kernel computed every layer a control can reach; this module draws the ones the current values select.
// A control that selects among computed layers redraws here at once and tells the kernel afterwards; a control
// marked `kernel` asks the kernel for new layers, and the old ones stay drawn (greyed) until they arrive.
// Self-contained: anywidget loads a module from a blob: URL, where a relative import cannot resolve.

// A DataView (what anywidget gives for bytes) or an ArrayBuffer, as a Float32Array.
// Exactly the bytes of a buffer the model hands over (anywidget gives a DataView; a view may share a larger buffer).
function bytes(v) {
  return ArrayBuffer.isView(v) ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v;
}

export function floats(v) {
  return new Float32Array(bytes(v));
}

function ints(v) {   // little-endian int32 bytes (a ragged layer's offsets)
  return new Int32Array(bytes(v));
}

// Half floats (IEEE binary16) to numbers: one table of all 65536, built once.
let HALF = null;
function halfTable() {
  if (HALF) return HALF;
  HALF = new Float32Array(65536);
  for (let b = 0; b < 65536; b++) {
    const sign = b & 0x8000 ? -1 : 1, e = (b >> 10) & 0x1f, m = b & 0x3ff;
    HALF[b] = e === 0 ? sign * m * 2 ** -24 : e === 31 ? (m ? NaN : sign * Infinity) : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return HALF;
}

// A points layer's data as numbers: float32, or half floats relative to its axes' view (`wire` in _scene.py):
// each coordinate j is c + h * v, or 10 ** (c + h * v) on a log axis, with half[j] = [c, h, log].
export function points(v, half) {
  if (!half) return floats(v);
  const u = new Uint16Array(bytes(v)), T = halfTable(), k = half.length, out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const [c, h, log] = half[i % k], x = c + h * T[u[i]];
    out[i] = log ? 10 ** x : x;
  }
  return out;
}

// The same map for one axes' view {box, xlim, ylim, xscale, yscale} (a Scene has one per axes it draws into).
export function axisMap(v) {
  const [left, top, w, h] = v.box;
  const axis = (lim, scale) => {
    const f = scale === "log" ? Math.log10 : (v) => v;
    const g = scale === "log" ? (u) => 10 ** u : (u) => u;
    const lo = f(lim[0]), hi = f(lim[1]);
    return { frac: (v) => (f(v) - lo) / (hi - lo), value: (u) => g(lo + u * (hi - lo)) };
  };
  const X = axis(v.xlim, v.xscale);
  const Y = axis(v.ylim, v.yscale);
  return {
    toPixel: (x, y) => [left + w * X.frac(x), top + h * (1 - Y.frac(y))],
    toData: (px, py) => [X.value((px - left) / w), Y.value(1 - (py - top) / h)],
    inside: (px, py) => px >= left && px <= left + w && py >= top && py <= top + h,
  };
}

// The still picture with a canvas laid exactly over it. Returns {root, canvas, context(), toPicture(event)}.
// The picture scales down to narrow screens; the canvas follows and draws in picture pixels.
export function stage(model, el) {
  const root = document.createElement("div");
  root.className = "toylands-stage";
  root.style.cssText = "position: relative; width: 100%; line-height: 0;";
  const img = document.createElement("img");
  const canvas = document.createElement("canvas");
  img.style.cssText = "width: 100%; height: auto; display: block;";
  canvas.style.cssText = "position: absolute; left: 0; top: 0; width: 100%; height: 100%;";
  root.append(img, canvas);
  el.append(root);
  let url = null;
  const picture = () => {
    const [w, h] = model.get("size");
    root.style.maxWidth = `${w}px`;
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([model.get("png")], { type: "image/png" }));
    img.src = url;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  };
  picture();
  return {
    root, canvas, picture,
    context() {
      const ctx = canvas.getContext("2d");
      const [w] = model.get("size");
      ctx.setTransform(canvas.width / w, 0, 0, canvas.width / w, 0, 0);
      ctx.clearRect(0, 0, w, model.get("size")[1]);
      return ctx;
    },
    toPicture(event) {
      const r = canvas.getBoundingClientRect();
      const [w, h] = model.get("size");
      return [((event.clientX - r.left) * w) / r.width, ((event.clientY - r.top) * h) / r.height];
    },
  };
}


const STYLE = `
.toylands-scene { max-width: 100%; color: var(--jp-ui-font-color1, inherit); font-family: var(--jp-ui-font-family, inherit);
  font-size: var(--jp-ui-font-size1, 0.95em); line-height: 1.35; }
.toylands-scene .tl-controls { display: flex; flex-wrap: wrap; gap: 0.25em 1.2em; margin: 0.2em 0 0.4em; }
.toylands-scene .tl-control { display: flex; align-items: center; gap: 0.45em; flex: 1 1 16em; min-width: 0; max-width: 34em; }
.toylands-scene .tl-control > span:first-child { white-space: nowrap; }
.toylands-scene .tl-control input[type=range] { flex: 1 1 8em; min-width: 5em; accent-color: #0072B2; }
.toylands-scene .tl-control.tl-select { flex: 0 1 auto; }
.toylands-scene .tl-control select { min-width: 4em; flex: 0 1 auto; }
.toylands-scene .tl-control output { min-width: 4.5em; font-variant-numeric: tabular-nums; white-space: nowrap; }
.toylands-scene select, .toylands-scene button { font: inherit; color: inherit; background: var(--jp-layout-color1, transparent);
  border: 1px solid var(--jp-border-color1, #888); border-radius: 3px; padding: 0.1em 0.3em; max-width: 100%; }
.toylands-scene [disabled] { opacity: 0.5; }
.toylands-scene .tl-readout { margin-top: 0.3em; overflow-wrap: anywhere; }
.toylands-scene .tl-status { min-height: 1.35em; opacity: 0.85; font-style: italic; }
.toylands-scene .tl-bad { color: #C0392B; } .toylands-scene .tl-good { color: #007A5A; } .toylands-scene .tl-note { color: #005A8C; }
body[data-jp-theme-light="false"] .toylands-scene .tl-bad, body[data-theme="dark"] .toylands-scene .tl-bad { color: #FF8A65; }
body[data-jp-theme-light="false"] .toylands-scene .tl-good, body[data-theme="dark"] .toylands-scene .tl-good { color: #4ED6A8; }
body[data-jp-theme-light="false"] .toylands-scene .tl-note, body[data-theme="dark"] .toylands-scene .tl-note { color: #7CC4F0; }
@media (prefers-color-scheme: dark) {
  body[data-theme="auto"] .toylands-scene .tl-bad { color: #FF8A65; }
  body[data-theme="auto"] .toylands-scene .tl-good { color: #4ED6A8; }
  body[data-theme="auto"] .toylands-scene .tl-note { color: #7CC4F0; }
}
.toylands-stage { border-radius: 2px; }
`;
export const NEEDS_KERNEL = "needs a running kernel: open this lesson on Binder";

function addStyle() {
  if (document.getElementById("toylands-scene-style")) return;
  const s = document.createElement("style");
  s.id = "toylands-scene-style";
  s.textContent = STYLE;
  document.head.append(s);
}

// Four significant digits, as Python's f"{v:.4g}" (toylands/widgets/_scene.py's g4 is its twin).
export function g4(v) {
  if (!Number.isFinite(v)) return v > 0 ? "∞" : v < 0 ? "-∞" : "nan";
  if (v === 0) return "0";
  const e = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(4)))));
  if (e < -4 || e >= 4) {
    const [m, x] = v.toExponential(3).split("e");
    const ex = +x;
    return `${m.replace(/\.?0+$/, "")}e${ex < 0 ? "-" : "+"}${String(Math.abs(ex)).padStart(2, "0")}`;
  }
  return String(Number(v.toPrecision(4)));
}

function marker(ctx, kind, x, y, size) {
  const r = size / 2;
  ctx.beginPath();
  if (kind === "s") ctx.rect(x - r, y - r, size, size);
  else if (kind === ">") { ctx.moveTo(x + r, y); ctx.lineTo(x - r, y - r); ctx.lineTo(x - r, y + r); ctx.closePath(); }
  else if (kind === "x") {
    const a = r * 0.8, w = r * 0.38;
    for (const [dx, dy] of [[1, 1], [1, -1]]) {
      ctx.moveTo(x - a * dx + w * dy, y - a * dy - w * dx); ctx.lineTo(x + a * dx + w * dy, y + a * dy - w * dx);
      ctx.lineTo(x + a * dx - w * dy, y + a * dy + w * dx); ctx.lineTo(x - a * dx - w * dy, y - a * dy + w * dx);
      ctx.closePath();
    }
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
}

function render({ model, el }) {
  addStyle();
  el.classList.add("toylands-scene");
  el.dataset.lmSuppressShortcuts = "true";   // JupyterLab's notebook shortcuts must leave the arrow keys to the sliders
  const view = stage(model, el);
  const controlsRow = document.createElement("div");
  controlsRow.className = "tl-controls";
  const status = document.createElement("div");
  status.className = "tl-status";
  const readout = document.createElement("div");
  readout.className = "tl-readout";
  el.prepend(controlsRow);
  el.append(status, readout);

  let val = { ...model.get("value") };
  let order = [];   // the layers in drawing order
  let layers = [], specs = {}, inputs = {}, pictures = new Map(), playing = null, dragging = false;
  let want = null, ring = null, inflight = false;   // the start asked for, the one drawn, a start request out
  let asked = 0;   // kernel requests sent and not yet answered (the kernel's `answered` counts its answers)
  const waiting = () => asked > 0;
  let transient = "";   // a line the module itself shows (no kernel here), until the next change
  const size = (name) => specs[name].options.length;
  const flat = (dims) => dims.reduce((i, d) => i * size(d) + (val[d] ?? 0), 0);
  const live = () => model.get("live");

  let decoded = null;   // the layers value decode() last read
  function decode() {
    decoded = model.get("layers");
    layers = decoded.map((L) => {
      const out = { ...L };
      if (L.data) out.xy = L.half ? points(L.data, L.half) : floats(L.data);
      if (L.stops) out.stopsArr = floats(L.stops);
      if (L.offsets) out.offsetsArr = ints(L.offsets);
      if (L.lut) out.lutArr = new Uint8Array(bytes(L.lut));
      return out;
    });
    for (const L of layers) if (L.ref != null) {   // a head shares its path's points, and how they are laid out
      L.xy = layers[L.ref].xy;
      L.xindex = layers[L.ref].xindex;
      L.offsetsArr = layers[L.ref].offsetsArr;
    }
    // drawn in order of depth (as matplotlib's zorder in Scene.paint): pictures, images, bands, lines, markers, labels
    const depth = { picture: -1, image: 0, band: 1, line: 2, vline: 2, hline: 2, dots: 3, head: 3, text: 4 };
    order = layers.map((L, i) => [L.style?.z ?? depth[L.kind], i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => layers[i]);
    pictures = new Map();
    layers.forEach((L, li) => {
      if (L.kind !== "picture") return;
      L.items.forEach((png, i) => {
        createImageBitmap(new Blob([bytes(png)], { type: "image/png" })).then((bmp) => {
          pictures.set(`${li}:${i}`, bmp);
          if (flat(L.dims) === i) schedule();
        });
      });
    });
  }

  // Which points of a points layer are drawn now: [offset, count] into its xy, or null.
  function shown(L) {
    const i = flat(L.dims), n = L.n;
    const stop = L.stopsArr ? (L.stopsArr.length > 1 ? L.stopsArr[i] : L.stopsArr[0]) : n;
    const upto = L.upto == null ? n - 1 : val[L.upto];
    const reached = Math.min(upto, stop - 1) >= stop - 1 && stop < n;
    if ((L.when === "stopped" && !reached) || (L.when === "running" && reached)) return null;
    // points of item i start at i * n, or where its offset says (a ragged layer holds only each item's valid points)
    const O = L.offsetsArr, base = O ? O[i] : i * n;
    const count = O ? (i + 1 < O.length ? O[i + 1] : L.xy.length / (L.xindex ? 1 : 2)) - base : n;
    const last = Math.min(upto, stop - 1, count - 1);
    return L.kind === "head" ? [base + last, 1, base] : [base, last + 1, base];
  }

  function drawImage(ctx, L, map) {
    const [ny, nx] = L.shape, s = L.style, i = flat(L.dims);
    const off = L.canvas ??= Object.assign(document.createElement("canvas"), { width: nx, height: ny });
    const img = off.getContext("2d").createImageData(nx, ny);
    const lo = s.vmin ?? 0, hi = s.vmax ?? 1, lut = L.lutArr, base = i * nx * ny;
    for (let r = 0; r < ny; r++) {
      const row = (s.origin ?? "lower") === "lower" ? ny - 1 - r : r;
      for (let c = 0; c < nx; c++) {
        const v = L.xy[base + row * nx + c], o = 4 * (r * nx + c);
        if (!Number.isFinite(v)) { img.data[o + 3] = 0; continue; }
        const k = 4 * Math.max(0, Math.min(255, Math.floor(((v - lo) / (hi - lo)) * 255.999)));
        img.data[o] = lut[k]; img.data[o + 1] = lut[k + 1]; img.data[o + 2] = lut[k + 2]; img.data[o + 3] = lut[k + 3];
      }
    }
    off.getContext("2d").putImageData(img, 0, 0);
    const [x0, x1, y0, y1] = s.extent;
    const [ax, ay] = map.toPixel(x0, y1), [bx, by] = map.toPixel(x1, y0);
    ctx.imageSmoothingEnabled = s.smooth ?? true;  // its alpha is drawLayer's globalAlpha, applied once
    ctx.drawImage(off, ax, ay, bx - ax, by - ay);
  }

  function drawLayer(ctx, L, map, box) {
    const s = L.style ?? {};
    ctx.save();
    if (L.kind !== "text" && L.kind !== "picture") { ctx.beginPath(); ctx.rect(...box); ctx.clip(); }
    ctx.globalAlpha = (s.alpha ?? 1) * (waiting() ? 0.45 : 1);
    const color = s.color ?? "#000000";
    if (L.kind === "line" || L.kind === "dots" || L.kind === "head") {
      const part = shown(L);
      if (part) {
        const [o, k, base] = part, px = new Float64Array(2 * k);
        for (let j = 0; j < k; j++) {
          const p = L.xindex ? map.toPixel(o - base + j, L.xy[o + j]) : map.toPixel(L.xy[2 * (o + j)], L.xy[2 * (o + j) + 1]);
          px[2 * j] = p[0]; px[2 * j + 1] = p[1];
        }
        if (L.kind === "line") {
          const trace = () => {
            ctx.beginPath();
            let pen = false;
            for (let j = 0; j < k; j++) {
              const x = px[2 * j], y = px[2 * j + 1];
              if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
              if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
              pen = true;
            }
          };
          ctx.lineCap = ctx.lineJoin = "round";
          if (s.halo) { trace(); ctx.strokeStyle = s.halo; ctx.lineWidth = (s.width ?? 2) + 3; ctx.setLineDash([]); ctx.stroke(); }
          trace();
          ctx.strokeStyle = color; ctx.lineWidth = s.width ?? 2; ctx.setLineDash(s.dash ?? []); ctx.stroke();
        } else {
          ctx.lineWidth = 1.5;
          for (let j = 0; j < k; j++) {
            const x = px[2 * j], y = px[2 * j + 1];
            if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
            marker(ctx, s.marker ?? "o", x, y, s.size ?? 8);
            if (s.fill ?? true) { ctx.fillStyle = color; ctx.fill(); }
            ctx.strokeStyle = s.edge ?? color; ctx.stroke();
          }
        }
      }
    } else if (L.kind === "vline" || L.kind === "hline") {
      const v = L.xy[flat(L.dims)];
      if (Number.isFinite(v)) {
        ctx.beginPath();
        if (L.kind === "vline") { const [x] = map.toPixel(v, 1); ctx.moveTo(x, box[1]); ctx.lineTo(x, box[1] + box[3]); }
        else { const [, y] = map.toPixel(1, v); ctx.moveTo(box[0], y); ctx.lineTo(box[0] + box[2], y); }
        ctx.strokeStyle = color; ctx.lineWidth = s.width ?? 2; ctx.setLineDash(s.dash ?? []); ctx.stroke();
      }
    } else if (L.kind === "band") {
      const i = flat(L.dims), a = L.xy[2 * i], b = L.xy[2 * i + 1];
      if (Number.isFinite(a) && Number.isFinite(b)) {
        const [xa] = map.toPixel(a, 1), [xb] = map.toPixel(b, 1);
        ctx.fillStyle = color; ctx.fillRect(Math.min(xa, xb), box[1], Math.abs(xb - xa), box[3]);
      }
    } else if (L.kind === "image") drawImage(ctx, L, map);
    else if (L.kind === "picture") {
      const bmp = pictures.get(`${layers.indexOf(L)}:${flat(L.dims)}`);
      const [w, h] = model.get("size");
      if (bmp) ctx.drawImage(bmp, 0, 0, w, h);
    } else if (L.kind === "text") {
      const text = L.when && !shown(L) ? "" : L.items[flat(L.dims)];
      if (text) {
        const [fx, fy] = s.at ?? [0.5, 0.5];
        const x = box[0] + fx * box[2], y = box[1] + (1 - fy) * box[3];
        ctx.font = `${s.weight ?? "normal"} ${s.font ?? 12}px sans-serif`;
        ctx.textAlign = s.align ?? "center"; ctx.textBaseline = "middle";
        const lines = String(text).split("\n"), lh = (s.font ?? 12) * 1.2;
        if (s.box) {
          const w = Math.max(...lines.map((t) => ctx.measureText(t).width)) + 10, h = lh * lines.length + 6;
          const left = s.align === "left" ? x - 5 : s.align === "right" ? x - w + 5 : x - w / 2;
          ctx.fillStyle = s.box; ctx.fillRect(left, y - h / 2, w, h);
          ctx.strokeStyle = color; ctx.lineWidth = 1; ctx.strokeRect(left, y - h / 2, w, h);
        }
        ctx.fillStyle = color;
        lines.forEach((t, j) => ctx.fillText(t, x, y + (j - (lines.length - 1) / 2) * lh));
      }
    }
    ctx.restore();
  }

  function readoutText() {
    const t = model.get("texts");
    if (!t || !t.items) return "";
    let text = t.items[flat(t.dims)] ?? "";
    if (t.upto != null && val[t.upto] < size(t.upto) - 1) {
      const L = layers[t.layer], part = L && shown(L);
      if (part && part[1] > 0) {
        const j = part[0] + part[1] - 1, label = specs[t.upto].options[part[1] - 1];
        text += t.partial[flat(t.dims)].replaceAll("{step}", label).replaceAll("{y}", g4(L.xindex ? L.xy[j] : L.xy[2 * j + 1]));
      }
    }
    return text;
  }

  function draw() {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    const ctx = view.context();
    const axes = model.get("axes");
    for (const L of order) {
      const a = axes[L.axes];
      if (a) drawLayer(ctx, L, axisMap(a), a.box);
    }
    const map = Object.values(specs).find((c) => c.kind === "map");
    if (map && ring) {   // the start being dragged, before the kernel's runs arrive
      const a = axes[map.axes ?? 0], [x, y] = axisMap(a).toPixel(...ring);
      ctx.save(); ctx.lineWidth = 2; ctx.strokeStyle = "#FFFFFF"; marker(ctx, "o", x, y, 12); ctx.stroke(); ctx.restore();
    }
    readout.innerHTML = readoutText();
    for (const [name, input] of Object.entries(inputs)) if (input.readout) input.readout.textContent = specs[name].options[val[name]] ?? "";
    const off = live() ? [] : Object.values(specs).filter((c) => c.kernel && c.kind !== "map").map((c) => c.label);
    status.textContent = transient || model.get("note") || (waiting() ? "computing..."
      : off.length ? `${off.join(", ")}: ${NEEDS_KERNEL}` : "");
  }
  let frame = null;
  const schedule = () => { frame ??= requestAnimationFrame(draw); };

  function send(name, index) {
    val = { ...val, [name]: index };
    model.set("value", val);
    model.save_changes();
  }

  function choose(name, index) {
    const c = specs[name];
    transient = "";
    if (c.kernel) {
      if (index === val[name]) return;   // no change: no request (the kernel would not answer it)
      if (!live()) { inputs[name].set(val[name]); transient = NEEDS_KERNEL; draw(); return; }
      asked += 1;
      send(name, index);
      status.textContent = "computing...";
      return;
    }
    val = { ...val, [name]: index };
    draw();   // the pixels first, the message to the kernel afterwards
    send(name, index);
  }

  function buildControls() {
    controlsRow.replaceChildren();
    inputs = {};
    specs = Object.fromEntries(model.get("controls").map((c) => [c.name, c]));
    for (const c of model.get("controls")) {
      if (c.kind === "map") continue;
      const row = document.createElement("label");
      row.className = "tl-control";
      const name = document.createElement("span");
      name.textContent = c.label;
      row.append(name);
      const off = c.kernel && !live();
      if (off) row.title = NEEDS_KERNEL;
      if (c.kind === "select") {
        row.classList.add("tl-select");   // as wide as its label and choices, not a slider's share of the row
        const sel = document.createElement("select");
        c.options.forEach((o, i) => sel.append(new Option(o, String(i))));
        sel.value = String(val[c.name] ?? 0);
        sel.disabled = off;
        sel.addEventListener("change", () => choose(c.name, +sel.value));
        row.append(sel);
        inputs[c.name] = { el: sel, set: (i) => { sel.value = String(i); } };
      } else if (c.kind === "play") {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "▶ play";
        button.addEventListener("click", () => toggle(c, button));
        row.append(button);
        row.style.flex = "0 0 auto";
        inputs[c.name] = { el: button, set: () => {} };
      } else {
        const input = document.createElement("input");
        Object.assign(input, { type: "range", min: 0, max: c.options.length - 1, step: 1, value: val[c.name] ?? 0 });
        input.disabled = off;
        input.setAttribute("aria-label", c.label);
        const out = document.createElement("output");
        // selecting sliders move on every step; kernel sliders ask once the hand lets go (or per key press)
        input.addEventListener(c.kernel ? "change" : "input", () => choose(c.name, +input.value));
        // JupyterLab's keyboard shortcuts take the arrow keys' default away from a range input: step it here then.
        input.addEventListener("keydown", (e) => {
          const n = c.options.length - 1, big = Math.max(1, Math.round(n / 10));
          const to = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: big, PageDown: -big }[e.key];
          const at = e.key === "Home" ? 0 : e.key === "End" ? n : to === undefined ? null : +input.value + to;
          if (at === null) return;
          e.stopPropagation();
          if (!e.defaultPrevented) return;   // the browser steps it (and fires input/change) itself
          input.value = Math.max(0, Math.min(n, at));
          choose(c.name, +input.value);
        });
        row.append(input, out);
        inputs[c.name] = { el: input, readout: out, set: (i) => { input.value = i; } };
      }
      controlsRow.append(row);
    }
    if (!controlsRow.children.length) controlsRow.style.display = "none";
  }

  function toggle(c, button) {
    if (playing) { clearInterval(playing); playing = null; button.textContent = "▶ play"; return; }
    const target = c.target, n = size(target), stride = Math.max(1, Math.round(n / 100));
    if (val[target] >= n - 1) val = { ...val, [target]: 0 };
    button.textContent = "⏸ pause";
    playing = setInterval(() => {
      const next = Math.min(n - 1, val[target] + stride);
      val = { ...val, [target]: next };
      inputs[target]?.set(next);
      draw();
      if (next >= n - 1) { clearInterval(playing); playing = null; button.textContent = "▶ play"; send(target, next); }
    }, 40);
  }

  // The map: a click or a drag sets the start. With a kernel, it computes the runs from there (one request in
  // flight at a time: the latest position goes when the last answer is in); without one, the start snaps to the
  // nearest of the starts computed ahead, if there are any.
  function startAt(event) {
    const map = Object.values(specs).find((c) => c.kind === "map");
    if (!map) return false;
    const a = model.get("axes")[map.axes ?? 0], m = axisMap(a);
    const [px, py] = view.toPicture(event);
    if (!m.inside(px, py)) return false;
    const xy = m.toData(px, py);
    if (live()) {
      want = ring = xy;
      flush();
      schedule();
    } else if (map.points && map.points.length > 1) {
      let best = 0, dist = Infinity;
      map.points.forEach(([x, y], i) => {
        const [qx, qy] = m.toPixel(x, y), d = (qx - px) ** 2 + (qy - py) ** 2;
        if (d < dist) { dist = d; best = i; }
      });
      transient = "";
      if (best !== val[map.name]) { val = { ...val, [map.name]: best }; draw(); }
    } else { transient = NEEDS_KERNEL; draw(); }
    return true;
  }
  function flush() {
    if (!want || inflight) return;
    const now = model.get("start");
    if (now && now[0] === want[0] && now[1] === want[1]) { want = null; return; }   // no change: no request, no answer
    inflight = true;
    asked += 1;
    model.set("start", want);
    model.save_changes();
    want = null;
  }
  view.canvas.style.touchAction = "none";
  view.canvas.addEventListener("pointerdown", (e) => {
    if (startAt(e)) { dragging = true; view.canvas.setPointerCapture(e.pointerId); }
  });
  view.canvas.addEventListener("pointermove", (e) => { if (dragging) startAt(e); });
  const release = () => { dragging = false; };
  view.canvas.addEventListener("pointerup", release);
  view.canvas.addEventListener("pointercancel", release);

  model.on("change:controls", () => { buildControls(); schedule(); });
  model.on("change:layers", () => { if (model.get("layers") !== decoded) decode(); schedule(); });
  model.on("change:value", () => {
    const v = model.get("value");
    if (Object.keys(v).every((k) => v[k] === val[k]) && Object.keys(val).every((k) => v[k] === val[k])) return;
    val = { ...v };
    for (const [k, input] of Object.entries(inputs)) input.set(val[k]);
    schedule();
  });
  let answer = false;
  model.on("change:answered", () => {   // sent with the new layers, in the same message
    answer = true;
    asked = Math.max(0, asked - 1);
    inflight = false;
    if (want) flush(); else if (!dragging) ring = null;
  });
  // Drawn once every key of the answer has fired its own change (they come in any order; "change:layers" has
  // decoded the new layers, and each key scheduled a frame): at once, not at the next frame, which would draw the
  // same picture again about 16 ms later.
  model.on("change", () => {
    if (!answer) return;
    answer = false;
    draw();
  });
  for (const k of ["texts", "note", "axes"]) model.on(`change:${k}`, schedule);
  model.on("change:png", () => { view.picture(); schedule(); });
  buildControls();
  decode();
  draw();
}

export default { render };
