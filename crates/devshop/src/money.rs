//! Exact money for the demo shops: integer minor units, never floats.
//! Both demo currencies (USD, EUR) have two decimal places.

/// The currencies the demo shops sell in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    Usd,
    Eur,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
        }
    }
}

/// Shopify's `Decimal` rendering of an amount in cents: `1250` → `"12.5"`, `1000` → `"10.0"`,
/// `2999` → `"29.99"`.
pub fn format_decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (units, frac) = (abs / 100, abs % 100);
    if frac % 10 == 0 {
        format!("{sign}{units}.{}", frac / 10)
    } else {
        format!("{sign}{units}.{frac:02}")
    }
}

/// Two fixed decimals for people: `1250` → `"12.50"`.
pub fn format_display(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Parses a decimal amount (`"12"`, `"12.5"`, `"12.50"`) into cents; more than two decimals,
/// signs other than a leading `-`, and anything else is `None`.
pub fn parse_decimal(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (units, frac) = match digits.split_once('.') {
        Some((u, f)) => (u, f),
        None => (digits, ""),
    };
    if units.is_empty() && frac.is_empty() {
        return None;
    }
    if !units.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
    {
        return None;
    }
    let units: i64 = if units.is_empty() {
        0
    } else {
        units.parse().ok()?
    };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let cents = units.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -cents } else { cents })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_shopify() {
        assert_eq!(format_decimal(1250), "12.5");
        assert_eq!(format_decimal(1000), "10.0");
        assert_eq!(format_decimal(2999), "29.99");
        assert_eq!(format_decimal(5), "0.05");
        assert_eq!(format_decimal(0), "0.0");
        assert_eq!(format_display(1250), "12.50");
    }

    #[test]
    fn parses_decimals() {
        assert_eq!(parse_decimal("12.5"), Some(1250));
        assert_eq!(parse_decimal("12"), Some(1200));
        assert_eq!(parse_decimal("0.05"), Some(5));
        assert_eq!(parse_decimal("-1.10"), Some(-110));
        assert_eq!(parse_decimal("1.234"), None);
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal("."), None);
    }
}
