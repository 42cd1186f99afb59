//! Writes as values: which statements to run with which bindings, decided by pure functions
//! here and executed by the shell (`crates/worker/src/sql.rs`), in one transaction when a
//! plan has several. Rows whose JSON columns parse themselves ([`Lenient`], [`ParsedCell`]); a table's
//! JSON column read whole is `transfer::parse_texts`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// A value bound to a statement's `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

/// A timestamp or a counter (past `i64::MAX`: `i64::MAX`).
impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Int(i64::from(b))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One statement to run and its bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub sql: &'static str,
    pub args: Vec<Value>,
}

impl Write {
    pub fn new(sql: &'static str, args: Vec<Value>) -> Self {
        Write { sql, args }
    }
}

/// `value` as the JSON text a column stores.
pub fn json_text(value: &impl serde::Serialize) -> Result<String, serde_json::Error> {
    serde_json::to_string(value)
}

/// Each item as `(its key, its JSON text)`, in order: the rows of a keyed table.
pub fn keyed<T: serde::Serialize>(
    items: &[T],
    key: impl Fn(&T) -> &str,
) -> Result<Vec<(String, String)>, serde_json::Error> {
    items
        .iter()
        .map(|item| Ok((key(item).to_owned(), json_text(item)?)))
        .collect()
}

/// A row whose `json` column holds a `T` as JSON text; unreadable JSON reads as `None` (for
/// values whose loss only resets them, e.g. a counter).
#[derive(Debug, Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub struct Lenient<T> {
    #[serde(deserialize_with = "parse_text_or_none")]
    pub json: Option<T>,
}

/// A one-row table's `json` column: NULL (`None`) or a `T` as JSON text, parsed on read
/// (unreadable JSON is an error).
#[derive(Debug, Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub struct ParsedCell<T> {
    #[serde(deserialize_with = "parse_text_if_any")]
    pub json: Option<T>,
}

fn parse_text_if_any<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(text) => serde_json::from_str(&text).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

pub(crate) fn parse_text_or_none<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let text = String::deserialize(d)?;
    Ok(serde_json::from_str(&text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_from_rust_types() {
        assert_eq!(Value::from("a"), Value::Text("a".into()));
        assert_eq!(Value::from(7_u64), Value::Int(7));
        assert_eq!(Value::from(u64::MAX), Value::Int(i64::MAX));
        assert_eq!(Value::from(true), Value::Int(1));
        assert_eq!(Value::from(None::<u64>), Value::Null);
        assert_eq!(Value::from(Some(3_u64)), Value::Int(3));
    }

    #[test]
    fn keyed_rows_keep_order_and_key() {
        let items = vec![("b", 1), ("a", 2)];
        let rows = keyed(&items, |i| i.0).unwrap();
        assert_eq!(
            rows,
            vec![
                ("b".into(), "[\"b\",1]".into()),
                ("a".into(), "[\"a\",2]".into())
            ]
        );
        assert!(
            keyed(&Vec::<(&str, u8)>::new(), |i| i.0)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn event_rows_keep_their_time_when_the_event_is_unreadable() {
        use crate::shopper::EventRow;
        let row: EventRow<u32> = serde_json::from_value(json!({"json": "x", "at_ms": 3})).unwrap();
        assert_eq!((row.json, row.at_ms), (None, 3));
        let row: EventRow<u32> = serde_json::from_value(json!({"json": "4", "at_ms": 5})).unwrap();
        assert_eq!((row.json, row.at_ms), (Some(4), 5));
    }

    #[test]
    fn a_cell_is_none_when_null_its_value_when_readable_and_an_error_otherwise() {
        let null: ParsedCell<u32> = serde_json::from_value(json!({"json": null})).unwrap();
        assert_eq!(null.json, None);
        let set: ParsedCell<Vec<u32>> = serde_json::from_value(json!({"json": "[1]"})).unwrap();
        assert_eq!(set.json, Some(vec![1]));
        assert!(serde_json::from_value::<ParsedCell<u32>>(json!({"json": "five"})).is_err());
        assert!(serde_json::from_value::<ParsedCell<u32>>(json!({"json": 5})).is_err());
    }

    #[test]
    fn lenient_rows_read_unreadable_json_as_none() {
        let good: Lenient<u32> = serde_json::from_value(json!({"json": "5"})).unwrap();
        assert_eq!(good.json, Some(5));
        let bad: Lenient<u32> = serde_json::from_value(json!({"json": "five"})).unwrap();
        assert_eq!(bad.json, None);
    }
}
