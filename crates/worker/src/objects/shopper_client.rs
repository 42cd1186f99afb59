//! How StoreConfig asks a shopper's ShopperStorefront object about its cart (a backup reads
//! it, a restore rewrites it). Page requests reach the object through the entry instead.

use super::SHOPPER_STOREFRONT;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::backup::{ShopperError, ShopperQuestion};
use wandstore_protocol::wire::{AskError, Question};
use worker::Env;

/// Asks the object of `shopper` at `store` (named `"{store}/{shopper}"`) `question`.
pub async fn ask<Q>(
    env: &Env,
    store: &StoreSlug,
    shopper: &ShopperId,
    question: Q,
    request_id: &str,
) -> Result<Q::Answer, AskError<ShopperError>>
where
    Q: Question<Envelope = ShopperQuestion, Error = ShopperError>,
{
    let name = shopper.object_name(store);
    super::ask(env, SHOPPER_STOREFRONT, &name, question, request_id).await
}
