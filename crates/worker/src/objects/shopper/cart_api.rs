//! The cart JSON API under `api/cart`, with `Idempotency-Key` replays. Errors are always
//! JSON here; the answers are `wandstore_protocol::cart_api`'s.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::respond::{self, Audience};
use wandstore_core::cart::{CartCommand, CartJson, Outcome, REPLAYED_HEADER, reprice};
use wandstore_core::limits;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_api::{catalog_error, command_answer, idempotent, outcome_answer};
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
            Method::Post => match limits::require_json(content_type.as_deref()) {
                Ok(()) => self.cart_write(page, body, idempotency_key).await,
                Err(e) => Err(e.into()),
            },
            _ => self.cart_json(page).await,
        };
        result.unwrap_or_else(|e| respond::error(&e, Audience::Api, &rid))
    }

    async fn cart_json(&self, page: &PageRequest<'_>) -> Result<Response, EdgeError> {
        let (lines, catalog) = self.stored_cart(page.ctx).await.map_err(catalog_error)?;
        Ok(respond::json(
            200,
            &CartJson::new(&reprice(&lines, &catalog.info), page.store.currency),
        ))
    }

    /// Writes may carry an `Idempotency-Key`: a replay answers the first result again and
    /// changes nothing.
    async fn cart_write(
        &self,
        page: &PageRequest<'_>,
        body: &str,
        idempotency_key: Option<String>,
    ) -> Result<Response, EdgeError> {
        let (rid, currency) = (page.ctx.request_id.clone(), page.store.currency);
        let cmd = CartCommand::from_json(body.as_bytes())?;
        let idempotent = idempotent(idempotency_key.as_deref(), body.as_bytes())?;
        let info = (self.command_catalog(page.ctx, &cmd).await)
            .map_err(catalog_error)?
            .info;
        let added = cmd.added_variant().map(str::to_owned);
        let (for_record, rid_for_record) = (info.clone(), rid.clone());
        let outcome = self
            .run_cart_command(cmd, info.clone(), idempotent, move |result| {
                command_answer(result, &for_record, currency, &rid_for_record)
            })
            .map_err(EdgeError::internal)?;
        if let Outcome::Applied { lines } = &outcome {
            self.after_cart_change(page.ctx, lines, added).await;
        }
        let answer = outcome_answer(outcome, &info, currency, &rid)?;
        let mut resp = respond::bytes(answer.status, "application/json", answer.body.into_bytes());
        if answer.replayed {
            let _ = resp.headers_mut().set(REPLAYED_HEADER, "true");
        }
        Ok(resp)
    }
}
