//! Randomness from the runtime's CSPRNG (`crypto.getRandomValues`): directly for secrets
//! that outlive a request, through the isolate's pool (`core::random_pool`) for the 16 bytes
//! of each request id, CSP nonce and new shopper id.

use std::cell::RefCell;
use wandstore_core::random_pool::RandomPool;
use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::{self, prelude::*};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &Uint8Array) -> Result<JsValue, JsValue>;
}

thread_local! {
    static POOL: RefCell<RandomPool> = const { RefCell::new(RandomPool::new()) };
}

/// Fills `out` from the runtime's CSPRNG (at most 65,536 bytes a call, its limit).
fn fill(out: &mut [u8]) -> worker::Result<()> {
    let len =
        u32::try_from(out.len()).map_err(|_| worker::Error::RustError("too many bytes".into()))?;
    let buf = Uint8Array::new_with_length(len);
    get_random_values(&buf)
        .map_err(|e| worker::Error::JsError(format!("getRandomValues: {e:?}")))?;
    buf.copy_to(out);
    Ok(())
}

/// N bytes straight from the runtime's CSPRNG (8 for a backup id's suffix, 24 for a sealing
/// nonce, 32 for an owner token, 16 for the owner console's).
pub fn bytes<const N: usize>() -> worker::Result<[u8; N]> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

/// 16 bytes from the isolate's pool (a request id, a CSP nonce, a new shopper's id).
pub fn pooled16() -> worker::Result<[u8; 16]> {
    POOL.with(|pool| pool.borrow_mut().take(fill))
}

/// A fresh request id (`core::log::new_request_id`).
pub fn request_id() -> String {
    wandstore_core::log::new_request_id(pooled16(), crate::clock::now_ms())
}

/// A CSP nonce (`core::headers::script_nonce`).
pub fn nonce() -> worker::Result<String> {
    Ok(wandstore_core::headers::script_nonce(pooled16()?))
}
