//! What a shopper did (viewed a product, added or removed a cart line), kept by their
//! object for personalization, and the rules read from it.

use serde::{Deserialize, Serialize};

/// Something the shopper did that personalization learns from; the shell stores it (with the
/// time) in SQLite. JSON: `{"kind":"added","variant_id":"…","handle":"mug","quantity":2}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShopperEvent {
    /// A product page was viewed.
    #[serde(rename = "product_viewed")]
    Viewed {
        handle: String,
    },
    Added {
        variant_id: String,
        handle: String,
        quantity: u32,
    },
    Removed {
        variant_id: String,
        handle: String,
    },
    /// The shopper went to checkout with this product in the cart (purchase intent).
    CheckoutStarted {
        handle: String,
    },
}

impl ShopperEvent {
    /// The `kind` tag, for an indexed SQL column.
    pub fn kind(&self) -> &'static str {
        match self {
            ShopperEvent::Viewed { .. } => "product_viewed",
            ShopperEvent::Added { .. } => "added",
            ShopperEvent::Removed { .. } => "removed",
            ShopperEvent::CheckoutStarted { .. } => "checkout_started",
        }
    }

    /// The product the event is about.
    pub fn handle(&self) -> &str {
        match self {
            ShopperEvent::Viewed { handle }
            | ShopperEvent::Added { handle, .. }
            | ShopperEvent::Removed { handle, .. }
            | ShopperEvent::CheckoutStarted { handle } => handle,
        }
    }
}

/// Products the shopper looked at or added lately, most recent first, once each, at most
/// `n`. `newest_first` are the stored events, newest first; removals say nothing about taste.
pub fn recent_products(
    newest_first: impl IntoIterator<Item = ShopperEvent>,
    n: usize,
) -> Vec<String> {
    let mut handles: Vec<String> = Vec::new();
    for event in newest_first {
        if handles.len() >= n {
            break;
        }
        let handle = match event {
            ShopperEvent::Viewed { handle }
            | ShopperEvent::Added { handle, .. }
            | ShopperEvent::CheckoutStarted { handle } => handle,
            ShopperEvent::Removed { .. } => continue,
        };
        if !handles.contains(&handle) {
            handles.push(handle);
        }
    }
    handles
}

/// Purchase intent, personalization's strongest signal: one event per product the shopper
/// went to checkout with (a product in several lines counts once), in cart order.
pub fn checkout_started(lines: &[crate::cart::CartLine]) -> Vec<ShopperEvent> {
    let mut handles: Vec<&str> = Vec::new();
    for line in lines {
        if !handles.contains(&line.product_handle.as_str()) {
            handles.push(&line.product_handle);
        }
    }
    (handles.into_iter())
        .map(|h| ShopperEvent::CheckoutStarted { handle: h.into() })
        .collect()
}

