//! Which store a request is for, and which part of that store's site it asks for.

use crate::store::{DEFAULT_STORE, SlugError, StoreSlug};

/// A request addressed to a store's storefront.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePath {
    pub store: StoreSlug,
    /// Where this store's site starts for the shopper: `/` or `/s/{store}/`. Links and the
    /// shopper cookie's `Path` are relative to it.
    pub base: String,
    /// The path inside the store's site, always starting with `/`.
    pub rest: String,
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A storefront page of a store.
    Store(StorePath),
    /// `/s/{x}/...` where `x` is not a valid slug: no store can have that name.
    BadStore(SlugError),
    /// Platform routes that belong to no store (health, well-known files, ...).
    Platform(String),
}

/// Path prefixes the platform keeps for itself; a default-store page never starts with them.
const PLATFORM_PREFIXES: [&str; 3] = ["/health", "/.well-known/", "/admin/"];

/// Resolves a request path. `/s/{store}/...` names a store; platform paths are kept apart;
/// anything else belongs to the default store, served at `/`.
pub fn resolve(path: &str) -> Target {
    if PLATFORM_PREFIXES
        .iter()
        .any(|p| path == p.trim_end_matches('/') || path.starts_with(p))
    {
        return Target::Platform(path.to_owned());
    }
    if let Some(after) = path.strip_prefix("/s/") {
        let (raw, rest) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, "/"),
        };
        return match StoreSlug::parse(raw) {
            Ok(store) => Target::Store(StorePath {
                base: format!("/s/{store}/"),
                store,
                rest: rest.to_owned(),
            }),
            Err(e) => Target::BadStore(e),
        };
    }
    match StoreSlug::parse(DEFAULT_STORE) {
        Ok(store) => Target::Store(StorePath {
            store,
            base: "/".to_owned(),
            rest: if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            },
        }),
        Err(e) => Target::BadStore(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(path: &str) -> StorePath {
        match resolve(path) {
            Target::Store(s) => s,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn root_paths_belong_to_the_default_store() {
        let s = store("/");
        assert_eq!(
            (s.store.as_str(), s.base.as_str(), s.rest.as_str()),
            ("demo", "/", "/")
        );
        assert_eq!(store("/products/hat").rest, "/products/hat");
        assert_eq!(store("").rest, "/");
    }

    #[test]
    fn path_routed_stores_keep_their_base() {
        let s = store("/s/outlet/");
        assert_eq!(
            (s.store.as_str(), s.base.as_str(), s.rest.as_str()),
            ("outlet", "/s/outlet/", "/")
        );
        assert_eq!(store("/s/outlet").rest, "/");
        assert_eq!(store("/s/outlet/cart").rest, "/cart");
    }

    #[test]
    fn invalid_slugs_are_named_as_such() {
        assert_eq!(
            resolve("/s/NOPE/"),
            Target::BadStore(SlugError::Character('N'))
        );
        assert_eq!(resolve("/s//"), Target::BadStore(SlugError::Length(0)));
        assert_eq!(resolve("/s/../etc"), Target::BadStore(SlugError::Length(2)));
    }

    #[test]
    fn platform_paths_are_not_store_pages() {
        for p in [
            "/health",
            "/health/live",
            "/.well-known/security.txt",
            "/admin/stores",
        ] {
            assert_eq!(resolve(p), Target::Platform(p.to_owned()), "{p}");
        }
        // A store page may merely start with the same letters.
        assert!(matches!(resolve("/healthy-snacks"), Target::Store(_)));
    }
}
