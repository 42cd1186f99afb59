// The Worker's module, as wrangler loads it (`main` in wrangler.toml).
//
// worker-build exports the entry as a class extending `WorkerEntrypoint`, behind a `Proxy`
// that re-initializes the Wasm after a fatal error. The runtime constructs that class for
// every request, and wrangler's dev middleware wraps it in a subclass of its own: together
// about a fifth of a page's CPU that the entry's own work does not need (BENCHMARKS.md,
// "One object per isolate for the entry"). This module exports the same handlers as a plain
// object, so nothing is constructed per request. The Durable Object classes are exported as
// the build made them (one instance per object, not per request).
//
// The build's recovery is kept: a Wasm trap in the entry marks the instance broken, and the
// next request re-initializes it the way the build's own proxy does (by constructing its
// entry class once, which checks the mark first).

import Built from "./build/index.js";
export { AbuseGuard, ShopperStorefront, StoreConfig, StoreRegistry } from "./build/index.js";

const handlers = Built.prototype;
const state = globalThis.__worker_init_state;

function recovered(env, ctx) {
  if (state && state.criticalError) {
    new Built(ctx, env);
  }
  return { env, ctx };
}

function noteTrap(error) {
  if (error instanceof WebAssembly.RuntimeError && state) {
    state.criticalError = true;
  }
  throw error;
}

function run(handler, arg, env, ctx) {
  try {
    return handler.call(recovered(env, ctx), arg).catch(noteTrap);
  } catch (error) {
    noteTrap(error);
  }
}

export default {
  fetch(request, env, ctx) {
    return run(handlers.fetch, request, env, ctx);
  },
  scheduled(controller, env, ctx) {
    return run(handlers.scheduled, controller, env, ctx);
  },
};
