//! Randomness from the runtime's CSPRNG (`crypto.getRandomValues`).

use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::{self, prelude::*};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &Uint8Array) -> Result<JsValue, JsValue>;
}

/// 16 bytes from the runtime's CSPRNG.
pub fn bytes16() -> worker::Result<[u8; 16]> {
    let buf = Uint8Array::new_with_length(16);
    get_random_values(&buf)
        .map_err(|e| worker::Error::JsError(format!("getRandomValues: {e:?}")))?;
    let mut out = [0u8; 16];
    buf.copy_to(&mut out);
    Ok(out)
}

/// A fresh request id: 32 hex characters.
pub fn request_id() -> String {
    match bytes16() {
        Ok(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        // The id only correlates log lines; a clock-based one is good enough if the CSPRNG fails.
        Err(_) => format!("t{}", worker::Date::now().as_millis()),
    }
}
