//! Which handler a request is for: the routing tables of the platform's own paths, the admin
//! API and a store's pages, with the methods each route takes. The shell matches on these
//! and does the I/O.

use crate::cart::FormAction;

/// Why no route takes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteError {
    /// Nothing lives at this path.
    NotFound,
    /// Something lives here, but takes only these methods (the `Allow` header).
    MethodNotAllowed(&'static str),
}

fn is_read(method: &str) -> bool {
    matches!(method, "GET" | "HEAD")
}

/// A page or action of a store (paths relative to the store's base, without a leading `/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreRoute<'a> {
    Home,
    Collection(&'a str),
    Product(&'a str),
    Search,
    Cart,
    CartForm(FormAction),
    Checkout,
    /// `GET` or `POST` `api/cart`.
    CartApi,
}

impl StoreRoute<'_> {
    /// The rate-limit class a request on this route counts against.
    pub fn rate_class(&self, method: &str) -> crate::rate_limit::RateClass {
        use crate::rate_limit::RateClass;
        match self {
            StoreRoute::Search => RateClass::Search,
            StoreRoute::CartForm(_) => RateClass::CartWrites,
            StoreRoute::CartApi if method == "POST" => RateClass::CartWrites,
            StoreRoute::Checkout => RateClass::Checkout,
            _ => RateClass::Pages,
        }
    }
}

impl<'a> StoreRoute<'a> {
    /// Routes `method path` within a store (`path` as the object sees it: `/`, `/cart`, …).
    pub fn parse(method: &str, path: &'a str) -> Result<Self, RouteError> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let read = is_read(method);
        let post = method == "POST";
        match segments.as_slice() {
            ["api", "cart"] if read || post => Ok(StoreRoute::CartApi),
            ["api", "cart"] => Err(RouteError::MethodNotAllowed("GET, POST")),
            [page @ ("" | "search" | "cart")] if read => Ok(match *page {
                "" => StoreRoute::Home,
                "search" => StoreRoute::Search,
                _ => StoreRoute::Cart,
            }),
            ["collections", handle] if read && !handle.is_empty() => {
                Ok(StoreRoute::Collection(handle))
            }
            ["products", handle] if read && !handle.is_empty() => Ok(StoreRoute::Product(handle)),
            ["" | "search" | "cart"] | ["collections" | "products", _] if !read => {
                Err(RouteError::MethodNotAllowed("GET, HEAD"))
            }
            ["cart", action] => match FormAction::parse(action) {
                Some(action) if post => Ok(StoreRoute::CartForm(action)),
                Some(_) => Err(RouteError::MethodNotAllowed("POST")),
                None => Err(RouteError::NotFound),
            },
            ["checkout"] if post => Ok(StoreRoute::Checkout),
            ["checkout"] => Err(RouteError::MethodNotAllowed("POST")),
            _ => Err(RouteError::NotFound),
        }
    }
}

/// A route of the platform itself (not of a store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformRoute<'a> {
    HealthLive,
    HealthReady,
    /// `/health`: readiness plus environment and version.
    Health,
    SecurityTxt,
    Admin(AdminRoute<'a>),
}

impl<'a> PlatformRoute<'a> {
    pub fn parse(method: &str, path: &'a str) -> Result<Self, RouteError> {
        if let Some(rest) = path.strip_prefix("/admin/") {
            return AdminRoute::parse(method, rest).map(PlatformRoute::Admin);
        }
        let route = match path {
            "/health/live" => PlatformRoute::HealthLive,
            "/health/ready" => PlatformRoute::HealthReady,
            "/health" => PlatformRoute::Health,
            "/.well-known/security.txt" => PlatformRoute::SecurityTxt,
            _ => return Err(RouteError::NotFound),
        };
        if is_read(method) {
            Ok(route)
        } else {
            Err(RouteError::MethodNotAllowed("GET, HEAD"))
        }
    }
}

