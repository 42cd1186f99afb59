//! Who a request forwarded to a ShopperStorefront object is for. The Worker entry writes it
//! into one internal header; only the Worker can reach an object, and the entry never
//! forwards a client's own internal headers, so the object trusts it.

use serde::{Deserialize, Serialize};
use wandstore_core::cookie_hints::{self, CartHint, Hints, HomeHint, PendingView};
use wandstore_core::identity::{CookieScope, ShopperId, set_cookie_header};
use wandstore_core::store::StoreSlug;

/// The internal header that carries a [`ShopperContext`] as JSON.
pub const CONTEXT_HEADER: &str = "x-wandstore-context";

/// The internal response header in which a shopper object reports what the request cost
/// ([`ObjectReport`]); the entry moves it into the log line and never forwards it.
pub const REPORT_HEADER: &str = "x-wandstore-report";

/// Who is asking, at which store, through which address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopperContext {
    pub store: StoreSlug,
    pub shopper: ShopperId,
    /// The store's base path: `/`, or `/s/{store}/`.
    pub base: String,
    /// `scheme://host[:port]` as the shopper reached the Worker (for canonical URLs).
    pub origin: String,
    pub request_id: String,
    /// The shopper's IP and country as the edge saw them (for Shopify's buyer context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_country: Option<String>,
    /// The shopper's cookie was minted for this request: a page read writes nothing, so a
    /// visitor who never comes back (or a bot) leaves no storage behind.
    #[serde(default)]
    pub first_visit: bool,
    /// The cookie says the first, unrecorded request was a home page view.
    #[serde(default)]
    pub saw_home: bool,
    /// The request came through a valid preview link: render the draft theme, mark the page
    /// as a preview (noindex), and refuse checkout. `base` then includes the link's token.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preview: bool,
    /// The CSP nonce of the page's one inline script (the live preview's refresh), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_nonce: Option<String>,
    /// Product views the entry answered and the cookie carries (`cookie_hints`): the object
    /// records them before serving, and says so in its report (`views_taken`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_views: Vec<PendingView>,
    /// Home views the entry answered are pending (`core::home_hint`): the visit count to store
    /// (at least). The object stores it before serving and says so (`home_counted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_count: Option<u64>,
}

impl ShopperContext {
    pub fn to_header(&self) -> String {
        // Strings only: always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for a missing or malformed context (a bug in the entry, answered with a 400).
    pub fn from_header(raw: &str) -> Option<Self> {
        serde_json::from_str(raw).ok()
    }
}

/// What serving one request cost a shopper object: the catalog's freshness and the SQLite
/// rows and object calls it took. Logged by the entry; never sent to the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    #[serde(default)]
    pub rows_read: u64,
    #[serde(default)]
    pub rows_written: u64,
    /// Calls this object made to other objects (StoreConfig) while serving the request.
    #[serde(default)]
    pub do_calls: u64,
    /// A first visit's home page view was served without being written: the entry adds the
    /// `VISITED_HOME` hint to the new cookie.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unrecorded_home_view: bool,
    /// Upstream (Shopify) calls this request waited for, through StoreConfig, and their time.
    #[serde(default)]
    pub upstream_calls: u32,
    #[serde(default)]
    pub upstream_ms: u64,
    /// The hint was counted: the entry sets the cookie again without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hint_used: bool,
    /// The object refused the request past the shopper's own limit of its class
    /// (`RateClass::shopper_limit`): the log line says `rate_decision: "limited"`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rate_limited: bool,
    /// The items in the shopper's cart once the request was served, when the object knows
    /// (the entry keeps it in the cookie's cart hint: `cookie_hints`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_items: Option<u32>,
    /// The context's pending views are in the shopper's storage: the entry sets the cookie
    /// again without them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub views_taken: bool,
    /// The context's `home_count` is stored: the entry drops the pending home views.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub home_counted: bool,
    /// The object's home page showed this visit count to a shopper with no history yet: the
    /// entry sets the cookie's visit count (`core::home_hint`), so it can answer the next home
    /// pages itself. Any other answer drops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits_shown: Option<u64>,
}

impl ObjectReport {
    pub fn to_header(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_header(raw: &str) -> Option<Self> {
        serde_json::from_str(raw).ok()
    }
}

/// The shopper cookie a streamed-through answer may need to set, decided once the object's
/// report is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieDraft {
    pub token: String,
    pub scope: CookieScope,
    /// Minted for this request (else: the token the request's cookie carried).
    pub new: bool,
    /// The hints the request's cookie carried (none for a new shopper).
    pub sent: Hints,
    pub now_ms: u64,
}

