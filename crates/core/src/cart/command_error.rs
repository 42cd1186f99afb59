//! Why a request is not a valid cart command: HTTP status, code, field and message.

use super::{MAX_QUANTITY, MAX_VARIANT_ID_LEN};
use std::fmt;

/// Why a request is not a valid cart command. Messages can be shown to the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// The body is not JSON, or not a JSON object.
    Malformed(String),
    MissingField(&'static str),
    /// A JSON key that is not `op`, `variant_id` or `quantity` (shortened for display).
    UnknownField(String),
    /// A form field given more than once.
    DuplicateField(&'static str),
    /// `op` names no operation (shortened for display).
    UnknownOp(String),
    QuantityNotANumber,
    QuantityZero,
    QuantityTooLarge,
    VariantIdEmpty,
    /// Length in bytes.
    VariantIdTooLong(usize),
    /// Not a string, or holds spaces, control or non-ASCII characters.
    VariantIdInvalid,
}

impl CommandError {
    /// 400 when the body cannot be read at all, 422 when a field is missing or invalid.
    pub fn status(&self) -> u16 {
        match self {
            CommandError::Malformed(_) => 400,
            _ => 422,
        }
    }

    /// A stable machine-readable code for `{"error":{"code"}}`.
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::Malformed(_) => "malformed_body",
            CommandError::MissingField(_) => "missing_field",
            CommandError::UnknownField(_) => "unknown_field",
            CommandError::DuplicateField(_) => "duplicate_field",
            CommandError::UnknownOp(_) => "unknown_op",
            CommandError::QuantityNotANumber => "quantity_not_a_number",
            CommandError::QuantityZero => "quantity_too_small",
            CommandError::QuantityTooLarge => "quantity_too_large",
            CommandError::VariantIdEmpty
            | CommandError::VariantIdTooLong(_)
            | CommandError::VariantIdInvalid => "invalid_variant_id",
        }
    }

    /// The field at fault, if there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            CommandError::Malformed(_) => None,
            CommandError::MissingField(f) | CommandError::DuplicateField(f) => Some(f),
            CommandError::UnknownField(f) => Some(f),
            CommandError::UnknownOp(_) => Some("op"),
            CommandError::QuantityNotANumber
            | CommandError::QuantityZero
            | CommandError::QuantityTooLarge => Some("quantity"),
            CommandError::VariantIdEmpty
            | CommandError::VariantIdTooLong(_)
            | CommandError::VariantIdInvalid => Some("variant_id"),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Malformed(why) => write!(f, "the cart request cannot be read: {why}"),
            CommandError::MissingField(field) => write!(f, "the field {field:?} is required"),
            CommandError::UnknownField(field) => write!(
                f,
                "unknown field {field:?}; a cart command has op, variant_id and quantity"
            ),
            CommandError::DuplicateField(field) => {
                write!(f, "the field {field:?} was sent more than once")
            }
            CommandError::UnknownOp(op) => write!(
                f,
                "{op:?} is not a cart operation; use add, set_quantity, remove or clear"
            ),
            CommandError::QuantityNotANumber => write!(
                f,
                "the quantity must be a whole number from 1 to {MAX_QUANTITY}"
            ),
            CommandError::QuantityZero => f.write_str(
                "the quantity must be at least 1; to take an item out of your cart, remove it",
            ),
            CommandError::QuantityTooLarge => {
                write!(f, "you can buy at most {MAX_QUANTITY} of one item")
            }
            CommandError::VariantIdEmpty => f.write_str("the variant id is empty"),
            CommandError::VariantIdTooLong(n) => write!(
                f,
                "the variant id has {n} characters; at most {MAX_VARIANT_ID_LEN} are allowed"
            ),
            CommandError::VariantIdInvalid => {
                f.write_str("the variant id must be text without spaces or control characters")
            }
        }
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_errors_have_codes_fields_and_messages() {
        let table: &[(CommandError, &str, Option<&str>, &str)] = &[
            (
                CommandError::MissingField("op"),
                "missing_field",
                Some("op"),
                "\"op\" is required",
            ),
            (
                CommandError::UnknownField("qty".into()),
                "unknown_field",
                Some("qty"),
                "\"qty\"",
            ),
            (
                CommandError::DuplicateField("op"),
                "duplicate_field",
                Some("op"),
                "more than once",
            ),
            (
                CommandError::UnknownOp("x".into()),
                "unknown_op",
                Some("op"),
                "add, set_quantity",
            ),
            (
                CommandError::QuantityNotANumber,
                "quantity_not_a_number",
                Some("quantity"),
                "whole number from 1 to 99",
            ),
            (
                CommandError::QuantityZero,
                "quantity_too_small",
                Some("quantity"),
                "remove it",
            ),
            (
                CommandError::QuantityTooLarge,
                "quantity_too_large",
                Some("quantity"),
                "at most 99",
            ),
            (
                CommandError::VariantIdEmpty,
                "invalid_variant_id",
                Some("variant_id"),
                "empty",
            ),
            (
                CommandError::VariantIdTooLong(300),
                "invalid_variant_id",
                Some("variant_id"),
                "300 characters",
            ),
            (
                CommandError::VariantIdInvalid,
                "invalid_variant_id",
                Some("variant_id"),
                "without spaces",
            ),
        ];
        for (err, code, field, text) in table {
            assert_eq!(err.code(), *code, "{err:?}");
            assert_eq!(err.field(), *field, "{err:?}");
            assert!(err.to_string().contains(text), "{err}");
            assert_eq!(err.status(), 422);
        }
    }
}
