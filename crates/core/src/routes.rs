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
    /// `assets/{file}`: an owner's uploaded file, by its content-hashed name.
    Asset(&'a str),
    /// `favicon.ico`: the theme's favicon or the platform's.
    Favicon,
    /// `live`: the live-preview WebSocket (only under a preview link).
    Live,
    /// `POST personalization`: the shopper's opt-out form.
    Personalization,
}

impl StoreRoute<'_> {
    /// The rate-limit class a request on this route counts against.
    pub fn rate_class(&self, method: &str) -> crate::rate_limit::RateClass {
        use crate::rate_limit::RateClass;
        match self {
            StoreRoute::Search => RateClass::Search,
            StoreRoute::CartForm(_) | StoreRoute::Personalization => RateClass::CartWrites,
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
            ["assets", file] if read && !file.is_empty() => Ok(StoreRoute::Asset(file)),
            ["favicon.ico"] if read => Ok(StoreRoute::Favicon),
            ["live"] if method == "GET" => Ok(StoreRoute::Live),
            ["assets", _] | ["favicon.ico"] => Err(RouteError::MethodNotAllowed("GET, HEAD")),
            ["live"] => Err(RouteError::MethodNotAllowed("GET")),
            ["personalization"] if post => Ok(StoreRoute::Personalization),
            ["personalization"] => Err(RouteError::MethodNotAllowed("POST")),
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
    /// `/schemas/theme.json`: the theme's JSON Schema, public.
    ThemeSchema,
    Admin(AdminRoute<'a>),
    Console(ConsoleRoute),
}

impl<'a> PlatformRoute<'a> {
    pub fn parse(method: &str, path: &'a str) -> Result<Self, RouteError> {
        if let Some(rest) = path.strip_prefix("/admin/") {
            return AdminRoute::parse(method, rest).map(PlatformRoute::Admin);
        }
        if path == "/console" || path.starts_with("/console/") {
            return ConsoleRoute::parse(method, path).map(PlatformRoute::Console);
        }
        let route = match path {
            "/health/live" => PlatformRoute::HealthLive,
            "/health/ready" => PlatformRoute::HealthReady,
            "/health" => PlatformRoute::Health,
            "/.well-known/security.txt" => PlatformRoute::SecurityTxt,
            "/schemas/theme.json" => PlatformRoute::ThemeSchema,
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
    /// `GET stores/{s}/theme`: published and draft.
    Theme(&'a str),
    /// `PUT stores/{s}/theme/draft`.
    PutDraft(&'a str),
    /// `POST stores/{s}/theme/publish`.
    Publish(&'a str),
    /// `GET stores/{s}/theme/versions`.
    Versions(&'a str),
    /// `POST stores/{s}/theme/rollback`.
    Rollback(&'a str),
    /// `POST stores/{s}/theme/preview`: a signed preview link.
    Preview(&'a str),
    /// `GET stores/{s}/assets`.
    Assets(&'a str),
    /// `PUT stores/{s}/assets/{name}`.
    PutAsset(&'a str, &'a str),
    /// `DELETE stores/{s}/assets/{name}`.
    DeleteAsset(&'a str, &'a str),
    /// `POST stores/{s}/owner-token/rotate`.
    RotateOwnerToken(&'a str),
    /// `GET backups`: every store's backups (or `?store=`), with manifest summaries.
    ListBackups,
    /// `POST backups`: back up every store now (or the body's `{"store": slug}`).
    StartBackups,
    /// `POST stores/{s}/restore` `{"backup": id}`.
    Restore(&'a str),
    /// `GET stores/{s}/restore`: the current or last restore.
    RestoreStatus(&'a str),
    /// `GET stores/{s}/personalization`: the report.
    PersonalizationReport(&'a str),
    /// `GET stores/{s}/personalization/settings`.
    PersonalizationSettings(&'a str),
    /// `PUT stores/{s}/personalization/settings`.
    PutPersonalizationSettings(&'a str),
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
            (["stores", slug, "theme"], "GET") => Ok(AdminRoute::Theme(slug)),
            (["stores", slug, "theme", "draft"], "PUT") => Ok(AdminRoute::PutDraft(slug)),
            (["stores", slug, "theme", "publish"], "POST") => Ok(AdminRoute::Publish(slug)),
            (["stores", slug, "theme", "versions"], "GET") => Ok(AdminRoute::Versions(slug)),
            (["stores", slug, "theme", "rollback"], "POST") => Ok(AdminRoute::Rollback(slug)),
            (["stores", slug, "theme", "preview"], "POST") => Ok(AdminRoute::Preview(slug)),
            (["stores", slug, "assets"], "GET") => Ok(AdminRoute::Assets(slug)),
            (["stores", slug, "assets", name], "PUT") if !name.is_empty() => {
                Ok(AdminRoute::PutAsset(slug, name))
            }
            (["stores", slug, "assets", name], "DELETE") if !name.is_empty() => {
                Ok(AdminRoute::DeleteAsset(slug, name))
            }
            (["stores", slug, "owner-token", "rotate"], "POST") => {
                Ok(AdminRoute::RotateOwnerToken(slug))
            }
            (["stores", slug, "personalization"], "GET") => {
                Ok(AdminRoute::PersonalizationReport(slug))
            }
            (["stores", _, "personalization"], _) => Err(RouteError::MethodNotAllowed("GET")),
            (["stores", slug, "personalization", "settings"], "GET") => {
                Ok(AdminRoute::PersonalizationSettings(slug))
            }
            (["stores", slug, "personalization", "settings"], "PUT") => {
                Ok(AdminRoute::PutPersonalizationSettings(slug))
            }
            (["stores", _, "personalization", "settings"], _) => {
                Err(RouteError::MethodNotAllowed("GET, PUT"))
            }
            (["stores", _, "theme" | "assets"], _) | (["stores", _, "theme", "versions"], _) => {
                Err(RouteError::MethodNotAllowed("GET"))
            }
            (["stores", _, "theme", "draft"], _) => Err(RouteError::MethodNotAllowed("PUT")),
            (["stores", _, "assets", n], _) if !n.is_empty() => {
                Err(RouteError::MethodNotAllowed("PUT, DELETE"))
            }
            (["backups"], "GET") => Ok(AdminRoute::ListBackups),
            (["backups"], "POST") => Ok(AdminRoute::StartBackups),
            (["backups"], _) => Err(RouteError::MethodNotAllowed("GET, POST")),
            (["stores", slug, "restore"], "POST") => Ok(AdminRoute::Restore(slug)),
            (["stores", slug, "restore"], "GET") => Ok(AdminRoute::RestoreStatus(slug)),
            (["stores", _, "restore"], _) => Err(RouteError::MethodNotAllowed("GET, POST")),
            (["stores", _, "theme", "publish" | "rollback" | "preview"], _)
            | (["stores", _, "owner-token", "rotate"], _) => {
                Err(RouteError::MethodNotAllowed("POST"))
            }
            _ => Err(RouteError::NotFound),
        }
    }

    /// The store the route is about, if any (checked to exist before the route runs).
    pub fn store(&self) -> Option<&'a str> {
        match *self {
            AdminRoute::IsolateMetrics
            | AdminRoute::ListStores
            | AdminRoute::CreateStore
            | AdminRoute::ListBackups
            | AdminRoute::StartBackups => None,
            AdminRoute::ShowStore(s)
            | AdminRoute::PatchStore(s)
            | AdminRoute::DeleteStore(s)
            | AdminRoute::SyncCatalog(s)
            | AdminRoute::CatalogStatus(s)
            | AdminRoute::Metrics(s)
            | AdminRoute::Theme(s)
            | AdminRoute::PutDraft(s)
            | AdminRoute::Publish(s)
            | AdminRoute::Versions(s)
            | AdminRoute::Rollback(s)
            | AdminRoute::Preview(s)
            | AdminRoute::Assets(s)
            | AdminRoute::PutAsset(s, _)
            | AdminRoute::DeleteAsset(s, _)
            | AdminRoute::RotateOwnerToken(s)
            | AdminRoute::Restore(s)
            | AdminRoute::RestoreStatus(s)
            | AdminRoute::PersonalizationReport(s)
            | AdminRoute::PersonalizationSettings(s)
            | AdminRoute::PutPersonalizationSettings(s) => Some(s),
        }
    }

    /// Whether the store's owner token may use this route (the owner API); every route takes
    /// the platform admin token.
    pub fn owner_may(&self) -> bool {
        matches!(
            self,
            AdminRoute::Theme(_)
                | AdminRoute::PutDraft(_)
                | AdminRoute::Publish(_)
                | AdminRoute::Versions(_)
                | AdminRoute::Rollback(_)
                | AdminRoute::Preview(_)
                | AdminRoute::Assets(_)
                | AdminRoute::PutAsset(..)
                | AdminRoute::DeleteAsset(..)
                | AdminRoute::RotateOwnerToken(_)
                | AdminRoute::PersonalizationReport(_)
                | AdminRoute::PersonalizationSettings(_)
                | AdminRoute::PutPersonalizationSettings(_)
        )
    }
}

/// A page or form of the owner console (under `/console`, on the platform host only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleRoute {
    /// `GET /console`: the sign-in form, or the editor when signed in.
    Home,
    /// `POST /console/sign-in`: store and owner token → session cookie.
    SignIn,
    /// `POST /console/sign-out`.
    SignOut,
    /// `POST /console/theme`: save the draft from the editor's form.
    SaveDraft,
    /// `POST /console/publish`.
    Publish,
    /// `POST /console/rollback`.
    Rollback,
    /// `POST /console/assets`: upload a logo or favicon (multipart).
    Upload,
}

impl ConsoleRoute {
    pub fn parse(method: &str, path: &str) -> Result<Self, RouteError> {
        let route = match path.trim_end_matches('/') {
            "/console" => {
                return if is_read(method) {
                    Ok(ConsoleRoute::Home)
                } else {
                    Err(RouteError::MethodNotAllowed("GET, HEAD"))
                };
            }
            "/console/sign-in" => ConsoleRoute::SignIn,
            "/console/sign-out" => ConsoleRoute::SignOut,
            "/console/theme" => ConsoleRoute::SaveDraft,
            "/console/publish" => ConsoleRoute::Publish,
            "/console/rollback" => ConsoleRoute::Rollback,
            "/console/assets" => ConsoleRoute::Upload,
            _ => return Err(RouteError::NotFound),
        };
        if method == "POST" {
            Ok(route)
        } else {
            Err(RouteError::MethodNotAllowed("POST"))
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
            ("GET", "backups", Ok(AdminRoute::ListBackups)),
            ("POST", "backups/", Ok(AdminRoute::StartBackups)),
            ("DELETE", "backups", Err(MethodNotAllowed("GET, POST"))),
            ("GET", "backups/x", Err(NotFound)),
            (
                "POST",
                "stores/acme/restore",
                Ok(AdminRoute::Restore("acme")),
            ),
            (
                "GET",
                "stores/acme/restore",
                Ok(AdminRoute::RestoreStatus("acme")),
            ),
            (
                "PUT",
                "stores/acme/restore",
                Err(MethodNotAllowed("GET, POST")),
            ),
            ("POST", "stores/acme/restore/x", Err(NotFound)),
            ("GET", "stores/acme/secrets", Err(NotFound)),
            ("GET", "users", Err(NotFound)),
        ];
        for (method, rest, want) in table {
            assert_eq!(&AdminRoute::parse(method, rest), want, "{method} {rest}");
        }
        assert_eq!(AdminRoute::Metrics("acme").store(), Some("acme"));
        assert_eq!(AdminRoute::ListStores.store(), None);
    }

    #[test]
    fn owner_routes_and_who_may_use_them() {
        let table: &[(&str, &str, Result<AdminRoute, RouteError>)] = &[
            ("GET", "stores/acme/theme", Ok(AdminRoute::Theme("acme"))),
            ("PUT", "stores/acme/theme", Err(MethodNotAllowed("GET"))),
            (
                "PUT",
                "stores/acme/theme/draft",
                Ok(AdminRoute::PutDraft("acme")),
            ),
            (
                "POST",
                "stores/acme/theme/draft",
                Err(MethodNotAllowed("PUT")),
            ),
            (
                "POST",
                "stores/acme/theme/publish",
                Ok(AdminRoute::Publish("acme")),
            ),
            (
                "GET",
                "stores/acme/theme/publish",
                Err(MethodNotAllowed("POST")),
            ),
            (
                "GET",
                "stores/acme/theme/versions",
                Ok(AdminRoute::Versions("acme")),
            ),
            (
                "POST",
                "stores/acme/theme/rollback",
                Ok(AdminRoute::Rollback("acme")),
            ),
            (
                "POST",
                "stores/acme/theme/preview",
                Ok(AdminRoute::Preview("acme")),
            ),
            ("GET", "stores/acme/assets", Ok(AdminRoute::Assets("acme"))),
            ("POST", "stores/acme/assets", Err(MethodNotAllowed("GET"))),
            (
                "PUT",
                "stores/acme/assets/logo.png",
                Ok(AdminRoute::PutAsset("acme", "logo.png")),
            ),
            (
                "DELETE",
                "stores/acme/assets/logo.png",
                Ok(AdminRoute::DeleteAsset("acme", "logo.png")),
            ),
            (
                "GET",
                "stores/acme/assets/logo.png",
                Err(MethodNotAllowed("PUT, DELETE")),
            ),
            (
                "POST",
                "stores/acme/owner-token/rotate",
                Ok(AdminRoute::RotateOwnerToken("acme")),
            ),
            (
                "GET",
                "stores/acme/owner-token/rotate",
                Err(MethodNotAllowed("POST")),
            ),
            ("GET", "stores/acme/theme/nope", Err(NotFound)),
            ("PUT", "stores/acme/assets/a/b", Err(NotFound)),
        ];
        for (method, rest, want) in table {
            assert_eq!(&AdminRoute::parse(method, rest), want, "{method} {rest}");
        }
        assert_eq!(AdminRoute::PutAsset("acme", "x").store(), Some("acme"));
        assert!(AdminRoute::Publish("acme").owner_may());
        assert!(AdminRoute::RotateOwnerToken("acme").owner_may());
        for admin_only in [
            AdminRoute::ListStores,
            AdminRoute::CreateStore,
            AdminRoute::ShowStore("acme"),
            AdminRoute::DeleteStore("acme"),
            AdminRoute::PatchStore("acme"),
            AdminRoute::SyncCatalog("acme"),
            AdminRoute::IsolateMetrics,
        ] {
            assert!(!admin_only.owner_may(), "{admin_only:?}");
        }
    }

    #[test]
    fn console_routes() {
        assert_eq!(
            ConsoleRoute::parse("GET", "/console"),
            Ok(ConsoleRoute::Home)
        );
        assert_eq!(
            ConsoleRoute::parse("HEAD", "/console/"),
            Ok(ConsoleRoute::Home)
        );
        assert_eq!(
            ConsoleRoute::parse("POST", "/console"),
            Err(MethodNotAllowed("GET, HEAD"))
        );
        assert_eq!(
            ConsoleRoute::parse("POST", "/console/sign-in"),
            Ok(ConsoleRoute::SignIn)
        );
        assert_eq!(
            ConsoleRoute::parse("GET", "/console/publish"),
            Err(MethodNotAllowed("POST"))
        );
        assert_eq!(ConsoleRoute::parse("GET", "/console/x"), Err(NotFound));
        assert_eq!(
            PlatformRoute::parse("GET", "/console/"),
            Ok(PlatformRoute::Console(ConsoleRoute::Home))
        );
        assert_eq!(
            PlatformRoute::parse("GET", "/schemas/theme.json"),
            Ok(PlatformRoute::ThemeSchema)
        );
    }

    #[test]
    fn store_assets_favicon_and_live() {
        assert_eq!(
            StoreRoute::parse("GET", "/assets/ab.png"),
            Ok(StoreRoute::Asset("ab.png"))
        );
        assert_eq!(
            StoreRoute::parse("HEAD", "/favicon.ico"),
            Ok(StoreRoute::Favicon)
        );
        assert_eq!(StoreRoute::parse("GET", "/live"), Ok(StoreRoute::Live));
        assert_eq!(
            StoreRoute::parse("PUT", "/assets/ab.png"),
            Err(MethodNotAllowed("GET, HEAD"))
        );
        assert_eq!(
            StoreRoute::parse("POST", "/live"),
            Err(MethodNotAllowed("GET"))
        );
        assert_eq!(StoreRoute::parse("GET", "/assets/"), Err(NotFound));
    }

    #[test]
    fn personalization_routes() {
        assert_eq!(
            StoreRoute::parse("POST", "/personalization"),
            Ok(StoreRoute::Personalization)
        );
        assert_eq!(
            StoreRoute::parse("GET", "/personalization"),
            Err(RouteError::MethodNotAllowed("POST"))
        );
        let admin = |m, p| AdminRoute::parse(m, p);
        assert_eq!(
            admin("GET", "stores/outlet/personalization"),
            Ok(AdminRoute::PersonalizationReport("outlet"))
        );
        assert_eq!(
            admin("PUT", "stores/outlet/personalization/settings"),
            Ok(AdminRoute::PutPersonalizationSettings("outlet"))
        );
        assert_eq!(
            admin("POST", "stores/outlet/personalization/settings"),
            Err(RouteError::MethodNotAllowed("GET, PUT"))
        );
        assert_eq!(
            admin("DELETE", "stores/outlet/personalization"),
            Err(RouteError::MethodNotAllowed("GET"))
        );
        let settings = AdminRoute::PersonalizationSettings("outlet");
        assert!(settings.owner_may());
        assert_eq!(settings.store(), Some("outlet"));
    }
}