impl CookieDraft {
    /// The `Set-Cookie` value, given the answer's status and what the object reported; `None`
    /// when nothing changes. A new shopper's cookie is set only on a success, with the
    /// `VISITED_HOME` hint when their home view went unrecorded and the cart hint the object
    /// reported. A returning shopper's is set again when its hints change: the home hint was
    /// counted, the pending views were taken, the visit count was set or dropped (any answer
    /// but a home page without history drops it; pending home views not yet stored stay), or
    /// the cart's item count (or the day it was reported) is not the one it carries.
    pub fn header(&self, status: u16, report: &ObjectReport) -> Option<String> {
        let cart = report
            .cart_items
            .map(|items| CartHint::reported(items, self.now_ms));
        let hints = if self.new {
            if status >= 400 {
                return None;
            }
            Hints {
                saw_home: report.unrecorded_home_view,
                cart,
                ..Hints::default()
            }
        } else {
            let views = match report.views_taken {
                true => Vec::new(),
                false => self.sent.views.clone(),
            };
            let home = match (report.visits_shown, report.home_counted) {
                (Some(visits), _) => Some(HomeHint::counted(visits, self.now_ms)),
                (None, false) => self.sent.home.filter(|h| h.to_store().is_some()),
                (None, true) => None,
            };
            let next = Hints {
                saw_home: self.sent.saw_home && !report.hint_used,
                cart: cart.or(self.sent.cart),
                views,
                home,
            };
            if next == self.sent {
                return None;
            }
            next
        };
        Some(self.set(&hints))
    }

    pub(crate) fn set(&self, hints: &Hints) -> String {
        set_cookie_header(&cookie_hints::join(&self.token, hints), &self.scope)
    }
}