/// The product views a cookie carried (`cookie_hints::PendingView`) as the events to record,
/// given the `newest` stored ones (oldest first, with their times in ms) and the clock: a view
/// already stored (the same product at the same time, as sent or as stored: the cookie was
/// sent again before the browser heard its views were taken) is skipped; a time from the future (a forged hint, or
/// another machine's clock) is brought back to `now_ms`, and one older than the newest stored
/// event up to its time, so the history stays in order.
pub fn pending_views(
    pending: &[crate::cookie_hints::PendingView],
    newest: &[(ShopperEvent, u64)],
    now_ms: u64,
) -> Vec<(ShopperEvent, u64)> {
    let floor = newest.last().map_or(0, |(_, at)| *at).min(now_ms);
    let stored = |handle: &str, at: u64| {
        newest.iter().any(|(e, t)| {
            *t == at && matches!(e, ShopperEvent::Viewed { handle: h } if h == handle)
        })
    };
    let mut events = Vec::new();
    for v in pending {
        let sent = v.at_s.saturating_mul(1000);
        let at = sent.clamp(floor, now_ms);
        if !stored(&v.handle, sent) && !stored(&v.handle, at) {
            let handle = v.handle.clone();
            events.push((ShopperEvent::Viewed { handle }, at));
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    const MUG: &str = "gid://shopify/ProductVariant/1";

    #[test]
    fn events_have_a_stable_json_shape() {
        let table: &[(ShopperEvent, &str)] = &[
            (
                ShopperEvent::Viewed {
                    handle: "mug".into(),
                },
                r#"{"kind":"product_viewed","handle":"mug"}"#,
            ),
            (
                ShopperEvent::Added {
                    variant_id: MUG.into(),
                    handle: "mug".into(),
                    quantity: 2,
                },
                r#"{"kind":"added","variant_id":"gid://shopify/ProductVariant/1","handle":"mug","quantity":2}"#,
            ),
            (
                ShopperEvent::Removed {
                    variant_id: MUG.into(),
                    handle: "mug".into(),
                },
                r#"{"kind":"removed","variant_id":"gid://shopify/ProductVariant/1","handle":"mug"}"#,
            ),
            (
                ShopperEvent::CheckoutStarted {
                    handle: "mug".into(),
                },
                r#"{"kind":"checkout_started","handle":"mug"}"#,
            ),
        ];
        for (event, json) in table {
            assert_eq!(serde_json::to_string(event).unwrap(), *json);
            assert_eq!(serde_json::from_str::<ShopperEvent>(json).unwrap(), *event);
            assert!(json.contains(&format!("\"kind\":\"{}\"", event.kind())));
            assert_eq!(event.handle(), "mug");
        }
        assert!(serde_json::from_str::<ShopperEvent>(r#"{"kind":"bought","handle":"x"}"#).is_err());
    }

    #[test]
    fn checkout_records_each_product_once_in_cart_order() {
        let line = |variant: &str, handle: &str| crate::cart::CartLine {
            variant_id: variant.into(),
            product_handle: handle.into(),
            title: String::new(),
            quantity: 1,
            unit_price_when_added: crate::money::Money::new(100, crate::money::Currency::USD),
            added_at_ms: 0,
        };
        let lines = [line("1", "mug"), line("2", "hat"), line("3", "mug")];
        let started = |h: &str| ShopperEvent::CheckoutStarted { handle: h.into() };
        assert_eq!(
            checkout_started(&lines),
            vec![started("mug"), started("hat")]
        );
        assert!(checkout_started(&[]).is_empty());
    }

    fn viewed(h: &str) -> ShopperEvent {
        ShopperEvent::Viewed { handle: h.into() }
    }

    #[test]
    fn recent_products_are_newest_first_once_each_without_removals() {
        let events = vec![
            viewed("hat"),
            ShopperEvent::Removed {
                variant_id: MUG.into(),
                handle: "mug".into(),
            },
            ShopperEvent::Added {
                variant_id: MUG.into(),
                handle: "cap".into(),
                quantity: 1,
            },
            viewed("hat"),
            viewed("scarf"),
        ];
        assert_eq!(recent_products(events.clone(), 10), ["hat", "cap", "scarf"]);
        assert_eq!(recent_products(events, 2), ["hat", "cap"]);
        assert!(recent_products(Vec::new(), 3).is_empty());
        assert!(recent_products(vec![viewed("x")], 0).is_empty());
    }

    fn pending(handle: &str, at_s: u64) -> crate::cookie_hints::PendingView {
        crate::cookie_hints::PendingView {
            handle: handle.into(),
            at_s,
        }
    }

    #[test]
    fn pending_views_become_view_events_at_their_time() {
        let added = ShopperEvent::Added {
            variant_id: MUG.into(),
            handle: "mug".into(),
            quantity: 1,
        };
        let newest = [(added, 1_000_000)];
        let sent = [
            pending("hat", 1_001),
            pending("mug", 1_002),
            pending("hat", 1_003),
        ];
        assert_eq!(
            pending_views(&sent, &newest, 2_000_000),
            vec![
                (viewed("hat"), 1_001_000),
                (viewed("mug"), 1_002_000),
                (viewed("hat"), 1_003_000)
            ]
        );
        assert_eq!(pending_views(&[], &newest, 2_000_000), vec![]);
        assert_eq!(
            pending_views(&sent[..1], &[], 2_000_000),
            vec![(viewed("hat"), 1_001_000)],
            "no history yet"
        );
    }

    #[test]
    fn views_already_stored_are_not_stored_twice() {
        let newest = [(viewed("hat"), 1_001_000), (viewed("mug"), 1_002_000)];
        let sent = [
            pending("hat", 1_001),
            pending("mug", 1_002),
            pending("cap", 1_003),
        ];
        assert_eq!(
            pending_views(&sent, &newest, 2_000_000),
            vec![(viewed("cap"), 1_003_000)],
            "a replayed cookie"
        );
        // A view stored at the history's newest time (it was older) is recognized too.
        let newest = [(viewed("hat"), 5_000_000)];
        assert_eq!(
            pending_views(&[pending("hat", 4_000)], &newest, 9_000_000),
            vec![]
        );
    }

    #[test]
    fn forged_or_skewed_times_keep_the_history_in_order() {
        let newest = [(viewed("old"), 5_000_000)];
        let sent = [pending("past", 0), pending("future", u64::MAX)];
        assert_eq!(
            pending_views(&sent, &newest, 9_000_000),
            vec![(viewed("past"), 5_000_000), (viewed("future"), 9_000_000)]
        );
        // A stored event from the object's own future (its clock moved back) bounds nothing.
        let ahead = [(viewed("old"), 20_000_000)];
        assert_eq!(
            pending_views(&[pending("hat", 1)], &ahead, 9_000_000),
            vec![(viewed("hat"), 9_000_000)]
        );
    }
}
