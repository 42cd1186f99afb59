//! Repricing a cart against the catalog as it is now, and its subtotal.

use super::{CartLine, VariantLookup};
use crate::money::{Currency, Money, MoneyError};

/// A line checked against the catalog as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub line: CartLine,
    /// The current display name, or the stored one if the variant is gone.
    pub title: String,
    /// The current handle, or the stored one if the variant is gone.
    pub product_handle: String,
    /// The current unit price, or the stored one if the variant is gone.
    pub unit_price: Money,
    /// `unit_price × quantity`; `Err(Overflow)` only for absurd prices.
    pub line_total: Result<Money, MoneyError>,
    /// `(when added, now)` if the price differs from the one the shopper last saw.
    pub price_changed: Option<(Money, Money)>,
    /// Sold out or no longer in the catalog: shown, but not counted or sent to checkout.
    pub unavailable: bool,
}

/// Checks every line against the catalog's current prices and availability.
pub fn reprice(lines: &[CartLine], catalog: &impl VariantLookup) -> Vec<PricedLine> {
    lines
        .iter()
        .map(|line| match catalog.lookup_variant(&line.variant_id) {
            Some(info) => PricedLine {
                title: info.display_name(),
                product_handle: info.product_handle,
                unit_price: info.price,
                line_total: info.price.checked_mul(line.quantity),
                price_changed: (info.price != line.unit_price_when_added)
                    .then_some((line.unit_price_when_added, info.price)),
                unavailable: !info.available,
                line: line.clone(),
            },
            None => PricedLine {
                title: line.title.clone(),
                product_handle: line.product_handle.clone(),
                unit_price: line.unit_price_when_added,
                line_total: line.unit_price_when_added.checked_mul(line.quantity),
                price_changed: None,
                unavailable: true,
                line: line.clone(),
            },
        })
        .collect()
}

