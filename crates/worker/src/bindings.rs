//! The environment's bindings, each read once per isolate: a binding (a Durable Object
//! namespace, a rate limiter) is the same object for the isolate's whole life, and reading one
//! checks its type across the Wasm↔JS boundary (several calls) on every request otherwise.

use std::cell::RefCell;
use worker::wasm_bindgen::{JsCast, JsValue};

thread_local! {
    static HELD: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The binding named `name`, from this isolate's memory, or read with `read` and kept (a
/// failed read is not kept: the next request tries again).
pub fn held<T: JsCast>(name: &str, read: impl FnOnce() -> worker::Result<T>) -> worker::Result<T> {
    let kept = HELD.with(|h| {
        h.borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    });
    if let Some(value) = kept {
        return Ok(value.unchecked_into());
    }
    let binding = read()?;
    let value: &JsValue = binding.as_ref();
    HELD.with(|h| h.borrow_mut().push((name.to_owned(), value.clone())));
    Ok(binding)
}
