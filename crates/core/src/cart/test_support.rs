//! Fixtures shared by the cart's unit tests: a small catalog, its variant ids and line builders.

use super::{CartCommand, CartLine, CommandError, VariantInfo};
use crate::money::{Currency, Money};
use std::collections::HashMap;

pub(super) const MUG: &str = "gid://shopify/ProductVariant/1";
pub(super) const CAP: &str = "gid://shopify/ProductVariant/2";
pub(super) const SOLD_OUT: &str = "gid://shopify/ProductVariant/3";
pub(super) const GONE: &str = "gid://shopify/ProductVariant/404";
pub(super) const NOW: u64 = 1_750_000_000_000;

pub(super) fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub(super) fn info(
    id: &str,
    handle: &str,
    title: &str,
    variant: &str,
    price: Money,
) -> VariantInfo {
    VariantInfo {
        variant_id: id.into(),
        product_handle: handle.into(),
        product_title: title.into(),
        variant_title: variant.into(),
        price,
        available: true,
    }
}

pub(super) fn catalog() -> HashMap<String, VariantInfo> {
    let mut sold_out = info(SOLD_OUT, "tee", "Tee", "L", usd(900));
    sold_out.available = false;
    [
        info(MUG, "mug", "Mug", "Blue", usd(1500)),
        info(CAP, "cap", "Cap", "Default Title", usd(2000)),
        sold_out,
    ]
    .into_iter()
    .map(|i| (i.variant_id.clone(), i))
    .collect()
}

pub(super) fn line(id: &str, handle: &str, quantity: u32, price: Money) -> CartLine {
    CartLine {
        variant_id: id.into(),
        product_handle: handle.into(),
        title: handle.into(),
        quantity,
        unit_price_when_added: price,
        added_at_ms: 1,
    }
}

pub(super) fn cmd(r: Result<CartCommand, CommandError>) -> CartCommand {
    r.unwrap()
}
