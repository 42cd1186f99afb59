//! UTC timestamps as Shopify prints them (`2024-03-05T12:34:56Z`), from and to Unix seconds,
//! through the `time` crate.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime};

/// Unix seconds for a UTC calendar date at midnight (0 for a date that does not exist).
pub fn ymd(year: i32, month: u8, day: u8) -> i64 {
    Month::try_from(month)
        .and_then(|m| Date::from_calendar_date(year, m, day))
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(0)
}

/// `2024-03-05T12:34:56Z`.
pub fn format_rfc3339(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Parses an RFC 3339 timestamp or a bare `YYYY-MM-DD` (midnight UTC) into Unix seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for secs in [0, 86_399, 951_782_400, 1_767_225_600, 1_798_761_599] {
            assert_eq!(parse_timestamp(&format_rfc3339(secs)), Some(secs));
        }
        assert_eq!(format_rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(ymd(2026, 1, 1), 1_767_225_600);
        assert_eq!(ymd(2023, 2, 29), 0, "no such day");
    }

    #[test]
    fn parses_dates_and_offsets() {
        assert_eq!(parse_timestamp("2026-01-01"), Some(1_767_225_600));
        assert_eq!(
            parse_timestamp("2026-01-01T02:00:00+02:00"),
            Some(1_767_225_600)
        );
        assert_eq!(parse_timestamp("2026-13-01"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
