//! Exact money: integer minor units with an ISO 4217 currency.
//!
//! Amounts never pass through floating point. Shopify sends decimals as strings ("12.30",
//! "1200.0" for yen); [`Money::parse_decimal`] turns them into minor units exactly and refuses
//! anything it cannot represent exactly.
//!
//! Display follows one documented convention per currency (see [`Money`]'s `Display`), not the
//! shopper's locale: a store shows its prices one way everywhere.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// A validated ISO 4217 currency code (three ASCII capital letters) and its exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
}

/// Why a currency or an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Not three ASCII capital letters.
    InvalidCurrency(String),
    /// Not a plain decimal number (`-?digits(.digits)?`).
    InvalidAmount(String),
    /// More fraction digits than the currency has, and they are not all zeros.
    TooManyDecimals { amount: String, currency: Currency },
    /// The amount does not fit in `i64` minor units.
    Overflow,
    /// An operation mixed two currencies.
    CurrencyMismatch { left: Currency, right: Currency },
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::InvalidCurrency(c) => write!(
                f,
                "{c:?} is not an ISO 4217 currency code (three capital letters)"
            ),
            MoneyError::InvalidAmount(a) => write!(f, "{a:?} is not a decimal amount"),
            MoneyError::TooManyDecimals { amount, currency } => write!(
                f,
                "{amount:?} has more than {} decimals, too many for {currency}",
                currency.exponent()
            ),
            MoneyError::Overflow => f.write_str("the amount is too large"),
            MoneyError::CurrencyMismatch { left, right } => {
                write!(f, "cannot combine amounts in {left} and {right}")
            }
        }
    }
}

impl std::error::Error for MoneyError {}

impl Currency {
    pub const USD: Currency = Currency { code: *b"USD" };
    pub const EUR: Currency = Currency { code: *b"EUR" };
    pub const GBP: Currency = Currency { code: *b"GBP" };
    pub const CAD: Currency = Currency { code: *b"CAD" };
    pub const AUD: Currency = Currency { code: *b"AUD" };
    pub const JPY: Currency = Currency { code: *b"JPY" };
    pub const KRW: Currency = Currency { code: *b"KRW" };
    pub const KWD: Currency = Currency { code: *b"KWD" };
    pub const BHD: Currency = Currency { code: *b"BHD" };

    /// Accepts exactly three ASCII capital letters ("usd" and " USD" are refused).
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        match code.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => {
                Ok(Currency { code: [*a, *b, *c] })
            }
            _ => Err(MoneyError::InvalidCurrency(code.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        // Always ASCII capitals by construction.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of minor-unit digits: 0 for JPY/KRW, 3 for KWD/BHD, 2 otherwise (ISO 4217 for
    /// the currencies listed here; 2 is the default for every other valid code).
    pub fn exponent(&self) -> u32 {
        match &self.code {
            b"JPY" | b"KRW" | b"VND" | b"CLP" | b"ISK" | b"XAF" | b"XOF" | b"PYG" | b"UGX" => 0,
            b"KWD" | b"BHD" | b"OMR" | b"JOD" | b"TND" | b"LYD" | b"IQD" => 3,
            _ => 2,
        }
    }

    /// 10^exponent: minor units per major unit.
    pub fn minor_per_major(&self) -> i64 {
        10_i64.pow(self.exponent())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    /// Read from the text as it is (no `String` made for it: a catalog's load reads one per
    /// price, thousands of them).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Code;
        impl serde::de::Visitor<'_> for Code {
            type Value = Currency;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an ISO 4217 currency code")
            }
            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Currency, E> {
                Currency::parse(code).map_err(E::custom)
            }
        }
        d.deserialize_str(Code)
    }
}

