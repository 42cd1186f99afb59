//! What a shopper asks the cart to do, and parsing it from HTML forms and JSON bodies.

use super::{CommandError, MAX_QUANTITY, MAX_VARIANT_ID_LEN};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A quantity a command may ask for: 1..=[`MAX_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Quantity(u32);

impl Quantity {
    pub const ONE: Quantity = Quantity(1);
    pub const MAX: Quantity = Quantity(MAX_QUANTITY);

    pub fn new(n: u32) -> Result<Quantity, CommandError> {
        Quantity::from_u64(u64::from(n))
    }

    /// Parses form text: ASCII digits (surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Quantity, CommandError> {
        let t = text.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CommandError::QuantityNotANumber);
        }
        // All digits, so the only way to fail is being too large for u64.
        t.parse::<u64>()
            .map_or(Err(CommandError::QuantityTooLarge), Quantity::from_u64)
    }

    fn from_u64(n: u64) -> Result<Quantity, CommandError> {
        match u32::try_from(n) {
            Ok(0) => Err(CommandError::QuantityZero),
            Ok(q) if q <= MAX_QUANTITY => Ok(Quantity(q)),
            _ => Err(CommandError::QuantityTooLarge),
        }
    }

    /// A JSON quantity must be a number (not a string) holding a whole number.
    fn from_json(v: &serde_json::Value) -> Result<Quantity, CommandError> {
        v.as_u64()
            .ok_or(CommandError::QuantityNotANumber)
            .and_then(Quantity::from_u64)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A variant id as a command carries it: 1..=[`MAX_VARIANT_ID_LEN`] bytes of visible ASCII
/// (no spaces or control characters), which every Shopify global id is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct VariantId(String);

impl VariantId {
    pub fn parse(raw: &str) -> Result<VariantId, CommandError> {
        if raw.is_empty() {
            Err(CommandError::VariantIdEmpty)
        } else if raw.len() > MAX_VARIANT_ID_LEN {
            Err(CommandError::VariantIdTooLong(raw.len()))
        } else if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            Err(CommandError::VariantIdInvalid)
        } else {
            Ok(VariantId(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VariantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a shopper asks the cart to do.
///
/// Wire shape, the same for HTML forms (`application/x-www-form-urlencoded` fields) and JSON
/// bodies (an object): `op` is `add`, `set_quantity`, `remove` or `clear`; `variant_id` is
/// required by all but `clear`; `quantity` (a JSON number, or digits in a form) by `add` and
/// `set_quantity`. A field an op does not use is ignored, so one cart-line form can carry
/// `quantity` and two submit buttons named `op` ("set_quantity" and "remove").
///
/// ```json
/// {"op":"add","variant_id":"gid://shopify/ProductVariant/44","quantity":2}
/// {"op":"set_quantity","variant_id":"gid://shopify/ProductVariant/44","quantity":5}
/// {"op":"remove","variant_id":"gid://shopify/ProductVariant/44"}
/// {"op":"clear"}
/// ```
///
/// JSON objects may hold no other keys (a typo such as `qty` is an error, not a silent
/// default); forms may (they carry `csrf_token` and the like).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum CartCommand {
    Add {
        variant_id: VariantId,
        quantity: Quantity,
    },
    SetQuantity {
        variant_id: VariantId,
        quantity: Quantity,
    },
    Remove {
        variant_id: VariantId,
    },
    Clear,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Add,
    SetQuantity,
    Remove,
    Clear,
}

impl Op {
    fn parse(raw: &str) -> Result<Op, CommandError> {
        match raw {
            "add" => Ok(Op::Add),
            "set_quantity" => Ok(Op::SetQuantity),
            "remove" => Ok(Op::Remove),
            "clear" => Ok(Op::Clear),
            other => Err(CommandError::UnknownOp(clip(other))),
        }
    }
}

/// A quantity as it arrived: form text or a JSON value.
enum RawQuantity<'a> {
    Text(&'a str),
    Json(&'a serde_json::Value),
}

/// Echoed input is shortened so a huge field name cannot bloat an error body.
fn clip(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s.to_owned(),
    }
}

impl CartCommand {
    pub fn add(variant_id: &str, quantity: u32) -> Result<CartCommand, CommandError> {
        Ok(CartCommand::Add {
            variant_id: VariantId::parse(variant_id)?,
            quantity: Quantity::new(quantity)?,
        })
    }

