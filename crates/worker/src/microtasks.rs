//! The microtasks Rust futures are run in: wasm-bindgen's queue schedules them with the global
//! `queueMicrotask`, which `js/microtasks.js` replaces with a faster one that keeps its order
//! and error reporting (workerd's wraps every callback in a new function).

use worker::wasm_bindgen::{self, prelude::*};

#[wasm_bindgen(module = "/js/microtasks.js")]
extern "C" {
    /// Replaces the global `queueMicrotask` (`js/microtasks.js`; idempotent). Called once per
    /// Wasm instance, when it starts: before any request, alarm or cron event of the isolate
    /// (the entry's and each Durable Object's) polls a future.
    #[wasm_bindgen(js_name = installQueueMicrotask)]
    pub fn install();
}
