//! Reading request bodies within their route's limit, as `core::limits::BodyRead` says: a
//! declared length past it is refused before anything is read, and a chunked body is read
//! chunk by chunk, stopping as soon as it passes the limit (it is never read whole first).

use crate::entry::ClientHeaders;
use futures::StreamExt;
use wandstore_core::limits::{BodyKind, BodyRead};
use wandstore_protocol::EdgeError;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Request, js_sys, web_sys};

/// The body's bytes, or a 413 if it is (or its `Content-Length` in `client` says it is)
/// larger than `kind` allows.
pub async fn read(
    req: &web_sys::Request,
    client: &ClientHeaders,
    kind: BodyKind,
) -> Result<Vec<u8>, EdgeError> {
    let js = |e| EdgeError::internal(worker::Error::from(e));
    let mut read = BodyRead::start(kind, client.get("content-length"))?;
    if read.declared.is_some() {
        // The runtime delivers exactly the declared length: one read, one copy into Wasm.
        let buffer = JsFuture::from(req.array_buffer().map_err(js)?)
            .await
            .map_err(js)?;
        let body = js_sys::Uint8Array::new(&buffer).to_vec();
        read.take(body.len())?;
        return Ok(body);
    }
    // A request without a body has no stream: that is an empty body.
    let Ok(mut stream) = Request::from(Clone::clone(req)).stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(EdgeError::internal)?;
        read.take(chunk.len())?;
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
