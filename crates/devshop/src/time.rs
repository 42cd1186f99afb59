//! UTC timestamps as Shopify prints them (`2024-03-05T12:34:56Z`), from and to Unix seconds.
//! No time zone database and no chrono: the catalog only needs UTC.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Unix seconds for a UTC calendar date at midnight.
pub fn ymd(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, month, day) * 86_400
}

/// `2024-03-05T12:34:56Z`.
pub fn format_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or `±HH:MM`, into Unix seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = ymd(year, month, day);
    if let Some(rest) = rest {
        let (clock, offset) = split_offset(rest)?;
        let mut fields = clock.split(':');
        let h: i64 = fields.next()?.parse().ok()?;
        let mi: i64 = fields.next()?.parse().ok()?;
        let s: i64 = match fields.next() {
            Some(s) => s.split('.').next()?.parse().ok()?,
            None => 0,
        };
        if fields.next().is_some() || h > 23 || mi > 59 || s > 60 {
            return None;
        }
        secs += h * 3600 + mi * 60 + s - offset;
    }
    Some(secs)
}

/// Splits `12:00:00Z` / `12:00:00+02:00` into the clock and the offset in seconds.
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(i) = rest.rfind(['+', '-']) {
        let sign = if rest[i..].starts_with('-') { -1 } else { 1 };
        let mut hm = rest[i + 1..].split(':');
        let h: i64 = hm.next()?.parse().ok()?;
        let m: i64 = hm.next().unwrap_or("0").parse().ok()?;
        return Some((&rest[..i], sign * (h * 3600 + m * 60)));
    }
    Some((rest, 0))
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
