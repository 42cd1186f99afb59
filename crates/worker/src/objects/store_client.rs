//! How other code asks a store's StoreConfig object a question.

use super::STORE_CONFIG;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::store::{StoreError, StoreQuestion};
use wandstore_protocol::wire::{AskError, Question};
use worker::Env;

/// Asks the store's object `question` and answers its typed answer.
pub async fn ask<Q>(
    env: &Env,
    store: &StoreSlug,
    question: Q,
    request_id: &str,
) -> Result<Q::Answer, AskError<StoreError>>
where
    Q: Question<Envelope = StoreQuestion, Error = StoreError>,
{
    super::ask(env, STORE_CONFIG, store.as_str(), question, request_id).await
}
