// Shared by every widget drawn in the browser: the still picture, the canvas over it, the data <-> pixel map,
// float32 buffers. The Python twin of `mapping` is toylands/widgets/_drawing.py's `to_pixel`.

// A DataView (what anywidget gives for bytes) or an ArrayBuffer, as a Float32Array.
export function floats(v) {
  if (v instanceof DataView) return new Float32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  return new Float32Array(v);
}

// The one data <-> pixel map of a view (picture pixels from the top-left corner), for drawing and hit-testing.
export function mapping(model) {
  return axisMap({ box: model.get("box"), xlim: model.get("xlim"), ylim: model.get("ylim"),
                   xscale: model.get("xscale"), yscale: model.get("yscale") });
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

// Stroke the points [i0, i1) of an (n, 2) float32 path, breaking at non-finite points.
export function strokePath(ctx, map, xy, i0, i1) {
  ctx.beginPath();
  let pen = false;
  for (let i = i0; i < i1; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
    const [px, py] = map.toPixel(x, y);
    if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
    pen = true;
  }
  ctx.stroke();
}
