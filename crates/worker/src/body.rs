//! Reading request bodies within a size limit.

use crate::respond;
use worker::{Request, Response};

/// The body's bytes, or the 413 to send if it is (or says it is) larger than `max` bytes.
pub async fn read_limited(
    req: &mut Request,
    max: usize,
    request_id: &str,
) -> worker::Result<Result<Vec<u8>, Response>> {
    let too_large = || {
        respond::json_error(
            413,
            "body_too_large",
            &format!("the body may have at most {max} bytes"),
            request_id,
        )
    };
    let declared: Option<usize> = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse().ok());
    if declared.is_some_and(|n| n > max) {
        return Ok(Err(too_large()));
    }
    let bytes = req.bytes().await?;
    if bytes.len() > max {
        return Ok(Err(too_large()));
    }
    Ok(Ok(bytes))
}
