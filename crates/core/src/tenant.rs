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

impl StorePath {
    /// A preview link's path, `{base}preview/{token}/{rest}`, as its token and the store path
    /// it previews, whose base keeps the token so that every link on the page stays in the
    /// preview. `None` when the path is not under `preview/` (or names no token).
    pub fn preview(&self) -> Option<(String, StorePath)> {
        let after = self.rest.strip_prefix("/preview/")?;
        let (token, rest) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, "/"),
        };
        (!token.is_empty()).then(|| {
            (
                token.to_owned(),
                StorePath {
                    store: self.store.clone(),
                    base: format!("{}preview/{token}/", self.base),
                    rest: rest.to_owned(),
                },
            )
        })
    }
}

/// Path prefixes the platform keeps for itself; a default-store page never starts with them.
const PLATFORM_PREFIXES: [&str; 5] = [
    "/health/",
    "/.well-known/",
    "/admin/",
    "/console/",
    "/schemas/",
];

/// How long a Worker isolate trusts what it learned about a custom domain (also how long a
/// newly added or removed domain can take to route, per isolate).
pub const CUSTOM_DOMAIN_TTL_MS: u64 = 30_000;
/// How many custom domains one isolate remembers at most.
pub const CUSTOM_DOMAIN_CACHE_MAX: usize = 10_000;

/// What the `Host` header says about the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostRoute {
    /// The platform's own host (the base domain, localhost, an IP, workers.dev): the path
    /// decides the store.
    Platform,
    /// `{slug}.{BASE_DOMAIN}`.
    Subdomain(StoreSlug),
    /// `{x}.{BASE_DOMAIN}` where `x` cannot be a slug.
    BadSubdomain(SlugError),
    /// Any other host: possibly a store's registered custom domain (lower-case, no port).
    Custom(String),
}

/// Classifies a `Host` header value against the platform's base domain.
pub fn classify_host(host: &str, base_domain: &str) -> HostRoute {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = crate::host::strip_port(&host).to_owned();
    let base = base_domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let is_ip = matches!(
        crate::host::Host::parse(&host),
        Ok(crate::host::Host::Ip(_))
    );
    if host.is_empty()
        || is_ip
        || host == "localhost"
        || host == base
        || host.ends_with(".workers.dev")
    {
        return HostRoute::Platform;
    }
    let label = (!base.is_empty())
        .then(|| host.strip_suffix(&format!(".{base}")))
        .flatten();
    match label {
        Some(label) if !label.contains('.') => match StoreSlug::parse(label) {
            Ok(slug) => HostRoute::Subdomain(slug),
            Err(e) => HostRoute::BadSubdomain(e),
        },
        _ => HostRoute::Custom(host),
    }
}

/// The admin API and the owner console answer only on the platform's own host.
const PLATFORM_HOST_ONLY: [&str; 2] = ["/admin/", "/console/"];

/// Resolves a request for a store fixed by its host (subdomain or custom domain): the whole
/// path belongs to that store, served at `/`, except the platform's own paths that every host
/// shares (health, `/.well-known/`); the admin API is not one of them, so on a store's host
/// `/admin/…` is just a page the store does not have.
pub fn resolve_for_store(path: &str, store: StoreSlug) -> Target {
    let platform_only = PLATFORM_HOST_ONLY
        .iter()
        .any(|p| path == p.trim_end_matches('/') || path.starts_with(p));
    if is_platform_path(path) && !platform_only {
        return Target::Platform(path.to_owned());
    }
    Target::Store(StorePath {
        store,
        base: "/".to_owned(),
        rest: if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        },
    })
}

fn is_platform_path(path: &str) -> bool {
    PLATFORM_PREFIXES
        .iter()
        .any(|p| path == p.trim_end_matches('/') || path.starts_with(p))
}

/// Resolves a request path on the platform's own host. `/s/{store}/...` names a store;
/// platform paths are kept apart; anything else belongs to the default store, served at `/`.
pub fn resolve(path: &str) -> Target {
    if is_platform_path(path) {
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
    fn a_preview_path_keeps_its_token_in_the_base() {
        let (token, p) = store("/s/outlet/preview/v1.outlet.9.sig/products/hat")
            .preview()
            .unwrap();
        assert_eq!(token, "v1.outlet.9.sig");
        assert_eq!(p.base, "/s/outlet/preview/v1.outlet.9.sig/");
        assert_eq!(p.rest, "/products/hat");
        let (_, home) = store("/preview/tok").preview().unwrap();
        assert_eq!(
            (home.base.as_str(), home.rest.as_str()),
            ("/preview/tok/", "/")
        );
        assert_eq!(store("/preview/").preview(), None);
        assert_eq!(store("/products/preview").preview(), None);
    }

    #[test]
    fn the_console_and_schemas_are_platform_paths() {
        for p in ["/console", "/console/theme", "/schemas/theme.json"] {
            assert_eq!(resolve(p), Target::Platform(p.into()), "{p}");
        }
        let acme = StoreSlug::parse("acme").unwrap();
        assert!(matches!(
            resolve_for_store("/console/", acme.clone()),
            Target::Store(_)
        ));
        assert!(matches!(
            resolve_for_store("/schemas/theme.json", acme),
            Target::Platform(_)
        ));
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
    fn hosts_are_classified_against_the_base_domain() {
        let base = "wandstore.dev";
        let slug = |s| StoreSlug::parse(s).unwrap();
        assert_eq!(
            classify_host("acme.wandstore.dev", base),
            HostRoute::Subdomain(slug("acme"))
        );
        assert_eq!(
            classify_host("ACME.wandstore.dev:443", base),
            HostRoute::Subdomain(slug("acme"))
        );
        assert_eq!(
            classify_host("acme.wandstore.dev.", base),
            HostRoute::Subdomain(slug("acme"))
        );
        assert_eq!(
            classify_host("a_b.wandstore.dev", base),
            HostRoute::BadSubdomain(SlugError::Character('_'))
        );
        for platform in [
            "wandstore.dev",
            "localhost",
            "localhost:8787",
            "127.0.0.1:8787",
            "[::1]:8787",
            "wandstore.acme.workers.dev",
            "",
        ] {
            assert_eq!(
                classify_host(platform, base),
                HostRoute::Platform,
                "{platform}"
            );
        }
        assert_eq!(
            classify_host("Shop.Example.com", base),
            HostRoute::Custom("shop.example.com".into())
        );
        assert_eq!(
            classify_host("x.y.wandstore.dev", base),
            HostRoute::Custom("x.y.wandstore.dev".into())
        );
        assert_eq!(
            classify_host("evilwandstore.dev", base),
            HostRoute::Custom("evilwandstore.dev".into())
        );
    }

    #[test]
    fn a_host_bound_store_owns_every_path_but_the_platform_ones() {
        let acme = StoreSlug::parse("acme").unwrap();
        match resolve_for_store("/s/outlet/", acme.clone()) {
            Target::Store(s) => assert_eq!(
                (s.store.as_str(), s.rest.as_str(), s.base.as_str()),
                ("acme", "/s/outlet/", "/")
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            resolve_for_store("/health/live", acme.clone()),
            Target::Platform("/health/live".into())
        );
        // The admin wall: a store's host never reaches the admin API.
        for p in ["/admin/stores", "/admin"] {
            assert!(
                matches!(resolve_for_store(p, acme.clone()), Target::Store(_)),
                "{p}"
            );
        }
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
