//! Stores (tenants): slugs, settings, and the demo stores every fresh install has.

use crate::money::Currency;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated store slug: 3–40 characters of lowercase ASCII letters, digits and hyphens,
/// starting and ending with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct StoreSlug(String);

/// Why a slug was refused; the message is shown to the client as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlugError {
    Length(usize),
    Character(char),
    Edge,
}

impl fmt::Display for SlugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlugError::Length(n) => {
                write!(f, "a store slug has 3 to 40 characters; this one has {n}")
            }
            SlugError::Character(c) => write!(
                f,
                "a store slug holds lowercase letters, digits and hyphens only; found {c:?}"
            ),
            SlugError::Edge => f.write_str("a store slug starts and ends with a letter or digit"),
        }
    }
}

impl std::error::Error for SlugError {}

impl StoreSlug {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let len = raw.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(SlugError::Length(len));
        }
        if let Some(c) = raw
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SlugError::Character(c));
        }
        if raw.starts_with('-') || raw.ends_with('-') {
            return Err(SlugError::Edge);
        }
        Ok(StoreSlug(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StoreSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for StoreSlug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        StoreSlug::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Slugs no store may register: they name the platform's own hosts and paths
/// (`admin.{BASE_DOMAIN}`, `/s/assets/`…) or would confuse people and tools.
pub const RESERVED_SLUGS: [&str; 24] = [
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "cdn",
    "console",
    "dashboard",
    "docs",
    "health",
    "help",
    "login",
    "mail",
    "owner",
    "owners",
    "platform",
    "root",
    "security",
    "static",
    "status",
    "support",
    "wandstore",
    "www",
];

impl StoreSlug {
    /// Whether a new store may take this slug (see [`RESERVED_SLUGS`]).
    pub fn is_reserved(&self) -> bool {
        RESERVED_SLUGS.contains(&self.0.as_str())
    }
}

/// What a page needs to know about its store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSettings {
    pub slug: StoreSlug,
    pub display_name: String,
    pub currency: Currency,
}

/// How long a shopper's object trusts its copy of the store's settings before asking the
/// store's StoreConfig again. Bounds StoreConfig load to about one request per shopper object
/// per this interval, and bounds how long a settings change takes to reach shoppers.
pub const SNAPSHOT_TTL_MS: u64 = 5_000;

/// The store that `/` serves when no store is named.
pub const DEFAULT_STORE: &str = "demo";

/// The stores the local stack (`cargo xtask dev`, the tests) registers, each backed by the
/// devshop shop of the same name.
pub fn demo_stores() -> Vec<StoreSettings> {
    [
        ("demo", "Wand & Co. Demo Store", "USD"),
        ("outlet", "Wand Outlet", "EUR"),
    ]
    .into_iter()
    .filter_map(|(slug, name, currency)| {
        let currency = Currency::parse(currency).ok()?;
        StoreSlug::parse(slug).ok().map(|slug| StoreSettings {
            slug,
            display_name: name.to_owned(),
            currency,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_the_documented_alphabet() {
        for ok in [
            "abc",
            "demo",
            "outlet",
            "a-1",
            "x".repeat(40).as_str(),
            "9lives",
        ] {
            assert_eq!(StoreSlug::parse(ok).map(|s| s.0), Ok(ok.to_owned()), "{ok}");
        }
    }

    #[test]
    fn slugs_refuse_everything_else_with_a_reason() {
        assert_eq!(StoreSlug::parse("ab"), Err(SlugError::Length(2)));
        assert_eq!(
            StoreSlug::parse(&"x".repeat(41)),
            Err(SlugError::Length(41))
        );
        assert_eq!(StoreSlug::parse("Demo"), Err(SlugError::Character('D')));
        assert_eq!(StoreSlug::parse("de_mo"), Err(SlugError::Character('_')));
        assert_eq!(StoreSlug::parse("dé-mo"), Err(SlugError::Character('é')));
        assert_eq!(StoreSlug::parse("../x"), Err(SlugError::Character('.')));
        assert_eq!(StoreSlug::parse("-abc"), Err(SlugError::Edge));
        assert_eq!(StoreSlug::parse("abc-"), Err(SlugError::Edge));
        assert!(SlugError::Length(2).to_string().contains("3 to 40"));
    }

    #[test]
    fn platform_words_are_reserved() {
        for word in ["admin", "api", "assets", "health", "owner", "www"] {
            assert!(StoreSlug::parse(word).unwrap().is_reserved(), "{word}");
        }
        assert!(!StoreSlug::parse("admins-hats").unwrap().is_reserved());
        for demo in demo_stores() {
            assert!(!demo.slug.is_reserved());
        }
    }

    #[test]
    fn slugs_validate_when_deserialized() {
        assert!(serde_json::from_str::<StoreSlug>("\"outlet\"").is_ok());
        assert!(serde_json::from_str::<StoreSlug>("\"NOPE\"").is_err());
    }

    #[test]
    fn both_demo_stores_exist_and_the_default_is_one_of_them() {
        let slugs: Vec<_> = demo_stores().into_iter().map(|s| s.slug.0).collect();
        assert_eq!(slugs, ["demo", "outlet"]);
        assert!(
            demo_stores()
                .iter()
                .any(|s| s.slug.as_str() == DEFAULT_STORE)
        );
    }
}
