//! What the entry does with a request for a store, decided from its method, its path within
//! the store and whether it came under a valid preview link: open the live-preview socket,
//! serve a file from R2 itself, or forward to the shopper's object (with the audience of its
//! errors, its rate-limit class and the body it may carry).

use crate::edge_pages::EdgePage;
use crate::limits::BodyKind;
use crate::rate_limit::RateClass;
use crate::routes::StoreRoute;

/// Where a store request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreDispatch<'a> {
    /// The live-preview WebSocket, handed to the store's StoreConfig (previews only).
    LiveSocket,
    /// An uploaded file (`Asset`) or the favicon, served by the entry from R2.
    File(StoreRoute<'a>),
    /// Everything else goes to the shopper's object, which routes the request again.
    Shopper(ShopperRequest<'a>),
}

/// What the entry needs to know of a request it forwards to a shopper's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopperRequest<'a> {
    /// Its errors are JSON (the cart API); every other store route's are the themed page.
    pub api: bool,
    /// The rate-limit class it counts against; `None` for a path no route takes (the object
    /// answers that 404 or 405).
    pub class: Option<RateClass>,
    /// The body it may carry (`None` for GET and HEAD: nothing is read).
    pub body: Option<BodyKind>,
    /// A page the entry may render itself, given the shopper's cart hint (`edge_pages`).
    pub page: Option<EdgePage<'a>>,
}

impl ShopperRequest<'_> {
    /// The class whose per-shopper limit the object counts exactly (cart writes), if any.
    pub fn counted_by_object(&self) -> Option<RateClass> {
        self.class.filter(|c| c.shopper_limit().is_some())
    }
}

/// Where `method rest` within a store goes; `preview` says the request came under a valid
/// preview link (the only way to the live socket: without one, `live` is the object's 404).
pub fn dispatch<'a>(method: &str, rest: &'a str, preview: bool) -> StoreDispatch<'a> {
    let route = StoreRoute::parse(method, rest).ok();
    match route {
        Some(StoreRoute::Live) if preview => StoreDispatch::LiveSocket,
        Some(file @ (StoreRoute::Asset(_) | StoreRoute::Favicon)) => StoreDispatch::File(file),
        _ => {
            let api = matches!(route, Some(StoreRoute::CartApi));
            let body = match method {
                "GET" | "HEAD" => None,
                _ if api => Some(BodyKind::CartJson),
                _ => Some(BodyKind::Form),
            };
            StoreDispatch::Shopper(ShopperRequest {
                api,
                class: route.map(|r| r.rate_class(method)),
                body,
                page: route.and_then(|r| EdgePage::of(&r, method)),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shopper<'a>(method: &str, rest: &'a str) -> ShopperRequest<'a> {
        match dispatch(method, rest, false) {
            StoreDispatch::Shopper(s) => s,
            other => panic!("{method} {rest}: {other:?}"),
        }
    }

    #[test]
    fn the_live_socket_is_only_for_previews() {
        assert_eq!(dispatch("GET", "/live", true), StoreDispatch::LiveSocket);
        let plain = shopper("GET", "/live");
        assert_eq!(plain.class, Some(RateClass::Pages));
        assert!(!plain.api);
        // Another method on `live` is no socket either: the object answers the 405.
        let post = match dispatch("POST", "/live", true) {
            StoreDispatch::Shopper(s) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!((post.class, post.body), (None, Some(BodyKind::Form)));
    }

    #[test]
    fn files_are_served_by_the_entry_for_reads_only() {
        assert_eq!(
            dispatch("GET", "/assets/logo-0123abcd.png", false),
            StoreDispatch::File(StoreRoute::Asset("logo-0123abcd.png"))
        );
        assert_eq!(
            dispatch("HEAD", "/favicon.ico", true),
            StoreDispatch::File(StoreRoute::Favicon)
        );
        // A write to a file path is not a file: the object answers its 405.
        let put = shopper("PUT", "/assets/logo.png");
        assert_eq!(put.class, None);
    }

    #[test]
    fn the_cart_api_speaks_json_and_its_writes_are_counted_by_the_object() {
        let add = shopper("POST", "/api/cart");
        assert!(add.api);
        assert_eq!(add.body, Some(BodyKind::CartJson));
        assert_eq!(add.class, Some(RateClass::CartWrites));
        assert_eq!(add.counted_by_object(), Some(RateClass::CartWrites));
        let read = shopper("GET", "/api/cart");
        assert!(read.api);
        assert_eq!((read.body, read.counted_by_object()), (None, None));
        // A method the API does not take has no route here: the object answers its 405.
        let delete = shopper("DELETE", "/api/cart");
        assert_eq!((delete.api, delete.class), (false, None));
    }

    #[test]
    fn pages_and_forms() {
        for (method, rest, class, body) in [
            ("GET", "/", Some(RateClass::Pages), None),
            ("HEAD", "/products/hat", Some(RateClass::Pages), None),
            ("GET", "/search", Some(RateClass::Search), None),
            (
                "POST",
                "/cart/add",
                Some(RateClass::CartWrites),
                Some(BodyKind::Form),
            ),
            (
                "POST",
                "/checkout",
                Some(RateClass::Checkout),
                Some(BodyKind::Form),
            ),
            (
                "POST",
                "/personalization",
                Some(RateClass::CartWrites),
                Some(BodyKind::Form),
            ),
            // No route: no class, the object answers; a body is still bounded.
            ("GET", "/nowhere/at/all", None, None),
            ("POST", "/", None, Some(BodyKind::Form)),
        ] {
            let s = shopper(method, rest);
            assert!(!s.api, "{method} {rest}");
            assert_eq!((s.class, s.body), (class, body), "{method} {rest}");
        }
        assert_eq!(shopper("GET", "/").counted_by_object(), None);
        assert_eq!(shopper("GET", "/").page, Some(EdgePage::Home));
        assert_eq!(shopper("HEAD", "/").page, None);
        assert_eq!(
            shopper("GET", "/collections/hats").page,
            Some(EdgePage::Collection("hats"))
        );
        assert_eq!(shopper("POST", "/search").page, None);
        assert_eq!(shopper("POST", "/checkout").counted_by_object(), None);
    }
}