/// The exact sum of the lines that can be bought, in the store's `currency`. A line priced in
/// another currency is `Err(CurrencyMismatch)`, an overflow `Err(Overflow)`; never a panic.
pub fn subtotal(priced: &[PricedLine], currency: Currency) -> Result<Money, MoneyError> {
    priced
        .iter()
        .filter(|p| !p.unavailable)
        .try_fold(Money::zero(currency), |sum, p| {
            sum.checked_add(p.line_total.clone()?)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::VariantInfo;
    use crate::cart::test_support::{CAP, GONE, MUG, SOLD_OUT, catalog, info, line, usd};
    use std::collections::HashMap;

    #[test]
    fn reprice_reports_changes_and_availability() {
        let lines = vec![
            line(MUG, "mug", 2, usd(1000)),     // price went up to 15.00
            line(CAP, "cap", 1, usd(2500)),     // went down to 20.00
            line(SOLD_OUT, "tee", 3, usd(900)), // unchanged, sold out
            line(GONE, "vase", 1, usd(3000)),   // no longer in the catalog
        ];
        let priced = reprice(&lines, &catalog());
        let summary: Vec<_> = priced
            .iter()
            .map(|p| {
                (
                    p.title.as_str(),
                    p.unit_price,
                    p.line_total.clone(),
                    p.price_changed,
                    p.unavailable,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "Mug — Blue",
                    usd(1500),
                    Ok(usd(3000)),
                    Some((usd(1000), usd(1500))),
                    false
                ),
                (
                    "Cap",
                    usd(2000),
                    Ok(usd(2000)),
                    Some((usd(2500), usd(2000))),
                    false
                ),
                ("Tee — L", usd(900), Ok(usd(2700)), None, true),
                ("vase", usd(3000), Ok(usd(3000)), None, true),
            ]
        );
        assert_eq!(priced[3].product_handle, "vase");
        assert_eq!(priced[0].line, lines[0]);
        // Only what can be bought is counted: 30.00 + 20.00.
        assert_eq!(subtotal(&priced, Currency::USD), Ok(usd(5000)));
    }

    #[test]
    fn unchanged_prices_are_not_flagged() {
        let lines = vec![line(MUG, "mug", 1, usd(1500))];
        let priced = reprice(&lines, &catalog());
        assert_eq!(priced[0].price_changed, None);
        assert!(!priced[0].unavailable);
    }

    #[test]
    fn subtotals_are_exact_in_every_exponent() {
        let c = |code: &str| Currency::parse(code).unwrap();
        // (currency, [(unit minor, quantity)], expected minor)
        type Row<'a> = (&'a str, &'a [(i64, u32)], i64);
        let table: &[Row<'_>] = &[
            ("USD", &[], 0),
            ("USD", &[(10, 3)], 30), // 0.10 × 3 = 0.30, not 0.30000000000000004
            ("USD", &[(1999, 99), (1, 1)], 197_902),
            ("JPY", &[(1200, 2), (99, 1)], 2499),
            ("JPY", &[(1, 99)], 99),
            ("KWD", &[(1234, 3), (1, 99)], 3801), // 3.702 + 0.099 = 3.801 KWD
            ("BHD", &[(100, 1), (5, 2)], 110),
        ];
        for (code, items, expected) in table {
            let cur = c(code);
            let map: HashMap<String, VariantInfo> = items
                .iter()
                .enumerate()
                .map(|(i, &(minor, _))| {
                    let id = format!("v{i}");
                    (id.clone(), info(&id, "p", "P", "", Money::new(minor, cur)))
                })
                .collect();
            let lines: Vec<CartLine> = items
                .iter()
                .enumerate()
                .map(|(i, &(minor, q))| line(&format!("v{i}"), "p", q, Money::new(minor, cur)))
                .collect();
            let sum = subtotal(&reprice(&lines, &map), cur).unwrap();
            assert_eq!(sum, Money::new(*expected, cur), "{code}");
        }
        assert_eq!(
            Money::new(3801, c("KWD")).to_decimal_string(),
            "3.801",
            "three decimals survive"
        );
    }

    #[test]
    fn subtotal_refuses_mixed_currencies_and_overflow() {
        let mut map = catalog();
        map.insert(
            "eur".into(),
            info(
                "eur",
                "eu-mug",
                "Euro Mug",
                "",
                Money::new(500, Currency::EUR),
            ),
        );
        let lines = vec![
            line(MUG, "mug", 1, usd(1500)),
            line("eur", "eu-mug", 1, usd(500)),
        ];
        let priced = reprice(&lines, &map);
        assert_eq!(
            priced[1].price_changed,
            Some((usd(500), Money::new(500, Currency::EUR)))
        );
        assert_eq!(
            subtotal(&priced, Currency::USD),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::USD,
                right: Currency::EUR
            })
        );
        // The store's currency decides: a USD cart in a EUR store is an error too.
        assert!(matches!(
            subtotal(&priced[..1], Currency::EUR),
            Err(MoneyError::CurrencyMismatch { .. })
        ));
        // Unavailable lines are not counted, whatever their currency.
        let mut sold_out = priced.clone();
        sold_out[1].unavailable = true;
        assert_eq!(subtotal(&sold_out, Currency::USD), Ok(usd(1500)));

        map.insert("huge".into(), info("huge", "h", "H", "", usd(i64::MAX / 2)));
        let lines = vec![line("huge", "h", 3, usd(1))];
        let priced = reprice(&lines, &map);
        assert_eq!(priced[0].line_total, Err(MoneyError::Overflow));
        assert_eq!(subtotal(&priced, Currency::USD), Err(MoneyError::Overflow));
        let two = vec![line("huge", "h", 2, usd(1)), line("huge", "h", 2, usd(1))];
        assert_eq!(
            subtotal(&reprice(&two, &map), Currency::USD),
            Err(MoneyError::Overflow)
        );
    }
}