    pub fn set_quantity(variant_id: &str, quantity: u32) -> Result<CartCommand, CommandError> {
        Ok(CartCommand::SetQuantity {
            variant_id: VariantId::parse(variant_id)?,
            quantity: Quantity::new(quantity)?,
        })
    }

    pub fn remove(variant_id: &str) -> Result<CartCommand, CommandError> {
        Ok(CartCommand::Remove {
            variant_id: VariantId::parse(variant_id)?,
        })
    }

    /// The variant the shell must look up before calling [`apply`](super::apply) (none for
    /// `clear`).
    pub fn variant_id(&self) -> Option<&VariantId> {
        match self {
            CartCommand::Add { variant_id, .. }
            | CartCommand::SetQuantity { variant_id, .. }
            | CartCommand::Remove { variant_id } => Some(variant_id),
            CartCommand::Clear => None,
        }
    }

    /// The variant an `add` puts in the cart (counted for a followed recommendation).
    pub fn added_variant(&self) -> Option<&str> {
        match self {
            CartCommand::Add { variant_id, .. } => Some(variant_id.as_str()),
            _ => None,
        }
    }

    /// Parses decoded form fields. Fields other than `op`, `variant_id` and `quantity` are
    /// ignored; any of those three given twice is an error.
    pub fn from_form<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<CartCommand, CommandError> {
        let (mut op, mut variant_id, mut quantity) = (None, None, None);
        for (k, v) in pairs {
            let (slot, name) = match k {
                "op" => (&mut op, "op"),
                "variant_id" => (&mut variant_id, "variant_id"),
                "quantity" => (&mut quantity, "quantity"),
                _ => continue,
            };
            if slot.replace(v).is_some() {
                return Err(CommandError::DuplicateField(name));
            }
        }
        build(op, variant_id, quantity.map(RawQuantity::Text))
    }

    /// Parses a JSON body (see the type's documentation for the shape).
    pub fn from_json(body: &[u8]) -> Result<CartCommand, CommandError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| CommandError::Malformed(format!("not valid JSON ({e})")))?;
        CartCommand::from_json_value(&value)
    }

    /// Parses an already decoded JSON value. `null` counts as absent.
    pub fn from_json_value(value: &serde_json::Value) -> Result<CartCommand, CommandError> {
        let obj = value.as_object().ok_or_else(|| {
            CommandError::Malformed(
                "a cart command is a JSON object such as {\"op\":\"clear\"}".into(),
            )
        })?;
        let (mut op, mut variant_id, mut quantity) = (None, None, None);
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            match k.as_str() {
                "op" => {
                    let raw = v
                        .as_str()
                        .ok_or_else(|| CommandError::UnknownOp(clip(&v.to_string())))?;
                    op = Some(raw);
                }
                "variant_id" => {
                    variant_id = Some(v.as_str().ok_or(CommandError::VariantIdInvalid)?);
                }
                "quantity" => quantity = Some(RawQuantity::Json(v)),
                other => return Err(CommandError::UnknownField(clip(other))),
            }
        }
        build(op, variant_id, quantity)
    }
}

/// Checks the fields in a fixed order (op, variant_id, quantity), so the first problem a
/// shopper sees does not depend on field order.
fn build(
    op: Option<&str>,
    variant_id: Option<&str>,
    quantity: Option<RawQuantity<'_>>,
) -> Result<CartCommand, CommandError> {
    let op = Op::parse(op.ok_or(CommandError::MissingField("op"))?)?;
    let variant = || VariantId::parse(variant_id.ok_or(CommandError::MissingField("variant_id"))?);
    let quantity = || match quantity {
        None => Err(CommandError::MissingField("quantity")),
        Some(RawQuantity::Text(t)) => Quantity::parse(t),
        Some(RawQuantity::Json(v)) => Quantity::from_json(v),
    };
    Ok(match op {
        Op::Add => CartCommand::Add {
            variant_id: variant()?,
            quantity: quantity()?,
        },
        Op::SetQuantity => CartCommand::SetQuantity {
            variant_id: variant()?,
            quantity: quantity()?,
        },
        Op::Remove => CartCommand::Remove {
            variant_id: variant()?,
        },
        Op::Clear => CartCommand::Clear,
    })
}

