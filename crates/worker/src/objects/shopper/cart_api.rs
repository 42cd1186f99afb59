//! The cart JSON API under `api/cart`, with `Idempotency-Key` replays. Errors are always
//! JSON here; the answers are `wandstore_protocol::cart_api`'s.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::respond::{self, Audience};
use wandstore_core::cart::{CartJson, REPLAYED_HEADER, reprice};
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_api::{catalog_error, command_answer, outcome_answer, write_request};
use worker::{Method, Response};

impl ShopperStorefront {
    /// `GET api/cart` and `POST api/cart` (`{"op":…}`), JSON in and out (the route takes
    /// no other method).
    pub(super) async fn cart_api(
        &self,
        page: &PageRequest<'_>,
        method: Method,
        body: &str,
        idempotency_key: Option<String>,
        content_type: Option<String>,
    ) -> Response {
        let rid = page.ctx.request_id.clone();
        let result = match method {
            Method::Post => {
                let (key, ct) = (idempotency_key.as_deref(), content_type.as_deref());
                self.cart_write(page, body, key, ct).await
            }
            _ => self.cart_json(page).await,
        };
        result.unwrap_or_else(|e| respond::error(&e, Audience::Api, &rid))
    }

    async fn cart_json(&self, page: &PageRequest<'_>) -> Result<Response, EdgeError> {
        let cart = self.stored_cart(page.ctx, None).await;
        let (lines, catalog) = cart.map_err(catalog_error)?;
        let json = CartJson::new(&reprice(&lines, &catalog.info), page.store.currency);
        Ok(respond::json(200, &json))
    }

    /// A write (`write_request`) may carry an `Idempotency-Key`: a replay answers the first
    /// result again and changes nothing.
    async fn cart_write(
        &self,
        page: &PageRequest<'_>,
        body: &str,
        idempotency_key: Option<&str>,
        content_type: Option<&str>,
    ) -> Result<Response, EdgeError> {
        let (cmd, idempotent) = write_request(content_type, body, idempotency_key)?;
        let (rid, currency) = (page.ctx.request_id.clone(), page.store.currency);
        let respond = move |info: &_, result: &_| command_answer(result, info, currency, &rid);
        let (outcome, catalog) = (self.apply_command(page.ctx, cmd, idempotent, respond).await)
            .map_err(catalog_error)?;
        let rid = &page.ctx.request_id;
        let answer = outcome_answer(outcome, &catalog.info, currency, rid)?;
        let mut resp = respond::bytes(answer.status, "application/json", answer.body.into_bytes());
        if answer.replayed {
            let _ = resp.headers_mut().set(REPLAYED_HEADER, "true");
        }
        Ok(resp)
    }
}
