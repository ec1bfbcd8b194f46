// The static site's widgets: every <div class="toylands-live" data-module="name.js"> on the page runs that ES module
// (served beside this file, from the site itself) on the state saved in its <script type="application/json">,
// through the stand-in model (standin.js): no kernel, no network. Each module shows the controls that need a kernel
// as such, since the saved state says `live: false`. The still picture in the block stays until the module has
// drawn (and is what prints); a module that fails leaves it there and says why on the console.
// `window.toylands.ready` resolves once every widget on the page has drawn (or failed): the tests wait for it.
import { standin } from "./standin.js";

async function boot(el) {
  const state = JSON.parse(el.querySelector('script[type="application/json"]').textContent);
  const module = await import(new URL(el.dataset.module, import.meta.url).href);
  let widget = module.default;
  if (typeof widget === "function") widget = await widget();  // anywidget's other form: a function returning it
  const model = standin(state);
  const view = document.createElement("div");
  view.className = "toylands-view";
  el.append(view);
  try {
    await widget.initialize?.({ model });
    await widget.render({ model, el: view });
  } catch (e) {
    view.remove();
    throw e;
  }
  el.classList.add("toylands-running");
}

const blocks = [...document.querySelectorAll("div.toylands-live:not([data-booted])")];
for (const el of blocks) el.dataset.booted = "";
window.toylands = window.toylands ?? {};
window.toylands.ready = Promise.all(blocks.map((el) => boot(el).catch((e) => {
  console.error(`toylands: the widget ${el.dataset.module} could not run here (its picture stays):`, e);
})));