/// Deserializes the JSON shape documented on [`CartCommand`], with the same checks and
/// messages as [`CartCommand::from_json`].
impl<'de> Deserialize<'de> for CartCommand {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        CartCommand::from_json_value(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::test_support::{CAP, MUG, cmd};

    #[test]
    fn quantity_bounds() {
        let table: &[(u32, Result<u32, CommandError>)] = &[
            (0, Err(CommandError::QuantityZero)),
            (1, Ok(1)),
            (2, Ok(2)),
            (99, Ok(99)),
            (100, Err(CommandError::QuantityTooLarge)),
            (u32::MAX, Err(CommandError::QuantityTooLarge)),
        ];
        for (n, expected) in table {
            assert_eq!(Quantity::new(*n).map(Quantity::get), *expected, "{n}");
        }
        assert_eq!(Quantity::ONE.get(), 1);
        assert_eq!(Quantity::MAX.get(), MAX_QUANTITY);
    }

    #[test]
    fn quantity_text_parsing() {
        let table: &[(&str, Result<u32, CommandError>)] = &[
            ("1", Ok(1)),
            ("99", Ok(99)),
            ("007", Ok(7)),
            (" 3 ", Ok(3)),
            ("0", Err(CommandError::QuantityZero)),
            ("000", Err(CommandError::QuantityZero)),
            ("100", Err(CommandError::QuantityTooLarge)),
            (
                "99999999999999999999999",
                Err(CommandError::QuantityTooLarge),
            ),
            ("", Err(CommandError::QuantityNotANumber)),
            ("   ", Err(CommandError::QuantityNotANumber)),
            ("two", Err(CommandError::QuantityNotANumber)),
            ("-1", Err(CommandError::QuantityNotANumber)),
            ("+1", Err(CommandError::QuantityNotANumber)),
            ("1.5", Err(CommandError::QuantityNotANumber)),
            ("1e1", Err(CommandError::QuantityNotANumber)),
            ("٣", Err(CommandError::QuantityNotANumber)),
        ];
        for (text, expected) in table {
            assert_eq!(
                Quantity::parse(text).map(Quantity::get),
                *expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn variant_id_validation() {
        assert_eq!(
            VariantId::parse(MUG).map(|v| v.to_string()),
            Ok(MUG.to_owned())
        );
        let longest = "x".repeat(MAX_VARIANT_ID_LEN);
        assert!(VariantId::parse(&longest).is_ok());
        let table: &[(&str, CommandError)] = &[
            ("", CommandError::VariantIdEmpty),
            (" ", CommandError::VariantIdInvalid),
            ("gid://x/ 1", CommandError::VariantIdInvalid),
            ("gid\n1", CommandError::VariantIdInvalid),
            ("gid\u{0}1", CommandError::VariantIdInvalid),
            ("gïd", CommandError::VariantIdInvalid),
        ];
        for (raw, err) in table {
            assert_eq!(VariantId::parse(raw), Err(err.clone()), "{raw:?}");
        }
        let too_long = "x".repeat(MAX_VARIANT_ID_LEN + 1);
        assert_eq!(
            VariantId::parse(&too_long),
            Err(CommandError::VariantIdTooLong(MAX_VARIANT_ID_LEN + 1))
        );
    }

    #[test]
    fn json_commands_parse() {
        let table: &[(&str, CartCommand)] = &[
            (
                r#"{"op":"add","variant_id":"gid://shopify/ProductVariant/1","quantity":2}"#,
                cmd(CartCommand::add(MUG, 2)),
            ),
            (
                r#"{"quantity":99,"variant_id":"gid://shopify/ProductVariant/1","op":"set_quantity"}"#,
                cmd(CartCommand::set_quantity(MUG, 99)),
            ),
            (
                r#"{"op":"remove","variant_id":"gid://shopify/ProductVariant/1","quantity":5}"#,
                cmd(CartCommand::remove(MUG)),
            ),
            (r#"{"op":"clear"}"#, CartCommand::Clear),
            (r#"{"op":"clear","variant_id":null}"#, CartCommand::Clear),
        ];
        for (json, expected) in table {
            assert_eq!(
                CartCommand::from_json(json.as_bytes()).as_ref(),
                Ok(expected),
                "{json}"
            );
            assert_eq!(
                serde_json::from_str::<CartCommand>(json).ok().as_ref(),
                Some(expected),
                "{json}"
            );
        }
    }

    #[test]
    fn json_command_errors_name_the_problem() {
        let table: &[(&str, CommandError)] = &[
            (
                r#"{"variant_id":"a","quantity":1}"#,
                CommandError::MissingField("op"),
            ),
            (r#"{"op":null}"#, CommandError::MissingField("op")),
            (
                r#"{"op":"add","quantity":1}"#,
                CommandError::MissingField("variant_id"),
            ),
            (
                r#"{"op":"add","variant_id":"a"}"#,
                CommandError::MissingField("quantity"),
            ),
            (
                r#"{"op":"set_quantity","variant_id":"a"}"#,
                CommandError::MissingField("quantity"),
            ),
            (
                r#"{"op":"remove"}"#,
                CommandError::MissingField("variant_id"),
            ),
            (
                r#"{"op":"add","variant_id":"a","qty":2}"#,
                CommandError::UnknownField("qty".into()),
            ),
            (r#"{"op":"buy"}"#, CommandError::UnknownOp("buy".into())),
            (r#"{"op":"ADD"}"#, CommandError::UnknownOp("ADD".into())),
            (r#"{"op":7}"#, CommandError::UnknownOp("7".into())),
            (
                r#"{"op":"add","variant_id":"a","quantity":"2"}"#,
                CommandError::QuantityNotANumber,
            ),
            (
                r#"{"op":"add","variant_id":"a","quantity":2.5}"#,
                CommandError::QuantityNotANumber,
            ),
            (
                r#"{"op":"add","variant_id":"a","quantity":-1}"#,
                CommandError::QuantityNotANumber,
            ),
            (
                r#"{"op":"add","variant_id":"a","quantity":true}"#,
                CommandError::QuantityNotANumber,
            ),
            (
                r#"{"op":"add","variant_id":"a","quantity":0}"#,
                CommandError::QuantityZero,
            ),
            (
                r#"{"op":"set_quantity","variant_id":"a","quantity":0}"#,
                CommandError::QuantityZero,
            ),
            (
                r#"{"op":"add","variant_id":"a","quantity":100}"#,
                CommandError::QuantityTooLarge,
            ),
            (
                r#"{"op":"add","variant_id":"a","quantity":18446744073709551615}"#,
                CommandError::QuantityTooLarge,
            ),
            (
                r#"{"op":"add","variant_id":"","quantity":1}"#,
                CommandError::VariantIdEmpty,
            ),
            (
                r#"{"op":"add","variant_id":5,"quantity":1}"#,
                CommandError::VariantIdInvalid,
            ),
            (
                r#"{"op":"remove","variant_id":"a b"}"#,
                CommandError::VariantIdInvalid,
            ),
            // The first problem in field order is reported, wherever it sits in the body.
            (
                r#"{"quantity":0,"op":"add","variant_id":""}"#,
                CommandError::VariantIdEmpty,
            ),
        ];
        for (json, err) in table {
            assert_eq!(
                CartCommand::from_json(json.as_bytes()),
                Err(err.clone()),
                "{json}"
            );
            assert_eq!(err.status(), 422, "{json}");
        }
        let long_id = format!(
            r#"{{"op":"remove","variant_id":"{}"}}"#,
            "x".repeat(MAX_VARIANT_ID_LEN + 1)
        );
        assert_eq!(
            CartCommand::from_json(long_id.as_bytes()),
            Err(CommandError::VariantIdTooLong(MAX_VARIANT_ID_LEN + 1))
        );
    }

    #[test]
    fn malformed_json_is_a_400() {
        for body in [
            "",
            "{",
            "not json",
            "[]",
            "\"add\"",
            "null",
            "{\"op\":\"add\",}",
        ] {
            let err = CartCommand::from_json(body.as_bytes()).unwrap_err();
            assert!(
                matches!(err, CommandError::Malformed(_)),
                "{body:?}: {err:?}"
            );
            assert_eq!(err.status(), 400);
            assert_eq!(err.code(), "malformed_body");
            assert_eq!(err.field(), None);
        }
        // serde's path reports the same message.
        let e =
            serde_json::from_str::<CartCommand>(r#"{"op":"add","variant_id":"a"}"#).unwrap_err();
        assert!(e.to_string().contains("\"quantity\" is required"), "{e}");
    }

    #[test]
    fn echoed_input_is_clipped() {
        let key = "k".repeat(10_000);
        let body = format!(r#"{{"op":"clear","{key}":1}}"#);
        let err = CartCommand::from_json(body.as_bytes()).unwrap_err();
        let CommandError::UnknownField(shown) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(shown.chars().count(), 65);
        assert!(err.to_string().len() < 200);
    }

    #[test]
    fn form_commands_parse() {
        let table: &[(&[(&str, &str)], CartCommand)] = &[
            (
                &[
                    ("csrf", "t"),
                    ("op", "add"),
                    ("variant_id", MUG),
                    ("quantity", "3"),
                ],
                cmd(CartCommand::add(MUG, 3)),
            ),
            (
                &[
                    ("variant_id", MUG),
                    ("quantity", "1"),
                    ("op", "set_quantity"),
                ],
                cmd(CartCommand::set_quantity(MUG, 1)),
            ),
            // A cart-line form sends its quantity field with the "remove" button too.
            (
                &[("variant_id", MUG), ("quantity", "4"), ("op", "remove")],
                cmd(CartCommand::remove(MUG)),
            ),
            (
                &[("op", "clear"), ("return_to", "/cart")],
                CartCommand::Clear,
            ),
        ];
        for (pairs, expected) in table {
            assert_eq!(
                CartCommand::from_form(pairs.iter().copied()).as_ref(),
                Ok(expected),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn form_command_errors_name_the_problem() {
        let table: &[(&[(&str, &str)], CommandError)] = &[
            (&[], CommandError::MissingField("op")),
            (
                &[("op", "add"), ("quantity", "1")],
                CommandError::MissingField("variant_id"),
            ),
            (
                &[("op", "add"), ("variant_id", MUG)],
                CommandError::MissingField("quantity"),
            ),
            (
                &[("op", "add"), ("variant_id", MUG), ("quantity", "")],
                CommandError::QuantityNotANumber,
            ),
            (
                &[("op", "add"), ("variant_id", MUG), ("quantity", "lots")],
                CommandError::QuantityNotANumber,
            ),
            (
                &[
                    ("op", "set_quantity"),
                    ("variant_id", MUG),
                    ("quantity", "0"),
                ],
                CommandError::QuantityZero,
            ),
            (
                &[("op", "add"), ("variant_id", MUG), ("quantity", "100")],
                CommandError::QuantityTooLarge,
            ),
            (
                &[("op", "add"), ("variant_id", ""), ("quantity", "1")],
                CommandError::VariantIdEmpty,
            ),
            (&[("op", "nope")], CommandError::UnknownOp("nope".into())),
            (&[("op", "")], CommandError::UnknownOp("".into())),
            (
                &[("op", "remove"), ("op", "clear"), ("variant_id", MUG)],
                CommandError::DuplicateField("op"),
            ),
            (
                &[("op", "remove"), ("variant_id", MUG), ("variant_id", CAP)],
                CommandError::DuplicateField("variant_id"),
            ),
            (
                &[
                    ("op", "add"),
                    ("variant_id", MUG),
                    ("quantity", "1"),
                    ("quantity", "9"),
                ],
                CommandError::DuplicateField("quantity"),
            ),
        ];
        for (pairs, err) in table {
            assert_eq!(
                CartCommand::from_form(pairs.iter().copied()),
                Err(err.clone()),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn commands_serialize_to_the_shape_they_parse_from() {
        for c in [
            cmd(CartCommand::add(MUG, 2)),
            cmd(CartCommand::set_quantity(CAP, 99)),
            cmd(CartCommand::remove(MUG)),
            CartCommand::Clear,
        ] {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(
                CartCommand::from_json(json.as_bytes()),
                Ok(c.clone()),
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&cmd(CartCommand::add(MUG, 2))).unwrap(),
            r#"{"op":"add","variant_id":"gid://shopify/ProductVariant/1","quantity":2}"#
        );
        assert_eq!(
            cmd(CartCommand::remove(MUG))
                .variant_id()
                .map(VariantId::as_str),
            Some(MUG)
        );
        assert_eq!(CartCommand::Clear.variant_id(), None);
    }
}
