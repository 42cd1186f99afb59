//! Schema migrations, applied on read to a theme document (as JSON) one version at a time,
//! so a stored theme is never rejected or stripped because the model moved on.
//!
//! - v1 → v2: the palette's `primary`/`on_primary` became `accent`/`on_accent`, and `radius`
//!   went from a CSS length string (`"0.5rem"`, `"6px"`) to whole pixels (`8`, `6`).

use serde_json::{Map, Value};

/// Upgrades `doc` from `from` to the current version in place. Values a step cannot read are
/// left where they are, so validation reports them with their path instead of losing them.
pub(crate) fn upgrade(doc: &mut Map<String, Value>, from: u32) {
    if from < 2 {
        v1_to_v2(doc);
    }
    doc.insert(
        "schema_version".to_owned(),
        Value::from(crate::SCHEMA_VERSION),
    );
}

fn v1_to_v2(doc: &mut Map<String, Value>) {
    if let Some(Value::Object(colors)) = doc.get_mut("colors") {
        for (old, new) in [("primary", "accent"), ("on_primary", "on_accent")] {
            if !colors.contains_key(new)
                && let Some(value) = colors.remove(old)
            {
                colors.insert(new.to_owned(), value);
            }
        }
    }
    if let Some(Value::String(length)) = doc.get("radius")
        && let Some(px) = length_to_px(length)
    {
        doc.insert("radius".to_owned(), Value::from(px));
    }
}

/// `"0.5rem"` → 8, `"6px"` → 6, `"0"` → 0 (v1 allowed rem and px, 16 px to the rem).
fn length_to_px(length: &str) -> Option<u64> {
    let length = length.trim();
    let (number, factor) = if let Some(n) = length.strip_suffix("rem") {
        (n, 16.0)
    } else if let Some(n) = length.strip_suffix("px") {
        (n, 1.0)
    } else {
        (length, 1.0)
    };
    let value: f64 = number.trim().parse().ok()?;
    let px = (value * factor).round();
    (px.is_finite() && (0.0..=255.0).contains(&px)).then_some(px as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(length_to_px("0.5rem"), Some(8));
        assert_eq!(length_to_px("6px"), Some(6));
        assert_eq!(length_to_px("0"), Some(0));
        assert_eq!(length_to_px("1e9rem"), None);
        assert_eq!(length_to_px("calc(1px)"), None);
        assert_eq!(length_to_px("-2px"), None);
    }
}
