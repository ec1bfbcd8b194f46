// A tiny stand-in for an anywidget model (get, set, on, off, save_changes, send) over a state saved at build time
// (toylands/widgets/_drawing.py's `saved`): the static site and the browser tests run the widgets' own modules
// against it, with no kernel. Saved bytes, at any depth (nested in lists and dicts too), arrive as
// {"$bytes": "<base64>"} and are handed out as DataView, as anywidget does.
function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    if (typeof v.$bytes === "string" && Object.keys(v).length === 1) {
      const raw = atob(v.$bytes);
      const u8 = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) u8[i] = raw.charCodeAt(i);
      return new DataView(u8.buffer);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

export function standin(saved) {
  const state = decode(saved);
  const listeners = {};
  const emit = (name) => { for (const f of [...(listeners[name] ?? [])]) f(); };
  return {
    get: (k) => state[k],
    set(k, v) {
      if (Object.is(state[k], v)) return;  // as anywidget's model: no change, no event
      state[k] = v;
      emit(`change:${k}`);
      emit("change");
    },
    on(name, f) { (listeners[name] ??= []).push(f); },
    off(name, f) {
      if (name === undefined) { for (const k of Object.keys(listeners)) delete listeners[k]; return; }
      listeners[name] = f === undefined ? [] : (listeners[name] ?? []).filter((g) => g !== f);
    },
    save_changes() {},  // no kernel to tell
    send() {},  // no kernel to ask: a module shows controls that need one as such when `live` is false
  };
}
