// The global `queueMicrotask`, replaced once per Wasm instance (`src/microtasks.rs`) by one
// that queues its callback as a reaction to an already-resolved promise.
//
// Why: wasm-bindgen's futures queue (js-sys) schedules every run of ready Rust tasks with the
// global `queueMicrotask`, two to five times a request. workerd's own wraps each callback it is
// given in a new function made from a template: about 4 µs a call, against 0.5 µs for a promise
// reaction (BENCHMARKS.md, eleventh session).
//
// What stays the same: both go on the one microtask queue, so callbacks run in the order they
// were queued, before any I/O. A callback that throws is handed to the platform's own
// `queueMicrotask` to rethrow, so the error still reaches the global "error" listeners (worker-
// build's shim listens there for a trapped Wasm instance) instead of becoming an unhandled
// rejection. A non-function is refused by the platform's own, with its TypeError.

const REPLACED = Symbol.for("wandstore.queueMicrotask");

/** Installs the replacement on `scope` (the global object); a second call changes nothing. */
export function installQueueMicrotask(scope = globalThis) {
  const platform = scope.queueMicrotask;
  if (typeof platform !== "function" || platform[REPLACED]) return;
  const resolved = Promise.resolve();
  const queueMicrotask = function queueMicrotask(callback) {
    if (typeof callback !== "function") return platform.call(scope, callback);
    resolved.then(() => {
      try {
        callback();
      } catch (error) {
        platform.call(scope, () => {
          throw error;
        });
      }
    });
  };
  queueMicrotask[REPLACED] = true;
  scope.queueMicrotask = queueMicrotask;
}
