//! The Storefront API subset devshop serves, with Shopify's own type, field, argument and enum
//! names. It mirrors `crates/shopify/graphql/schema.graphql`; a test compares the two.

pub mod cart;
pub mod collection;
pub mod connection;
pub mod enums;
pub mod product;
pub mod query;
pub mod scalars;

use std::sync::Arc;

use async_graphql::{EmptySubscription, Error, ID, Schema};

use crate::catalog::Shop;
use crate::checkout::CartStore;

pub type DevshopSchema = Schema<query::QueryRoot, cart::Mutation, EmptySubscription>;

/// Per-request context: the shop the access token selected, and where devshop is reachable.
pub struct Scope {
    pub shop: Arc<Shop>,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: Arc<str>,
    pub carts: Arc<CartStore>,
}

pub fn build() -> DevshopSchema {
    Schema::build(query::QueryRoot, cart::Mutation, EmptySubscription)
        .limit_depth(32)
        .finish()
}

/// The schema as SDL.
pub fn sdl() -> String {
    build().sdl()
}

/// `gid://shopify/{kind}/{id}`.
pub fn gid(kind: &str, id: u64) -> ID {
    ID(format!("gid://shopify/{kind}/{id}"))
}

/// The number of a `gid://shopify/{kind}/{n}` id (a `?query` suffix is ignored), if it is one.
pub fn parse_gid_kind(id: &ID, kind: &str) -> Option<u64> {
    let rest = id.0.strip_prefix("gid://shopify/")?;
    let (found, number) = rest.split_once('/')?;
    let number = number.split('?').next()?;
    if found != kind {
        return None;
    }
    number.parse().ok()
}

/// Like [`parse_gid_kind`] for lookups: a malformed id is an error (as on Shopify), a
/// well-formed id of another type finds nothing (`0`).
pub fn parse_gid(id: &ID, kind: &str) -> Result<u64, Error> {
    if let Some(n) = parse_gid_kind(id, kind) {
        return Ok(n);
    }
    let well_formed =
        id.0.strip_prefix("gid://shopify/")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(k, n)| !k.is_empty() && !n.is_empty());
    if well_formed {
        Ok(0)
    } else {
        Err(Error::new(format!("Invalid global id '{}'", id.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids() {
        assert_eq!(gid("Product", 7).0, "gid://shopify/Product/7");
        assert_eq!(parse_gid_kind(&gid("Product", 7), "Product"), Some(7));
        assert_eq!(
            parse_gid_kind(&ID("gid://shopify/CartLine/3?cart=x".into()), "CartLine"),
            Some(3)
        );
        assert_eq!(parse_gid_kind(&gid("Product", 7), "Collection"), None);
        assert_eq!(parse_gid(&gid("Collection", 7), "Product").unwrap(), 0);
        assert!(parse_gid(&ID("nonsense".into()), "Product").is_err());
    }
}
