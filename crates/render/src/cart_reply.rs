//! A cart request's answer (`protocol::cart_run::CartAnswer`) as its response, whole: a 303
//! to its location, the JSON API's answer, or the cart page drawn in the store's frame with
//! why a change was refused; its headers are the answer's own.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::Flash;
use crate::chrome::Chrome;
use crate::console_reply::Reply;
use crate::shopper_pages::cart_page;
use wandstore_core::money::Currency;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_run::CartAnswer;

/// The response `answer` is sent as; a page is drawn with `chrome` and the token `csrf`
/// makes (only a page needs one). `Err`: the page failed to render.
pub fn cart_reply(
    answer: CartAnswer,
    chrome: Chrome,
    currency: Currency,
    query: &[(String, String)],
    csrf: impl FnOnce() -> String,
) -> Result<Reply, EdgeError> {
    let mut headers = answer.headers();
    let (status, body) = match answer {
        CartAnswer::SeeOther(location) => {
            headers.push(("location", location));
            (303, String::new())
        }
        CartAnswer::Json(a) => (a.status, a.body),
        CartAnswer::Page {
            status,
            lines,
            catalog,
            refused,
            ..
        } => {
            let flash = refused.as_deref().map(Flash::error);
            let html = cart_page(chrome, &lines, &catalog, currency, query, flash, csrf())?;
            (status, html)
        }
    };
    Ok((status, headers, body))
}
