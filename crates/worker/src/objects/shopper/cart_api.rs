//! The cart JSON API under `api/cart`, with `Idempotency-Key` replays. Errors are always
//! JSON here.

use super::ShopperStorefront;
use super::cart_store::{Idempotent, Outcome};
use super::page_request::PageRequest;
use crate::respond::{self, Audience};
use std::collections::HashMap;
use wandstore_core::cart::{
    CartCommand, CartError, CartJson, CartLine, IDEMPOTENCY_CONFLICT_STATUS, IdempotencyCheck,
    IdempotencyKey, REPLAYED_HEADER, VariantInfo, reprice, request_fingerprint,
};
use wandstore_core::limits;
use wandstore_core::money::Currency;
use wandstore_protocol::EdgeError;
use wandstore_protocol::edge::html_safe_json;
use worker::{Method, Response};

/// The JSON answer to a cart command: the cart (200) or the rule that refused it, as
/// `(status, body)` so that an idempotent request can record it.
fn command_response(
    result: &Result<Vec<CartLine>, CartError>,
    catalog: &HashMap<String, VariantInfo>,
    currency: Currency,
    rid: &str,
) -> (u16, String) {
    match result {
        Ok(lines) => (
            200,
            html_safe_json(
                &serde_json::to_string(&CartJson::new(&reprice(lines, catalog), currency))
                    .unwrap_or_default(),
            ),
        ),
        Err(e) => {
            let edge = EdgeError::from(e.clone());
            (edge.status, edge.json_body(rid))
        }
    }
}

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
        let (lines, catalog) = self.stored_cart(page.ctx).await.map_err(api_error)?;
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
        let rid = page.ctx.request_id.clone();
        let currency = page.store.currency;
        let cmd = CartCommand::from_json(body.as_bytes())?;
        let idempotent = match idempotency_key {
            None => None,
            Some(raw) => Some(Idempotent {
                key: IdempotencyKey::parse(&raw)?,
                fingerprint: request_fingerprint("POST", "/api/cart", body.as_bytes()),
            }),
        };
        let info = self
            .command_catalog(page.ctx, &cmd)
            .await
            .map_err(api_error)?
            .info;
        let added = match &cmd {
            CartCommand::Add { variant_id, .. } => Some(variant_id.as_str().to_owned()),
            _ => None,
        };
        let for_record = info.clone();
        let rid_for_record = rid.clone();
        let outcome = self
            .run_cart_command(cmd, info.clone(), idempotent, move |result| {
                command_response(result, &for_record, currency, &rid_for_record)
            })
            .map_err(EdgeError::internal)?;
        let (status, body, replayed) = match outcome {
            Outcome::Replayed(record) => (record.status, record.body, true),
            Outcome::KeyConflict => {
                return Err(EdgeError::new(
                    IDEMPOTENCY_CONFLICT_STATUS,
                    "idempotency_key_reused",
                    IdempotencyCheck::CONFLICT_MESSAGE,
                ));
            }
            Outcome::Applied { lines } => {
                self.announce_cart(page.ctx, &lines).await;
                if let Some(variant) = &added {
                    self.note_added_variant(page.ctx, variant);
                }
                let (status, body) = command_response(&Ok(lines), &info, currency, &rid);
                (status, body, false)
            }
            Outcome::Refused(e) => {
                let (status, body) = command_response(&Err(e), &info, currency, &rid);
                (status, body, false)
            }
        };
        let mut resp = respond::bytes(status, "application/json", body.into_bytes());
        if replayed {
            let _ = resp.headers_mut().set(REPLAYED_HEADER, "true");
        }
        Ok(resp)
    }
}

/// The API's wording for a catalog that cannot be read.
fn api_error(e: EdgeError) -> EdgeError {
    if e.code == "catalog_unavailable" {
        EdgeError {
            message: "the store's catalog cannot be loaded right now".into(),
            ..e
        }
    } else {
        e
    }
}
