//! The Durable Objects, one per file or folder, and the typed clients other code uses to
//! ask them questions.

pub mod abuse_guard;
pub mod answering;
pub mod guard_client;
pub mod registry;
pub mod registry_client;
pub mod shopper;
pub mod shopper_client;
pub mod store_client;
pub mod store_config;

use crate::internal;
use wandstore_protocol::wire::{self, AskError, Question};

/// Binding names from wrangler.toml.
pub const SHOPPER_STOREFRONT: &str = "SHOPPER_STOREFRONT";
pub const STORE_CONFIG: &str = "STORE_CONFIG";
pub const STORE_REGISTRY: &str = "STORE_REGISTRY";
pub const ABUSE_GUARD: &str = "ABUSE_GUARD";

/// Asks the object named `name` in the namespace bound as `binding` `question` (each
/// object's client says which object a question goes to) and reads its typed answer. A
/// refusal comes back as `AskError::Refused`; a failed call or an answer of the wrong shape
/// as `Broken`, never as a default value.
pub async fn ask<Q: Question>(
    env: &worker::Env,
    binding: &str,
    name: &str,
    question: Q,
    request_id: &str,
) -> Result<Q::Answer, AskError<Q::Error>> {
    let body = wire::encode_question(question)?;
    let text = internal::ask_text(env, (binding, name), body, request_id).await?;
    wire::decode_reply::<Q>(text.as_bytes())?.map_err(AskError::Refused)
}
