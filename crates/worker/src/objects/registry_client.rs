//! How other code asks the StoreRegistry object a question.

use super::STORE_REGISTRY;
use super::registry::NAME;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::registry::{ListStores, RegistryQuestion};
use wandstore_protocol::wire::{AskError, Question};
use wandstore_registry::RegistryRefusal;
use worker::Env;

/// Asks the registry `question` and answers its typed answer.
pub async fn ask<Q>(
    env: &Env,
    question: Q,
    request_id: &str,
) -> Result<Q::Answer, AskError<RegistryRefusal>>
where
    Q: Question<Envelope = RegistryQuestion, Error = RegistryRefusal>,
{
    super::ask(env, STORE_REGISTRY, NAME, question, request_id).await
}

/// Every registered store's slug.
pub async fn slugs(env: &Env, request_id: &str) -> Result<Vec<StoreSlug>, EdgeError> {
    let listed = ask(env, ListStores, request_id).await?;
    Ok(listed.into_iter().map(|entry| entry.slug).collect())
}
