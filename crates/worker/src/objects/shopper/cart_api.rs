//! The cart JSON API under `api/cart`, with `Idempotency-Key` replays. Errors are always
//! JSON here; the answers are `wandstore_protocol::cart_api`'s (through `cart_run`).

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::respond::{self, Audience};
use wandstore_protocol::cart_api::write_request;
use wandstore_protocol::cart_run::CartRequest;
use worker::{Method, Response};

impl ShopperStorefront {
    /// `GET api/cart` and `POST api/cart` (`{"op":…}`, `write_request`), JSON in and out
    /// (the route takes no other method). A write may carry an `Idempotency-Key`: a replay
    /// answers the first result again and changes nothing.
    pub(super) async fn cart_api(
        &self,
        page: &PageRequest<'_>,
        method: Method,
        body: &str,
        idempotency_key: Option<String>,
        content_type: Option<String>,
    ) -> Response {
        let request = match method {
            Method::Post => {
                write_request(content_type.as_deref(), body, idempotency_key.as_deref())
                    .map(|(cmd, idempotent)| CartRequest::Write { cmd, idempotent })
            }
            _ => Ok(CartRequest::Json),
        };
        let answered = match request {
            Ok(request) => self.run_cart(page, request).await,
            Err(e) => Err(e),
        };
        answered.unwrap_or_else(|e| respond::error(&e, Audience::Api, &page.ctx.request_id))
    }
}
