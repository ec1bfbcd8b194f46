// A tiny stand-in for an anywidget model (get, set, on, save_changes) over a state saved at build time:
// the static site and the browser tests run the widgets' own modules against it, with no kernel.
// Saved bytes arrive as {"$bytes": "<base64>"} and are handed out as DataView, as anywidget does.
export function standin(saved) {
  const state = {};
  for (const [k, v] of Object.entries(saved)) {
    if (v && typeof v === "object" && "$bytes" in v) {
      const raw = atob(v.$bytes);
      const u8 = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) u8[i] = raw.charCodeAt(i);
      state[k] = new DataView(u8.buffer);
    } else state[k] = v;
  }
  const listeners = {};
  return {
    get: (k) => state[k],
    set(k, v) {
      state[k] = v;
      for (const f of listeners[`change:${k}`] ?? []) f();
    },
    on(name, f) { (listeners[name] ??= []).push(f); },
    off(name, f) { listeners[name] = (listeners[name] ?? []).filter((g) => g !== f); },
    save_changes() {},
  };
}
