//! The cart JSON API's answers (`api/cart`): a write's key and fingerprint, a command's
//! result as the `(status, body)` it answers (and an idempotent request records), what a
//! command's outcome sends, and the API's wording for a catalog that cannot be read.

// These answer the edge's one error as it renders; it is under clippy's size limit on
// wasm32 (where the Worker runs) but not on a 64-bit host.
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::edge::html_safe_json;
use std::collections::HashMap;
use wandstore_core::cart::{
    CartCommand, CartError, CartJson, CartLine, IDEMPOTENCY_CONFLICT_STATUS, IdempotencyCheck,
    IdempotencyKey, Idempotent, Outcome, VariantInfo, reprice, request_fingerprint,
};
use wandstore_core::limits;
use wandstore_core::money::Currency;

/// What a cart write sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartApiAnswer {
    pub status: u16,
    /// JSON.
    pub body: String,
    /// A replay of a response sent before (`Idempotent-Replayed: true`).
    pub replayed: bool,
}

/// A `POST api/cart` as the command it asks for and its idempotency, checked in this order:
/// a JSON content type (415), a well-formed command (400), a well-formed key (400).
pub fn write_request(
    content_type: Option<&str>,
    body: &str,
    idempotency_key: Option<&str>,
) -> Result<(CartCommand, Option<Idempotent>), EdgeError> {
    limits::require_json(content_type)?;
    let cmd = CartCommand::from_json(body.as_bytes())?;
    Ok((cmd, idempotent(idempotency_key, body.as_bytes())?))
}

/// A `POST api/cart` with an `Idempotency-Key` header: the key (checked) and the request's
/// fingerprint. No header: `None`.
pub fn idempotent(header: Option<&str>, body: &[u8]) -> Result<Option<Idempotent>, EdgeError> {
    let Some(raw) = header else {
        return Ok(None);
    };
    Ok(Some(Idempotent {
        key: IdempotencyKey::parse(raw)?,
        fingerprint: request_fingerprint("POST", "/api/cart", body),
    }))
}

/// The answer to a command's result: the cart repriced (200) or the rule that refused it.
pub fn command_answer(
    result: &Result<Vec<CartLine>, CartError>,
    catalog: &HashMap<String, VariantInfo>,
    currency: Currency,
    request_id: &str,
) -> (u16, String) {
    match result {
        Ok(lines) => {
            let json = CartJson::new(&reprice(lines, catalog), currency);
            match serde_json::to_string(&json) {
                Ok(text) => (200, html_safe_json(&text)),
                Err(e) => {
                    let edge = EdgeError::internal(e);
                    (edge.status, edge.json_body(request_id))
                }
            }
        }
        Err(e) => {
            let edge = EdgeError::from(e.clone());
            (edge.status, edge.json_body(request_id))
        }
    }
}

/// What a command's outcome sends: the result's answer, the recorded answer again for a
/// replay, or the 422 of a key reused for another request.
pub fn outcome_answer(
    outcome: Outcome,
    catalog: &HashMap<String, VariantInfo>,
    currency: Currency,
    request_id: &str,
) -> Result<CartApiAnswer, EdgeError> {
    let (result, replayed) = match outcome {
        Outcome::Replayed(record) => {
            return Ok(CartApiAnswer {
                status: record.status,
                body: record.body,
                replayed: true,
            });
        }
        Outcome::KeyConflict => {
            return Err(EdgeError::new(
                IDEMPOTENCY_CONFLICT_STATUS,
                "idempotency_key_reused",
                IdempotencyCheck::CONFLICT_MESSAGE,
            ));
        }
        Outcome::Applied { lines } => (Ok(lines), false),
        Outcome::Refused(e) => (Err(e), false),
    };
    let (status, body) = command_answer(&result, catalog, currency, request_id);
    Ok(CartApiAnswer {
        status,
        body,
        replayed,
    })
}

/// The API's wording for a catalog that cannot be read (other errors pass unchanged).
pub fn catalog_error(e: EdgeError) -> EdgeError {
    if e.code == "catalog_unavailable" {
        EdgeError {
            message: "the store's catalog cannot be loaded right now".into(),
            ..e
        }
    } else {
        e
    }
}

#[cfg(test)]
#[path = "cart_api_tests.rs"]
mod tests;
