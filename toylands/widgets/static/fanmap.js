// The browser side of toylands.widgets.FanMap (its docstring lists the synced traitlets).
// The two sliders select among computed paths: they redraw here at once and tell the kernel afterwards.
// A click on the map sets a new start: the kernel computes the new fan while the old one stays drawn.
import { floats, mapping, stage, strokePath } from "./view.js";

function slider(label, max, value) {
  const row = document.createElement("label");
  row.style.cssText = "display: flex; align-items: center; gap: 0.5em; margin: 0.2em 0; color: inherit;";
  const name = document.createElement("span");
  name.textContent = label;
  name.style.minWidth = "3em";
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min: 0, max, step: 1, value });
  input.style.cssText = "flex: 1; min-width: 6em;";
  const readout = document.createElement("output");
  readout.style.cssText = "min-width: 7em; font-variant-numeric: tabular-nums;";
  row.append(name, input, readout);
  return { row, input, readout };
}

function render({ model, el }) {
  el.classList.add("toylands-fanmap");
  el.style.cssText = "max-width: 100%; color: var(--jp-ui-font-color1, inherit); font: inherit;";
  const view = stage(model, el);
  const lr = slider("lr", model.get("labels").length - 1, model.get("index"));
  const step = slider("step", model.get("shape")[1] - 1, model.get("step"));
  const note = document.createElement("div");
  note.style.cssText = "min-height: 1.4em; opacity: 0.8;";
  el.append(lr.row, step.row, note);

  let xy = floats(model.get("paths"));
  let index = model.get("index"), upto = model.get("step");
  const draw = () => {
    const ctx = view.context();
    const [runs, points] = model.get("shape");
    const i = Math.min(index, runs - 1);
    ctx.lineWidth = 2.0;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.strokeStyle = model.get("color");
    ctx.globalAlpha = model.get("busy") ? 0.45 : 1;
    strokePath(ctx, mapping(model), xy.subarray(2 * points * i, 2 * points * (i + 1)), 0, Math.min(upto, points - 1) + 1);
    lr.readout.textContent = model.get("labels")[i] ?? "";
    step.readout.textContent = `${Math.min(upto, points - 1)} / ${points - 1}`;
    note.textContent = model.get("busy") ? "computing the new fan..."
      : model.get("live") ? "click the map to start from there" : "";
  };
  // Selecting among computed results: draw now, tell the kernel afterwards (no round trip before the pixels).
  lr.input.addEventListener("input", () => {
    index = +lr.input.value;
    draw();
    model.set("index", index);
    model.save_changes();
  });
  step.input.addEventListener("input", () => {
    upto = +step.input.value;
    draw();
    model.set("step", upto);
    model.save_changes();
  });
  view.canvas.addEventListener("click", (event) => {
    const [px, py] = view.toPicture(event);
    const map = mapping(model);
    if (!map.inside(px, py)) return;
    if (!model.get("live")) { note.textContent = "needs a running kernel: open this lesson on Binder"; return; }
    model.set("start", map.toData(px, py));
    model.save_changes();
  });
  model.on("change:paths", () => { xy = floats(model.get("paths")); draw(); });
  model.on("change:shape", () => { step.input.max = model.get("shape")[1] - 1; });
  model.on("change:index", () => { index = model.get("index"); lr.input.value = index; draw(); });
  model.on("change:step", () => { upto = model.get("step"); step.input.value = upto; draw(); });
  model.on("change:busy", draw);
  model.on("change:png", () => { view.picture(); draw(); });
  draw();
}

export default { render };
