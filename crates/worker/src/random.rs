//! Randomness from the runtime's CSPRNG (`crypto.getRandomValues`).

use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::{self, prelude::*};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &Uint8Array) -> Result<JsValue, JsValue>;
}

/// N bytes from the runtime's CSPRNG (16 for ids and nonces, 8 for a backup id's suffix, 24
/// for a sealing nonce, 32 for an owner token).
pub fn bytes<const N: usize>() -> worker::Result<[u8; N]> {
    let len = u32::try_from(N).map_err(|_| worker::Error::RustError("too many bytes".into()))?;
    let buf = Uint8Array::new_with_length(len);
    get_random_values(&buf)
        .map_err(|e| worker::Error::JsError(format!("getRandomValues: {e:?}")))?;
    let mut out = [0u8; N];
    buf.copy_to(&mut out);
    Ok(out)
}

/// A fresh request id (`core::log::new_request_id`).
pub fn request_id() -> String {
    wandstore_core::log::new_request_id(bytes::<16>(), crate::clock::now_ms())
}

/// A CSP nonce (`core::headers::script_nonce`).
pub fn nonce() -> worker::Result<String> {
    Ok(wandstore_core::headers::script_nonce(bytes::<16>()?))
}
