//! The record's sealing, the typed-at-the-edge helpers and the cart rules of restored carts.

use crate::contents::{
    CartRuleError, SettingsBackup, ShopperCart, ThemeBackup, open_record, seal_record,
};
use crate::test_support::*;
use serde::{Deserialize, Serialize};
use wandstore_core::cart::MAX_LINES;

#[test]
fn a_sealed_record_keeps_every_field_but_the_token_in_clear() {
    let sealed = seal_record(&record("outlet"), &key(), [9; 24]).expect("seal");
    assert!(!sealed.record.contains_key("storefront_token"));
    assert_eq!(
        sealed.record["owner_token_hash"],
        record_json("owner_token_hash")
    );
    assert_eq!(sealed.record["slug"], "outlet");
    let back = open_record(&sealed, &key(), "outlet").expect("open");
    assert_eq!(back, record("outlet"));
    assert!(open_record(&sealed, &key(), "demo").is_err());
}

fn record_json(field: &str) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(&record("outlet").to_storage_json()).expect("json");
    v[field].clone()
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Pointer {
    published: u64,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Version {
    version: u64,
    r2_key: String,
}

#[test]
fn theme_and_settings_travel_as_json_and_come_back_typed() {
    let versions = vec![
        Version {
            version: 1,
            r2_key: "a".into(),
        },
        Version {
            version: 2,
            r2_key: "b".into(),
        },
    ];
    let theme = ThemeBackup::from_typed(Some(&Pointer { published: 2 }), &versions).expect("json");
    let (p, v): (Option<Pointer>, Vec<Version>) = theme.typed().expect("typed");
    assert_eq!(p, Some(Pointer { published: 2 }));
    assert_eq!(v, versions);
    // A shape the shell does not expect is an error, not a panic.
    assert!(theme.typed::<Version, Version>().is_err());

    let none = SettingsBackup::from_typed::<Pointer>(None).expect("null");
    assert_eq!(none.typed::<Pointer>().ok(), Some(None));
    let some = SettingsBackup::from_typed(Some(&Pointer { published: 1 })).expect("json");
    assert_eq!(
        some.typed::<Pointer>().ok(),
        Some(Some(Pointer { published: 1 }))
    );
}

#[test]
fn restored_carts_must_obey_the_cart_rules() {
    let ok = ShopperCart {
        shopper: shopper(1),
        lines: vec![line(1, 1), line(2, 99)],
    };
    assert_eq!(ok.check(), Ok(()));
    let empty = ShopperCart {
        shopper: shopper(1),
        lines: vec![],
    };
    assert_eq!(empty.check(), Err(CartRuleError::Empty));
    for q in [0, 100, u32::MAX] {
        let bad = ShopperCart {
            shopper: shopper(1),
            lines: vec![line(1, q)],
        };
        assert!(
            matches!(bad.check(), Err(CartRuleError::Quantity(_))),
            "{q}"
        );
    }
    let dup = ShopperCart {
        shopper: shopper(1),
        lines: vec![line(1, 1), line(1, 2)],
    };
    assert!(matches!(
        dup.check(),
        Err(CartRuleError::DuplicateVariant(_))
    ));
    let many = ShopperCart {
        shopper: shopper(1),
        lines: (0..=MAX_LINES as u32).map(|v| line(v, 1)).collect(),
    };
    assert_eq!(
        many.check(),
        Err(CartRuleError::TooManyLines(MAX_LINES + 1))
    );
}
