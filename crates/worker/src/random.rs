//! Randomness from the runtime's CSPRNG (`crypto.getRandomValues`).

use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::{self, prelude::*};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &Uint8Array) -> Result<JsValue, JsValue>;
}

/// N bytes from the runtime's CSPRNG.
fn bytes<const N: usize>() -> worker::Result<[u8; N]> {
    let len = u32::try_from(N).map_err(|_| worker::Error::RustError("too many bytes".into()))?;
    let buf = Uint8Array::new_with_length(len);
    get_random_values(&buf)
        .map_err(|e| worker::Error::JsError(format!("getRandomValues: {e:?}")))?;
    let mut out = [0u8; N];
    buf.copy_to(&mut out);
    Ok(out)
}

/// 16 bytes from the runtime's CSPRNG.
pub fn bytes16() -> worker::Result<[u8; 16]> {
    bytes()
}

/// 32 bytes from the runtime's CSPRNG.
pub fn bytes32() -> worker::Result<[u8; 32]> {
    bytes()
}

/// A fresh request id: 32 hex characters.
pub fn request_id() -> String {
    match bytes16() {
        Ok(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        // The id only correlates log lines; a clock-based one is good enough if the CSPRNG fails.
        Err(_) => format!("t{}", crate::clock::now_ms()),
    }
}

/// A CSP nonce: 16 random bytes, base64url.
pub fn nonce() -> worker::Result<String> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes16()?))
}

/// 8 bytes from the runtime's CSPRNG (a backup id's suffix).
pub fn bytes8() -> worker::Result<[u8; 8]> {
    bytes()
}

/// 24 bytes from the runtime's CSPRNG (a sealing nonce).
pub fn bytes24() -> worker::Result<[u8; 24]> {
    bytes()
}
