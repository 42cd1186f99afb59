//! What the Worker does for a [`StoreCall`]: most are one question to the store's object,
//! answered as JSON with a fixed status ([`Asked`]: the question's body and how its reply
//! becomes the response body, decided here and tested natively); the rest need more than
//! one question or R2 ([`StoreStep`]'s other variants), which `admin_run` sequences.

use crate::admin_call::{Assets, One, StoreCall, Versions};
use crate::edge::html_safe_json;
use crate::owner::{DeleteAsset, ListAssets};
use crate::personalization::GetPersonalization;
use crate::store::{ShowCatalogStatus, ShowMetrics, ShowStore, StoreError, StoreQuestion, SyncNow};
use crate::theme::{ListVersions, ShowTheme};
use crate::wire::{self, MalformedMessage, Question};
use serde::Serialize;
use wandstore_core::asset::CheckedAsset;

/// The store object's reply body → the JSON the API answers, or the object's refusal.
pub type ReadReply = fn(&[u8]) -> Result<Result<String, StoreError>, MalformedMessage>;

/// One question to the store's object whose answer is the response.
pub struct Asked {
    /// The question's body, as the object reads it.
    pub question: String,
    /// The status of the answer when the object answers.
    pub status: u16,
    /// Reads the object's reply.
    pub reply: ReadReply,
}

/// What the Worker runs for a store call.
pub enum StoreStep {
    Ask(Asked),
    /// Forget the store in the registry, then delete its data (`admin_call::deleted`).
    Delete,
    /// A signed preview link on the request's origin.
    Preview,
    /// The bytes to R2, then `RecordAsset`.
    PutAsset(CheckedAsset, Vec<u8>),
    /// Unlist the file, then delete its bytes when nothing references them.
    DeleteAsset(DeleteAsset),
    /// A new token from fresh randomness, then `RotateOwnerToken`.
    RotateOwnerToken,
}

/// The reply of `Q`, shown as `S` (the answer itself or a wrapper of it).
fn reply<Q, S>(body: &[u8]) -> Result<Result<String, StoreError>, MalformedMessage>
where
    Q: Question<Error = StoreError>,
    S: From<Q::Answer> + Serialize,
{
    Ok(match wire::decode_reply::<Q>(body)? {
        Ok(answer) => Ok(html_safe_json(&serde_json::to_string(&S::from(answer))?)),
        Err(refused) => Err(refused),
    })
}

/// `q` asked, its answer shown as `S` with `status`.
fn ask<Q, S>(q: Q, status: u16) -> Result<StoreStep, MalformedMessage>
where
    Q: Question<Envelope = StoreQuestion, Error = StoreError>,
    S: From<Q::Answer> + Serialize,
{
    Ok(StoreStep::Ask(Asked {
        question: wire::encode_question(q)?,
        status,
        reply: reply::<Q, S>,
    }))
}

/// `q` asked, its answer shown as it is, 200.
fn plain<Q>(q: Q) -> Result<StoreStep, MalformedMessage>
where
    Q: Question<Envelope = StoreQuestion, Error = StoreError>,
    Q::Answer: Serialize,
{
    ask::<Q, Q::Answer>(q, 200)
}

impl StoreCall {
    /// What the Worker runs for this call.
    pub fn step(self) -> Result<StoreStep, MalformedMessage> {
        match self {
            StoreCall::Show => ask::<_, One>(ShowStore, 200),
            StoreCall::Update(update) => ask::<_, One>(update, 200),
            StoreCall::Sync => plain(SyncNow),
            StoreCall::CatalogStatus => plain(ShowCatalogStatus),
            StoreCall::Metrics => plain(ShowMetrics),
            StoreCall::Theme => plain(ShowTheme),
            StoreCall::PutDraft(put) => plain(put),
            StoreCall::Publish(publish) => plain(publish),
            StoreCall::Versions => ask::<_, Versions>(ListVersions, 200),
            StoreCall::Rollback(rollback) => plain(rollback),
            StoreCall::Assets => ask::<_, Assets>(ListAssets, 200),
            StoreCall::PersonalizationReport(show) => plain(show),
            StoreCall::PersonalizationSettings => plain(GetPersonalization),
            StoreCall::PutPersonalization(put) => plain(put),
            StoreCall::Delete => Ok(StoreStep::Delete),
            StoreCall::Preview => Ok(StoreStep::Preview),
            StoreCall::PutAsset(checked, bytes) => Ok(StoreStep::PutAsset(checked, bytes)),
            StoreCall::DeleteAsset(delete) => Ok(StoreStep::DeleteAsset(delete)),
            StoreCall::RotateOwnerToken => Ok(StoreStep::RotateOwnerToken),
        }
    }
}

#[cfg(test)]
#[path = "store_call_step_tests.rs"]
mod tests;
