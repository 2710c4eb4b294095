// Equimap's engine worker. The page sends {boot: {glue, module}} first: the URL of its own
// wasm-bindgen glue script and its compiled WebAssembly.Module, so nothing is downloaded or
// compiled twice. Every later message goes to the engine (src/app/worker/mod.rs); messages that
// arrive while it starts wait in order.
let engine = null;
const waiting = [];
self.onmessage = async (event) => {
  if (event.data && event.data.boot) {
    const glue = await import(event.data.boot.glue);
    await glue.default({ module_or_path: event.data.boot.module });
    engine = glue;
    for (const m of waiting.splice(0)) engine.worker_message(m);
    return;
  }
  if (engine) engine.worker_message(event.data);
  else waiting.push(event.data);
};
