//! Shopify's custom scalars, all serialized as strings: `DateTime`, `Decimal`, `HTML`, `URL`.
//! Declared with Shopify's exact names so documents that declare variables of these types
//! validate. Input values are accepted as strings and passed through unchanged.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

macro_rules! string_scalar {
    ($(#[$doc:meta])* $rust:ident, $name:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $rust(pub String);

        #[Scalar(name = $name)]
        impl ScalarType for $rust {
            fn parse(value: Value) -> InputValueResult<Self> {
                match value {
                    Value::String(s) => Ok($rust(s)),
                    other => Err(InputValueError::expected_type(other)),
                }
            }

            fn to_value(&self) -> Value {
                Value::String(self.0.clone())
            }
        }
    };
}

string_scalar!(
    /// An ISO-8601 encoded UTC date time string, e.g. "2019-09-07T15:50:00Z".
    DateTime,
    "DateTime"
);
string_scalar!(
    /// A signed decimal number serialized as a string, e.g. "29.99".
    Decimal,
    "Decimal"
);
string_scalar!(
    /// An HTML string.
    Html,
    "HTML"
);
string_scalar!(
    /// An RFC 3986 compliant URI string.
    Url,
    "URL"
);

impl DateTime {
    pub fn from_unix(secs: i64) -> Self {
        DateTime(crate::time::format_rfc3339(secs))
    }
}
