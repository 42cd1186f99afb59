//! Events for personalization.

use serde::{Deserialize, Serialize};

/// Something the shopper did that personalization learns from; the shell stores it (with the
/// time) in SQLite. JSON: `{"kind":"added","variant_id":"…","handle":"mug","quantity":2}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CartEvent {
    ProductViewed {
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
}

impl CartEvent {
    /// The `kind` tag, for an indexed SQL column.
    pub fn kind(&self) -> &'static str {
        match self {
            CartEvent::ProductViewed { .. } => "product_viewed",
            CartEvent::Added { .. } => "added",
            CartEvent::Removed { .. } => "removed",
        }
    }

    /// The product the event is about.
    pub fn handle(&self) -> &str {
        match self {
            CartEvent::ProductViewed { handle }
            | CartEvent::Added { handle, .. }
            | CartEvent::Removed { handle, .. } => handle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::test_support::MUG;

    #[test]
    fn events_have_a_stable_json_shape() {
        let table: &[(CartEvent, &str)] = &[
            (
                CartEvent::ProductViewed {
                    handle: "mug".into(),
                },
                r#"{"kind":"product_viewed","handle":"mug"}"#,
            ),
            (
                CartEvent::Added {
                    variant_id: MUG.into(),
                    handle: "mug".into(),
                    quantity: 2,
                },
                r#"{"kind":"added","variant_id":"gid://shopify/ProductVariant/1","handle":"mug","quantity":2}"#,
            ),
            (
                CartEvent::Removed {
                    variant_id: MUG.into(),
                    handle: "mug".into(),
                },
                r#"{"kind":"removed","variant_id":"gid://shopify/ProductVariant/1","handle":"mug"}"#,
            ),
        ];
        for (event, json) in table {
            assert_eq!(serde_json::to_string(event).unwrap(), *json);
            assert_eq!(serde_json::from_str::<CartEvent>(json).unwrap(), *event);
            assert!(json.contains(&format!("\"kind\":\"{}\"", event.kind())));
            assert_eq!(event.handle(), "mug");
        }
        assert!(serde_json::from_str::<CartEvent>(r#"{"kind":"bought","handle":"x"}"#).is_err());
    }
}
