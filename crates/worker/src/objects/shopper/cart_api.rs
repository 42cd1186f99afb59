//! The cart JSON API under `api/cart`, with `Idempotency-Key` replays. Errors are always
//! JSON here; the answers are `wandstore_protocol::cart_api`'s (through `cart_run`).

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::respond::{self, Audience};
use wandstore_protocol::cart_run::CartRequest;
use worker::{Method, Response};

impl ShopperStorefront {
    /// `GET api/cart` and `POST api/cart` (`{"op":…}`, `CartRequest::api`), JSON in and out
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
        let (key, content_type) = (idempotency_key.as_deref(), content_type.as_deref());
        let answered = async {
            let request = CartRequest::api(method == Method::Post, content_type, body, key)?;
            self.run_cart(page, request).await
        };
        let rid = &page.ctx.request_id;
        (answered.await).unwrap_or_else(|e| respond::error(&e, Audience::Api, rid))
    }
}