/// A store question's failure as the shopper's pages show it: a store StoreConfig does not
/// know is the 404 `unknown_store` naming it; anything else maps as usual.
pub fn unknown_store(
    store: &StoreSlug,
    e: crate::wire::AskError<crate::store::StoreError>,
) -> crate::EdgeError {
    match e {
        crate::wire::AskError::Refused(crate::store::StoreError::NotFound) => {
            crate::EdgeError::not_found(
                "unknown_store",
                format!("we could not find a store named “{store}”"),
            )
        }
        e => e.into(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn ctx() -> ShopperContext {
        ShopperContext {
            store: StoreSlug::parse("outlet").unwrap(),
            shopper: ShopperId::from_random([7; 16]),
            base: "/s/outlet/".into(),
            origin: "http://127.0.0.1:8787".into(),
            request_id: "abc".into(),
            buyer_ip: None,
            buyer_country: Some("DE".into()),
            first_visit: true,
            saw_home: false,
            preview: false,
            script_nonce: None,
            pending_views: Vec::new(),
            home_count: None,
        }
    }

    #[test]
    fn a_preview_context_keeps_its_nonce_and_a_plain_one_says_nothing_of_it() {
        let plain = ctx().to_header();
        assert!(
            !plain.contains("preview") && !plain.contains("nonce"),
            "{plain}"
        );
        let preview = ShopperContext {
            preview: true,
            script_nonce: Some("n0nce-n0nce-n0nce".into()),
            ..ctx()
        };
        assert_eq!(
            ShopperContext::from_header(&preview.to_header()),
            Some(preview)
        );
    }

    #[test]
    fn a_context_round_trips_through_its_header() {
        let c = ctx();
        assert_eq!(ShopperContext::from_header(&c.to_header()), Some(c));
    }

    #[test]
    fn a_tampered_context_is_refused() {
        let bad = ctx().to_header().replace("outlet\"", "../x\"");
        assert_eq!(ShopperContext::from_header(&bad), None);
        assert_eq!(ShopperContext::from_header(""), None);
        assert_eq!(ShopperContext::from_header("{}"), None);
    }

    #[test]
    fn reports_round_trip_and_tolerate_missing_fields() {
        let r = ObjectReport {
            cache: Some("local".into()),
            rows_read: 3,
            rows_written: 1,
            do_calls: 1,
            unrecorded_home_view: true,
            hint_used: false,
            upstream_calls: 3,
            upstream_ms: 120,
            rate_limited: true,
            cart_items: Some(4),
            views_taken: true,
            home_counted: true,
            visits_shown: Some(9),
        };
        assert_eq!(ObjectReport::from_header(&r.to_header()), Some(r));
        assert_eq!(
            ObjectReport::from_header("{}"),
            Some(ObjectReport::default())
        );
    }

    const DAY: u64 = 86_400_000;
    const NOW: u64 = 20_000 * DAY + 7;

    fn draft(new: bool, sent: Hints) -> CookieDraft {
        CookieDraft {
            token: "v1.demo.tok".into(),
            scope: CookieScope::new("/", "https", "shop.example.com"),
            new,
            sent,
            now_ms: NOW,
        }
    }

    fn report(
        unrecorded_home_view: bool,
        hint_used: bool,
        cart_items: Option<u32>,
    ) -> ObjectReport {
        ObjectReport {
            unrecorded_home_view,
            hint_used,
            cart_items,
            ..ObjectReport::default()
        }
    }

    fn home(saw_home: bool, cart: Option<(u32, u64)>) -> Hints {
        Hints {
            saw_home,
            cart: cart.map(|(items, at)| CartHint::reported(items, at)),
            ..Hints::default()
        }
    }

    #[test]
    fn a_new_shopper_gets_a_cookie_with_their_hints_on_a_success_only() {
        let set = draft(true, Hints::default())
            .header(200, &report(true, false, Some(0)))
            .unwrap();
        assert!(set.contains("=v1.demo.tok~c0.20000~h;"), "{set}");
        let set = draft(true, Hints::default())
            .header(303, &report(false, false, None))
            .unwrap();
        assert!(
            set.contains("=v1.demo.tok;") && set.contains("; Secure"),
            "{set}"
        );
        // A failed first request sets nothing: no cookie for a page that was not served.
        let none = Hints::default();
        assert_eq!(
            draft(true, none.clone()).header(404, &report(true, false, Some(0))),
            None
        );
        assert_eq!(
            draft(true, none).header(500, &report(false, false, None)),
            None
        );
    }

    #[test]
    fn a_returning_shoppers_cookie_changes_only_when_a_hint_does() {
        let today = home(false, Some((2, NOW)));
        // Nothing new: no cookie, whatever the status.
        assert_eq!(
            draft(false, today.clone()).header(200, &report(false, false, Some(2))),
            None
        );
        assert_eq!(
            draft(false, today).header(422, &report(false, false, None)),
            None
        );
        // The home hint was counted: set again without it, the cart hint kept.
        let set = draft(false, home(true, Some((2, NOW))))
            .header(200, &report(false, true, None))
            .unwrap();
        assert!(set.contains("=v1.demo.tok~c2.20000;"), "{set}");
        // The cart changed: the new count, the home hint kept until counted.
        let set = draft(false, home(true, Some((2, NOW))))
            .header(200, &report(false, false, Some(3)))
            .unwrap();
        assert!(set.contains("=v1.demo.tok~c3.20000~h;"), "{set}");
        // The same count from yesterday is refreshed to today's.
        let set = draft(false, home(false, Some((2, NOW - DAY))))
            .header(200, &report(false, false, Some(2)))
            .unwrap();
        assert!(set.contains("=v1.demo.tok~c2.20000;"), "{set}");
        // An old cookie without a cart hint gains one.
        let set = draft(false, Hints::default())
            .header(200, &report(false, false, Some(0)))
            .unwrap();
        assert!(set.contains("=v1.demo.tok~c0.20000;"), "{set}");
        // A count the object does not know leaves the cookie as it is.
        assert_eq!(
            draft(false, Hints::default()).header(200, &report(false, false, None)),
            None
        );
    }

    fn with_views(hints: Hints, handles: &[&str]) -> Hints {
        (handles.iter()).fold(hints, |h, handle| {
            h.with_view(handle, NOW).unwrap_or_default()
        })
    }

    #[test]
    fn pending_views_stay_in_the_cookie_until_the_object_takes_them() {
        let sent = with_views(home(false, Some((1, NOW))), &["hat", "mug"]);
        let views = "~vhat.1728000000~vmug.1728000000";
        // Carried over an answer that did not take them (an error, or an older object).
        assert_eq!(
            draft(false, sent.clone()).header(500, &report(false, false, Some(1))),
            None
        );
        // Taken: set again without them.
        let taken = ObjectReport {
            views_taken: true,
            ..report(false, false, Some(1))
        };
        let set = draft(false, sent.clone()).header(200, &taken).unwrap();
        assert!(set.contains("=v1.demo.tok~c1.20000;"), "{set}");
        // The cart changed, the views not taken: both carried.
        let set = (draft(false, sent.clone()).header(200, &report(false, false, Some(2)))).unwrap();
        assert!(
            set.contains(&format!("=v1.demo.tok~c2.20000{views};")),
            "{set}"
        );
        // A new shopper never carries views.
        let set = draft(true, Hints::default()).header(200, &taken).unwrap();
        assert!(!set.contains("~v"), "{set}");
    }

    #[test]
    fn a_product_page_answered_by_the_entry_adds_its_view_while_there_is_room() {
        let sent = with_views(home(true, Some((1, NOW))), &["hat"]);
        let viewed = |d: CookieDraft, h: &str| d.sent.with_view(h, NOW).map(|x| d.set(&x));
        let set = viewed(draft(false, sent.clone()), "mug").unwrap();
        assert!(
            set.contains("=v1.demo.tok~c1.20000~vhat.1728000000~vmug.1728000000~h;"),
            "{set}"
        );
        assert!(set.contains("; Secure") && set.contains("Path=/"), "{set}");
        assert_eq!(viewed(draft(false, sent), "Not Carriable"), None);
        let full: Vec<String> = (0..cookie_hints::MAX_PENDING_VIEWS)
            .map(|i| format!("p{i}"))
            .collect();
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let full = with_views(Hints::default(), &full);
        assert_eq!(viewed(draft(false, full), "mug"), None);
    }

    #[test]
    fn pending_views_reach_the_object_in_its_context() {
        let c = ShopperContext {
            pending_views: with_views(Hints::default(), &["hat"]).views,
            ..ctx()
        };
        let header = c.to_header();
        assert!(header.contains(r#""pending_views":[{"handle":"hat","at_s":1728000000}]"#));
        assert_eq!(ShopperContext::from_header(&header), Some(c));
        assert!(
            !ctx().to_header().contains("pending_views"),
            "none: not sent"
        );
    }

    #[test]
    fn an_unknown_store_is_a_404_naming_it_and_other_failures_map_as_usual() {
        use crate::store::StoreError;
        use crate::wire::AskError;
        let demo = StoreSlug::parse("demo").unwrap();
        let e = unknown_store(&demo, AskError::Refused(StoreError::NotFound));
        assert_eq!((e.status, e.code.as_str()), (404, "unknown_store"));
        assert!(e.message.contains("“demo”"), "{}", e.message);
        let broken = unknown_store(&demo, AskError::Broken("garbage".into()));
        assert_eq!(broken.status, 500);
        assert_ne!(broken.code, "unknown_store");
    }

    #[test]
    fn the_visit_count_is_set_by_a_home_page_without_history_and_dropped_by_other_answers() {
        let cart = Some((1, NOW));
        let shown = ObjectReport {
            visits_shown: Some(5),
            ..report(false, false, Some(1))
        };
        let set = draft(false, home(false, cart)).header(200, &shown).unwrap();
        assert!(set.contains("=v1.demo.tok~c1.20000~n5.0.20000;"), "{set}");
        // The entry answered two home pages since: pending 2, shown 7.
        let pending = Hints {
            home: Some(HomeHint {
                visits: 7,
                pending: 2,
                day: 20_000,
            }),
            ..home(false, cart)
        };
        // Another page from the object, which stored the count: dropped.
        let counted = ObjectReport {
            home_counted: true,
            ..report(false, false, Some(1))
        };
        let set = draft(false, pending.clone()).header(200, &counted).unwrap();
        assert!(set.contains("=v1.demo.tok~c1.20000;"), "{set}");
        // Not stored (a failure): kept, so nothing is lost.
        let kept = draft(false, pending.clone()).header(500, &report(false, false, Some(1)));
        assert_eq!(kept, None, "nothing changes");
        // A home page again without history: the count it showed, nothing pending.
        let again = ObjectReport {
            visits_shown: Some(8),
            ..counted
        };
        let set = draft(false, pending).header(200, &again).unwrap();
        assert!(set.contains("~n8.0.20000;"), "{set}");
        // Nothing pending and another answer: dropped.
        let settled = Hints {
            home: Some(HomeHint::counted(5, NOW)),
            ..home(false, cart)
        };
        let set = (draft(false, settled).header(200, &report(false, false, Some(1)))).unwrap();
        assert!(!set.contains("~n"), "{set}");
        // A new shopper's first home page is unrecorded: no count.
        let set = draft(true, Hints::default()).header(200, &shown).unwrap();
        assert!(!set.contains("~n"), "{set}");
    }
}
