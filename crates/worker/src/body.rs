//! Reading request bodies within a size limit.

use wandstore_protocol::EdgeError;
use worker::Request;

/// The body's bytes, or a 413 if it is (or says it is) larger than `max` bytes.
pub async fn read_limited(req: &mut Request, max: usize) -> Result<Vec<u8>, EdgeError> {
    let too_large = || {
        EdgeError::new(
            413,
            "body_too_large",
            format!("the body may have at most {max} bytes"),
        )
    };
    let declared: Option<usize> = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let bytes = req.bytes().await.map_err(EdgeError::internal)?;
    if bytes.len() > max {
        return Err(too_large());
    }
    Ok(bytes)
}
