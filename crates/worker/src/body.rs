//! Reading request bodies within their route's limit: a declared length past it is refused
//! before anything is read, and a chunked body is read chunk by chunk, stopping as soon as
//! it passes the limit (it is never read whole first).

use futures::StreamExt;
use wandstore_core::limits::{BodyKind, check_body};
use wandstore_protocol::EdgeError;
use worker::Request;

/// The body's bytes, or a 413 if it is (or says it is) larger than `kind` allows.
pub async fn read_limited(req: &mut Request, kind: BodyKind) -> Result<Vec<u8>, EdgeError> {
    let declared: Option<usize> = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    if let Some(n) = declared {
        check_body(kind, n)?;
        // The runtime delivers exactly the declared length: one read, one copy into Wasm.
        let body = req.bytes().await.map_err(EdgeError::internal)?;
        check_body(kind, body.len())?;
        return Ok(body);
    }
    // A request without a body has no stream: that is an empty body.
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(kind.max_bytes()));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(EdgeError::internal)?;
        check_body(kind, body.len().saturating_add(chunk.len()))?;
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
