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
}