/// An exact amount: `minor` units (cents, yen, fils) of `currency`.
///
/// Equality compares currency and amount; ordering is only defined within one currency
/// (`partial_cmp` returns `None` across currencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Longest decimal string accepted; far beyond any real price, short enough to refuse junk.
const MAX_DECIMAL_LEN: usize = 40;

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// Parses a Shopify `Decimal` ("12.3", "12.30", "0.5", "1200", "-4.50", "1200.0" for JPY).
    ///
    /// Accepted: an optional `-`, one or more digits, then optionally `.` and one or more
    /// digits. Fraction digits beyond the currency's exponent are accepted only if they are
    /// zeros (the value stays exact). Refused: empty, `+`, spaces, `1e3`, `.5`, `5.`,
    /// thousands separators, and anything that overflows `i64` minor units.
    pub fn parse_decimal(raw: &str, currency: Currency) -> Result<Money, MoneyError> {
        let invalid = || MoneyError::InvalidAmount(raw.to_owned());
        if raw.is_empty() || raw.len() > MAX_DECIMAL_LEN {
            return Err(invalid());
        }
        let (negative, unsigned) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (unsigned, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(invalid());
        }
        let exp = currency.exponent() as usize;
        let frac = frac_part.unwrap_or("");
        let (kept, dropped) = frac.split_at(frac.len().min(exp));
        if dropped.bytes().any(|b| b != b'0') {
            return Err(MoneyError::TooManyDecimals {
                amount: raw.to_owned(),
                currency,
            });
        }
        let mut minor: i64 = 0;
        let padding = exp - kept.len();
        for b in int_part
            .bytes()
            .chain(kept.bytes())
            .chain(std::iter::repeat_n(b'0', padding))
        {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(b - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        Ok(Money {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    /// Parses an amount and a currency code together, as Shopify's `MoneyV2` carries them.
    pub fn parse(amount: &str, currency_code: &str) -> Result<Money, MoneyError> {
        Money::parse_decimal(amount, Currency::parse(currency_code)?)
    }

    /// The amount as a plain decimal string with exactly the currency's decimals ("12.30",
    /// "1235", "-0.050"): what Shopify and JSON-LD expect.
    pub fn to_decimal_string(&self) -> String {
        let exp = self.currency.exponent() as usize;
        let sign = if self.minor < 0 { "-" } else { "" };
        let digits = self.minor.unsigned_abs().to_string();
        if exp == 0 {
            return format!("{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = exp + 1);
        let (int_part, frac) = padded.split_at(padded.len() - exp);
        format!("{sign}{int_part}.{frac}")
    }

    /// Same-currency addition; `Err` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Same-currency subtraction; `Err` on a currency mismatch or overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Unit price times a quantity; `Err(Overflow)` if it does not fit.
    pub fn checked_mul(self, quantity: u32) -> Result<Money, MoneyError> {
        let minor = self
            .minor
            .checked_mul(i64::from(quantity))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Sums amounts that must all be in `currency` (an empty list is zero).
    pub fn checked_sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        amounts: I,
    ) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

/// How one currency is written for display.
struct Style {
    prefix: &'static str,
    suffix: &'static str,
    group: char,
    decimal: char,
}

/// No-break space: keeps "1.234,50 €" and "12.50 CHF" on one line in HTML.
const NBSP: &str = "\u{a0}";

fn style(currency: Currency) -> Style {
    let en = |prefix| Style {
        prefix,
        suffix: "",
        group: ',',
        decimal: '.',
    };
    match currency.as_str() {
        "USD" => en("$"),
        "CAD" => en("CA$"),
        "AUD" => en("A$"),
        "GBP" => en("£"),
        "JPY" => en("¥"),
        "KRW" => en("₩"),
        // Continental convention (de-DE): "1.234,50 €".
        "EUR" => Style {
            prefix: "",
            suffix: "\u{a0}€",
            group: '.',
            decimal: ',',
        },
        _ => en(""),
    }
}

/// Display convention, one per currency (a no-break space U+00A0 where a space appears):
///
/// | currency | example |
/// |---|---|
/// | USD | `$1,234.50` |
/// | CAD | `CA$1,234.50` |
/// | AUD | `A$1,234.50` |
/// | GBP | `£1,234.50` |
/// | EUR | `1.234,50 €` |
/// | JPY | `¥1,235` |
/// | KRW | `₩1,235` |
/// | others | `1,234.50 CHF`, `1,234.500 KWD` |
///
/// Negative amounts put the minus sign first: `-$5.00`, `-1,00 €`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = style(self.currency);
        let exp = self.currency.exponent();
        let abs = self.minor.unsigned_abs();
        let per_major = 10_u64.pow(exp);
        let major = (abs / per_major).to_string();
        let mut grouped = String::with_capacity(major.len() + major.len() / 3);
        for (i, ch) in major.chars().enumerate() {
            if i > 0 && (major.len() - i).is_multiple_of(3) {
                grouped.push(st.group);
            }
            grouped.push(ch);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        write!(f, "{sign}{}{grouped}", st.prefix)?;
        if exp > 0 {
            let frac = abs % per_major;
            write!(f, "{}{frac:0width$}", st.decimal, width = exp as usize)?;
        }
        if !st.suffix.is_empty() {
            f.write_str(st.suffix)?;
        } else if st.prefix.is_empty() {
            write!(f, "{NBSP}{}", self.currency)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn currency_codes_are_three_capitals() {
        for ok in ["USD", "EUR", "XYZ"] {
            assert_eq!(Currency::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["usd", "US", "USDD", "", " USD", "U$D", "ÜSD"] {
            assert_eq!(
                Currency::parse(bad),
                Err(MoneyError::InvalidCurrency(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn exponents() {
        let table = [
            ("USD", 2),
            ("EUR", 2),
            ("GBP", 2),
            ("CAD", 2),
            ("AUD", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("CHF", 2),
            ("XYZ", 2),
        ];
        for (code, exp) in table {
            assert_eq!(c(code).exponent(), exp, "{code}");
            assert_eq!(c(code).minor_per_major(), 10_i64.pow(exp), "{code}");
        }
    }

    #[test]
    fn parse_decimal_table() {
        let ok: &[(&str, &str, i64)] = &[
            ("12.3", "USD", 1230),
            ("12.30", "USD", 1230),
            ("0.5", "USD", 50),
            ("1200", "USD", 120_000),
            ("0", "USD", 0),
            ("0.00", "EUR", 0),
            ("-0.00", "EUR", 0),
            ("-4.50", "USD", -450),
            ("007.05", "USD", 705),
            ("12.300", "USD", 1230),
            ("1200", "JPY", 1200),
            ("1200.0", "JPY", 1200),
            ("1.234", "KWD", 1234),
            ("1.2", "BHD", 1200),
            ("92233720368547758.07", "USD", i64::MAX),
            ("-92233720368547758.07", "USD", -i64::MAX),
        ];
        for (raw, code, minor) in ok {
            assert_eq!(
                Money::parse_decimal(raw, c(code)),
                Ok(Money::new(*minor, c(code))),
                "{raw} {code}"
            );
        }
    }

    #[test]
    fn parse_decimal_refusals() {
        let invalid = [
            "", "-", ".5", "5.", "1.2.3", "+1", " 1", "1 ", "1,000.00", "1e3", "abc", "12.3x",
            "--1", "NaN", "١٢",
        ];
        for raw in invalid {
            assert_eq!(
                Money::parse_decimal(raw, Currency::USD),
                Err(MoneyError::InvalidAmount(raw.to_owned())),
                "{raw:?}"
            );
        }
        assert!(matches!(
            Money::parse_decimal("12.345", Currency::USD),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Money::parse_decimal("1200.5", Currency::JPY),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert_eq!(
            Money::parse_decimal("92233720368547758.08", Currency::USD),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::parse_decimal("99999999999999999999", Currency::JPY),
            Err(MoneyError::Overflow)
        );
        let long = "1".repeat(MAX_DECIMAL_LEN + 1);
        assert!(matches!(
            Money::parse_decimal(&long, Currency::USD),
            Err(MoneyError::InvalidAmount(_))
        ));
    }

    #[test]
    fn parse_with_code() {
        assert_eq!(
            Money::parse("19.99", "GBP"),
            Ok(Money::new(1999, Currency::GBP))
        );
        assert!(matches!(
            Money::parse("19.99", "gbp"),
            Err(MoneyError::InvalidCurrency(_))
        ));
    }

    #[test]
    fn display_table() {
        let table: &[(i64, &str, &str)] = &[
            (123_450, "USD", "$1,234.50"),
            (1230, "USD", "$12.30"),
            (5, "USD", "$0.05"),
            (0, "USD", "$0.00"),
            (-500, "USD", "-$5.00"),
            (12_345_678_900, "USD", "$123,456,789.00"),
            (123_450, "CAD", "CA$1,234.50"),
            (123_450, "AUD", "A$1,234.50"),
            (123_450, "GBP", "£1,234.50"),
            (123_450, "EUR", "1.234,50\u{a0}€"),
            (1230, "EUR", "12,30\u{a0}€"),
            (-100, "EUR", "-1,00\u{a0}€"),
            (1235, "JPY", "¥1,235"),
            (1_000_000, "KRW", "₩1,000,000"),
            (1_234_500, "KWD", "1,234.500\u{a0}KWD"),
            (123_450, "XYZ", "1,234.50\u{a0}XYZ"),
            (i64::MIN, "USD", "-$92,233,720,368,547,758.08"),
        ];
        for (minor, code, shown) in table {
            assert_eq!(Money::new(*minor, c(code)).to_string(), *shown, "{code}");
        }
    }

    #[test]
    fn decimal_string_round_trips() {
        let table: &[(i64, &str, &str)] = &[
            (1230, "USD", "12.30"),
            (5, "USD", "0.05"),
            (-5, "USD", "-0.05"),
            (0, "USD", "0.00"),
            (1235, "JPY", "1235"),
            (50, "KWD", "0.050"),
        ];
        for (minor, code, text) in table {
            let m = Money::new(*minor, c(code));
            assert_eq!(m.to_decimal_string(), *text);
            assert_eq!(Money::parse_decimal(text, c(code)), Ok(m));
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let usd = |m| Money::new(m, Currency::USD);
        assert_eq!(usd(150).checked_add(usd(-50)), Ok(usd(100)));
        assert_eq!(usd(150).checked_sub(usd(200)), Ok(usd(-50)));
        assert_eq!(usd(1999).checked_mul(3), Ok(usd(5997)));
        assert_eq!(usd(1999).checked_mul(0), Ok(usd(0)));
        assert_eq!(usd(-250).checked_mul(2), Ok(usd(-500)));
        assert_eq!(usd(i64::MAX).checked_add(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_sub(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MAX / 2).checked_mul(3), Err(MoneyError::Overflow));
        assert_eq!(
            usd(1).checked_add(Money::new(1, Currency::EUR)),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::USD,
                right: Currency::EUR
            })
        );
        assert_eq!(
            Money::checked_sum(Currency::USD, [usd(1), usd(2), usd(3)]),
            Ok(usd(6))
        );
        assert_eq!(Money::checked_sum(Currency::USD, []), Ok(usd(0)));
        assert!(Money::checked_sum(Currency::USD, [usd(1), Money::new(1, Currency::JPY)]).is_err());
    }

    #[test]
    fn ordering_only_within_a_currency() {
        let a = Money::new(100, Currency::USD);
        let b = Money::new(200, Currency::USD);
        assert!(a < b);
        assert_eq!(a.partial_cmp(&Money::new(100, Currency::EUR)), None);
    }

    #[test]
    fn serde_shape_is_stable() {
        let m = Money::new(1230, Currency::USD);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"minor":1230,"currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"usd"}"#).is_err());
        // An escaped code is read like a plain one; anything but a string is refused.
        let escaped = serde_json::from_str::<Currency>(r#""\u0055SD""#);
        assert_eq!(escaped.ok(), Some(Currency::USD));
        for bad in ["12", "null", r#"["USD"]"#, r#""US""#, r#""USDX""#] {
            assert!(serde_json::from_str::<Currency>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_read_well() {
        let e = Money::parse_decimal("1.234", Currency::USD).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"1.234\" has more than 2 decimals, too many for USD"
        );
    }
}
