//! Checkout hand-off: a Shopify cart from the shopper's lines (`cartCreate`), answered with
//! its checkout URL. The run (sent once, refusals, the answer) is
//! `wandstore_protocol::shopify_calls::checkout_run`'s; the storefront token never leaves
//! this object.

use super::StoreState;
use wandstore_protocol::shopify_calls::{checkout_finished, checkout_run};
use wandstore_protocol::store::{CheckoutOrder, CheckoutStarted, StoreError};

pub async fn start(s: &StoreState, order: &CheckoutOrder) -> Result<CheckoutStarted, StoreError> {
    let mut run = checkout_run(&s.existing_record()?, order)?;
    let result = s.call_shopify(&mut run).await;
    checkout_finished(run, result)
}