/// A route of the platform admin API (under `/admin/`). Slugs are as written; the shell
/// parses them (an invalid one is an unknown store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRoute<'a> {
    /// This isolate's request counters.
    IsolateMetrics,
    ListStores,
    CreateStore,
    ShowStore(&'a str),
    PatchStore(&'a str),
    DeleteStore(&'a str),
    SyncCatalog(&'a str),
    CatalogStatus(&'a str),
    Metrics(&'a str),
}

impl<'a> AdminRoute<'a> {
    /// Routes `method rest`, `rest` being the path after `/admin/`.
    pub fn parse(method: &str, rest: &'a str) -> Result<Self, RouteError> {
        let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        match (parts.as_slice(), method) {
            (["metrics"], "GET") => Ok(AdminRoute::IsolateMetrics),
            (["metrics"], _) => Err(RouteError::MethodNotAllowed("GET")),
            (["stores"], "GET") => Ok(AdminRoute::ListStores),
            (["stores"], "POST") => Ok(AdminRoute::CreateStore),
            (["stores"], _) => Err(RouteError::MethodNotAllowed("GET, POST")),
            (["stores", slug], "GET") => Ok(AdminRoute::ShowStore(slug)),
            (["stores", slug], "PATCH") => Ok(AdminRoute::PatchStore(slug)),
            (["stores", slug], "DELETE") => Ok(AdminRoute::DeleteStore(slug)),
            (["stores", _], _) => Err(RouteError::MethodNotAllowed("GET, PATCH, DELETE")),
            (["stores", slug, "sync"], "POST") => Ok(AdminRoute::SyncCatalog(slug)),
            (["stores", _, "sync"], _) => Err(RouteError::MethodNotAllowed("POST")),
            (["stores", slug, "catalog"], "GET") => Ok(AdminRoute::CatalogStatus(slug)),
            (["stores", slug, "metrics"], "GET") => Ok(AdminRoute::Metrics(slug)),
            (["stores", _, "catalog" | "metrics"], _) => Err(RouteError::MethodNotAllowed("GET")),
            _ => Err(RouteError::NotFound),
        }
    }

    /// The store the route is about, if any (checked to exist before the route runs).
    pub fn store(&self) -> Option<&'a str> {
        match *self {
            AdminRoute::IsolateMetrics | AdminRoute::ListStores | AdminRoute::CreateStore => None,
            AdminRoute::ShowStore(s)
            | AdminRoute::PatchStore(s)
            | AdminRoute::DeleteStore(s)
            | AdminRoute::SyncCatalog(s)
            | AdminRoute::CatalogStatus(s)
            | AdminRoute::Metrics(s) => Some(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RouteError::{MethodNotAllowed, NotFound};

    #[test]
    fn store_pages_take_get_and_head() {
        let table: &[(&str, &str, Result<StoreRoute, RouteError>)] = &[
            ("GET", "/", Ok(StoreRoute::Home)),
            ("HEAD", "/", Ok(StoreRoute::Home)),
            (
                "GET",
                "/collections/hats",
                Ok(StoreRoute::Collection("hats")),
            ),
            ("GET", "/products/mug", Ok(StoreRoute::Product("mug"))),
            ("GET", "/search", Ok(StoreRoute::Search)),
            ("GET", "/cart", Ok(StoreRoute::Cart)),
            ("POST", "/", Err(MethodNotAllowed("GET, HEAD"))),
            (
                "DELETE",
                "/products/mug",
                Err(MethodNotAllowed("GET, HEAD")),
            ),
            ("PUT", "/cart", Err(MethodNotAllowed("GET, HEAD"))),
            ("GET", "/collections/", Err(NotFound)),
            ("GET", "/products/a/b", Err(NotFound)),
            ("GET", "/nowhere", Err(NotFound)),
        ];
        for (method, path, want) in table {
            assert_eq!(&StoreRoute::parse(method, path), want, "{method} {path}");
        }
    }

    #[test]
    fn cart_actions_take_post_only() {
        assert_eq!(
            StoreRoute::parse("POST", "/cart/add"),
            Ok(StoreRoute::CartForm(FormAction::Add))
        );
        assert_eq!(
            StoreRoute::parse("GET", "/cart/add"),
            Err(MethodNotAllowed("POST"))
        );
        assert_eq!(StoreRoute::parse("POST", "/cart/explode"), Err(NotFound));
        assert_eq!(
            StoreRoute::parse("POST", "/checkout"),
            Ok(StoreRoute::Checkout)
        );
        assert_eq!(
            StoreRoute::parse("GET", "/checkout"),
            Err(MethodNotAllowed("POST"))
        );
    }

    #[test]
    fn the_cart_api_takes_get_and_post() {
        assert_eq!(
            StoreRoute::parse("GET", "/api/cart"),
            Ok(StoreRoute::CartApi)
        );
        assert_eq!(
            StoreRoute::parse("POST", "/api/cart"),
            Ok(StoreRoute::CartApi)
        );
        assert_eq!(
            StoreRoute::parse("DELETE", "/api/cart"),
            Err(MethodNotAllowed("GET, POST"))
        );
    }

    #[test]
    fn routes_count_against_their_rate_class() {
        use crate::rate_limit::RateClass;
        assert_eq!(StoreRoute::Home.rate_class("GET"), RateClass::Pages);
        assert_eq!(StoreRoute::Search.rate_class("GET"), RateClass::Search);
        assert_eq!(StoreRoute::CartApi.rate_class("GET"), RateClass::Pages);
        assert_eq!(
            StoreRoute::CartApi.rate_class("POST"),
            RateClass::CartWrites
        );
        assert_eq!(
            StoreRoute::CartForm(FormAction::Add).rate_class("POST"),
            RateClass::CartWrites
        );
        assert_eq!(StoreRoute::Checkout.rate_class("POST"), RateClass::Checkout);
    }

    #[test]
    fn platform_routes() {
        assert_eq!(
            PlatformRoute::parse("GET", "/health/live"),
            Ok(PlatformRoute::HealthLive)
        );
        assert_eq!(
            PlatformRoute::parse("POST", "/health"),
            Err(MethodNotAllowed("GET, HEAD"))
        );
        assert_eq!(PlatformRoute::parse("GET", "/healthz"), Err(NotFound));
        assert_eq!(
            PlatformRoute::parse("GET", "/admin/stores"),
            Ok(PlatformRoute::Admin(AdminRoute::ListStores))
        );
    }

    #[test]
    fn admin_routes_and_their_methods() {
        let table: &[(&str, &str, Result<AdminRoute, RouteError>)] = &[
            ("GET", "stores", Ok(AdminRoute::ListStores)),
            ("GET", "metrics", Ok(AdminRoute::IsolateMetrics)),
            ("POST", "metrics", Err(MethodNotAllowed("GET"))),
            ("POST", "stores/", Ok(AdminRoute::CreateStore)),
            ("PUT", "stores", Err(MethodNotAllowed("GET, POST"))),
            ("GET", "stores/acme", Ok(AdminRoute::ShowStore("acme"))),
            ("PATCH", "stores/acme", Ok(AdminRoute::PatchStore("acme"))),
            ("DELETE", "stores/acme", Ok(AdminRoute::DeleteStore("acme"))),
            (
                "POST",
                "stores/acme",
                Err(MethodNotAllowed("GET, PATCH, DELETE")),
            ),
            (
                "POST",
                "stores/acme/sync",
                Ok(AdminRoute::SyncCatalog("acme")),
            ),
            ("GET", "stores/acme/sync", Err(MethodNotAllowed("POST"))),
            (
                "GET",
                "stores/acme/catalog",
                Ok(AdminRoute::CatalogStatus("acme")),
            ),
            (
                "GET",
                "stores/acme/metrics",
                Ok(AdminRoute::Metrics("acme")),
            ),
            ("POST", "stores/acme/metrics", Err(MethodNotAllowed("GET"))),
            ("GET", "stores/acme/secrets", Err(NotFound)),
            ("GET", "users", Err(NotFound)),
        ];
        for (method, rest, want) in table {
            assert_eq!(&AdminRoute::parse(method, rest), want, "{method} {rest}");
        }
        assert_eq!(AdminRoute::Metrics("acme").store(), Some("acme"));
        assert_eq!(AdminRoute::ListStores.store(), None);
    }
}
