//! Applying a command to a cart: the rules, the write that results, and why a command fails.

use super::{
    CartCommand, CartLine, MAX_LINES, MAX_QUANTITY, ShopperEvent, VariantInfo, VariantLookup,
};
use std::fmt;

/// The one row-level write that turns the stored cart into [`CartChange::lines`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartWrite {
    /// The cart is unchanged; write nothing.
    Nothing,
    /// Insert the line, or replace the stored line with the same `variant_id`.
    Upsert(CartLine),
    Delete {
        variant_id: String,
    },
    DeleteAll,
}

/// What a command decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartChange {
    /// The cart after the command, in display order (new lines last).
    pub lines: Vec<CartLine>,
    pub write: CartWrite,
    /// What to record for personalization, if anything.
    pub event: Option<ShopperEvent>,
}

impl CartChange {
    fn unchanged(lines: &[CartLine]) -> CartChange {
        CartChange {
            lines: lines.to_vec(),
            write: CartWrite::Nothing,
            event: None,
        }
    }

    pub fn is_noop(&self) -> bool {
        self.write == CartWrite::Nothing
    }
}

/// Why a valid command cannot be carried out. Messages name the item and can be shown to the
/// shopper; `status()` is the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartError {
    /// The catalog does not know the variant being added.
    UnknownVariant { variant_id: String },
    /// Sold out, or (when increasing a line) no longer in the catalog.
    Unavailable { variant_id: String, title: String },
    /// The line would exceed [`MAX_QUANTITY`].
    QuantityLimit {
        variant_id: String,
        title: String,
        in_cart: u32,
        requested: u32,
    },
    /// A new line would exceed [`MAX_LINES`].
    CartFull { variant_id: String, title: String },
    /// `set_quantity` of a variant the cart does not hold.
    NotInCart { variant_id: String },
}

impl CartError {
    /// 404 for a line that is not in the cart, 422 for every other rule.
    pub fn status(&self) -> u16 {
        match self {
            CartError::NotInCart { .. } => 404,
            _ => 422,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            CartError::UnknownVariant { .. } => "unknown_variant",
            CartError::Unavailable { .. } => "unavailable",
            CartError::QuantityLimit { .. } => "quantity_limit",
            CartError::CartFull { .. } => "cart_full",
            CartError::NotInCart { .. } => "not_in_cart",
        }
    }

    pub fn variant_id(&self) -> &str {
        match self {
            CartError::UnknownVariant { variant_id }
            | CartError::Unavailable { variant_id, .. }
            | CartError::QuantityLimit { variant_id, .. }
            | CartError::CartFull { variant_id, .. }
            | CartError::NotInCart { variant_id } => variant_id,
        }
    }
}

impl fmt::Display for CartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CartError::UnknownVariant { variant_id } => write!(
                f,
                "we could not find the item you tried to add (variant {variant_id}); \
                 it may no longer be sold here"
            ),
            CartError::Unavailable { title, .. } => {
                write!(f, "{title} is sold out or no longer available")
            }
            CartError::QuantityLimit {
                title,
                in_cart,
                requested,
                ..
            } => {
                write!(f, "you can buy at most {MAX_QUANTITY} of {title}")?;
                if *in_cart > 0 {
                    write!(
                        f,
                        "; your cart already has {in_cart}, so {requested} more would be too many"
                    )?;
                }
                Ok(())
            }
            CartError::CartFull { title, .. } => write!(
                f,
                "your cart can hold at most {MAX_LINES} different items; remove one to add {title}"
            ),
            CartError::NotInCart { variant_id } => write!(
                f,
                "that item (variant {variant_id}) is not in your cart; it may have been removed"
            ),
        }
    }
}

impl std::error::Error for CartError {}

/// Decides what `cmd` does to a cart holding `lines`. Pure: the shell writes the result.
pub fn apply(
    lines: &[CartLine],
    cmd: &CartCommand,
    catalog: &impl VariantLookup,
    now_ms: u64,
) -> Result<CartChange, CartError> {
    match cmd {
        CartCommand::Add {
            variant_id,
            quantity,
        } => add(lines, variant_id.as_str(), quantity.get(), catalog, now_ms),
        CartCommand::SetQuantity {
            variant_id,
            quantity,
        } => set_quantity(lines, variant_id.as_str(), quantity.get(), catalog),
        CartCommand::Remove { variant_id } => Ok(remove(lines, variant_id.as_str())),
        CartCommand::Clear if lines.is_empty() => Ok(CartChange::unchanged(lines)),
        CartCommand::Clear => Ok(CartChange {
            lines: Vec::new(),
            write: CartWrite::DeleteAll,
            event: None,
        }),
    }
}

fn find<'a>(lines: &'a [CartLine], variant_id: &str) -> Option<(usize, &'a CartLine)> {
    lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.variant_id == variant_id)
}

fn add(
    lines: &[CartLine],
    id: &str,
    quantity: u32,
    catalog: &impl VariantLookup,
    now_ms: u64,
) -> Result<CartChange, CartError> {
    let info = catalog
        .lookup_variant(id)
        .ok_or_else(|| CartError::UnknownVariant {
            variant_id: id.to_owned(),
        })?;
    let title = info.display_name();
    if !info.available {
        return Err(CartError::Unavailable {
            variant_id: id.to_owned(),
            title,
        });
    }
    let event = ShopperEvent::Added {
        variant_id: id.to_owned(),
        handle: info.product_handle.clone(),
        quantity,
    };
    match find(lines, id) {
        Some((index, old)) => {
            let total = old.quantity.saturating_add(quantity);
            if total > MAX_QUANTITY {
                return Err(CartError::QuantityLimit {
                    variant_id: id.to_owned(),
                    title,
                    in_cart: old.quantity,
                    requested: quantity,
                });
            }
            let line = CartLine {
                quantity: total,
                ..refreshed(old, info)
            };
            Ok(upsert(lines, Some(index), line, Some(event)))
        }
        None => {
            if lines.len() >= MAX_LINES {
                return Err(CartError::CartFull {
                    variant_id: id.to_owned(),
                    title,
                });
            }
            let line = CartLine {
                variant_id: id.to_owned(),
                product_handle: info.product_handle,
                title,
                quantity,
                unit_price_when_added: info.price,
                added_at_ms: now_ms,
            };
            Ok(upsert(lines, None, line, Some(event)))
        }
    }
}

fn set_quantity(
    lines: &[CartLine],
    id: &str,
    quantity: u32,
    catalog: &impl VariantLookup,
) -> Result<CartChange, CartError> {
    let (index, old) = find(lines, id).ok_or_else(|| CartError::NotInCart {
        variant_id: id.to_owned(),
    })?;
    let info = catalog.lookup_variant(id);
    let increase = quantity.saturating_sub(old.quantity);
    if increase > 0 {
        match &info {
            Some(i) if i.available => {}
            Some(i) => {
                return Err(CartError::Unavailable {
                    variant_id: id.to_owned(),
                    title: i.display_name(),
                });
            }
            None => {
                return Err(CartError::Unavailable {
                    variant_id: id.to_owned(),
                    title: old.title.clone(),
                });
            }
        }
    }
    let event = (increase > 0).then(|| ShopperEvent::Added {
        variant_id: id.to_owned(),
        handle: info
            .as_ref()
            .map_or_else(|| old.product_handle.clone(), |i| i.product_handle.clone()),
        quantity: increase,
    });
    let base = match info {
        Some(info) => refreshed(old, info),
        None => old.clone(),
    };
    let line = CartLine { quantity, ..base };
    if line == *old {
        return Ok(CartChange::unchanged(lines));
    }
    Ok(upsert(lines, Some(index), line, event))
}

fn remove(lines: &[CartLine], id: &str) -> CartChange {
    let Some((_, old)) = find(lines, id) else {
        return CartChange::unchanged(lines);
    };
    CartChange {
        lines: lines
            .iter()
            .filter(|l| l.variant_id != id)
            .cloned()
            .collect(),
        write: CartWrite::Delete {
            variant_id: id.to_owned(),
        },
        event: Some(ShopperEvent::Removed {
            variant_id: id.to_owned(),
            handle: old.product_handle.clone(),
        }),
    }
}

/// The line with the catalog's current handle, title and price (see the decisions in the cart
/// module's documentation).
fn refreshed(old: &CartLine, info: VariantInfo) -> CartLine {
    CartLine {
        title: info.display_name(),
        product_handle: info.product_handle,
        unit_price_when_added: info.price,
        ..old.clone()
    }
}

/// Replaces the line at `index`, or appends it when `index` is `None`.
fn upsert(
    lines: &[CartLine],
    index: Option<usize>,
    line: CartLine,
    event: Option<ShopperEvent>,
) -> CartChange {
    let mut next = lines.to_vec();
    match index.and_then(|i| next.get_mut(i)) {
        Some(slot) => *slot = line.clone(),
        None => next.push(line.clone()),
    }
    CartChange {
        lines: next,
        write: CartWrite::Upsert(line),
        event,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::test_support::{CAP, GONE, MUG, NOW, SOLD_OUT, catalog, cmd, line, usd};

    fn filler(n: usize) -> Vec<CartLine> {
        (0..n)
            .map(|i| line(&format!("filler-{i}"), "filler", 1, usd(100)))
            .collect()
    }

    fn quantities(lines: &[CartLine]) -> Vec<(&str, u32)> {
        lines
            .iter()
            .map(|l| (l.variant_id.as_str(), l.quantity))
            .collect()
    }

    fn run(lines: &[CartLine], cmd: CartCommand) -> Result<CartChange, CartError> {
        apply(lines, &cmd, &catalog(), NOW)
    }

    #[test]
    fn add_creates_a_line_at_the_current_price() {
        let change = run(&[], cmd(CartCommand::add(MUG, 2))).unwrap();
        let expected = CartLine {
            variant_id: MUG.into(),
            product_handle: "mug".into(),
            title: "Mug — Blue".into(),
            quantity: 2,
            unit_price_when_added: usd(1500),
            added_at_ms: NOW,
        };
        assert_eq!(change.lines, vec![expected.clone()]);
        assert_eq!(change.write, CartWrite::Upsert(expected));
        assert_eq!(
            change.event,
            Some(ShopperEvent::Added {
                variant_id: MUG.into(),
                handle: "mug".into(),
                quantity: 2
            })
        );
        assert!(!change.is_noop());
        // A single-variant product is named by its product title alone.
        let cap = run(&[], cmd(CartCommand::add(CAP, 1))).unwrap();
        assert_eq!(cap.lines[0].title, "Cap");
    }

    #[test]
    fn add_appends_new_lines_and_keeps_order() {
        let lines = vec![line(CAP, "cap", 1, usd(2000))];
        let change = run(&lines, cmd(CartCommand::add(MUG, 1))).unwrap();
        assert_eq!(quantities(&change.lines), [(CAP, 1), (MUG, 1)]);
    }

    #[test]
    fn add_merges_with_an_existing_line_up_to_99() {
        let table: &[(u32, u32, Option<u32>)] = &[
            (1, 1, Some(2)),
            (1, 98, Some(99)),
            (98, 1, Some(99)),
            (50, 49, Some(99)),
            (99, 1, None),
            (50, 50, None),
            (1, 99, None),
            // A line stored under an older, higher limit can still not grow.
            (150, 1, None),
        ];
        for &(in_cart, add, expected) in table {
            let lines = vec![
                line(CAP, "cap", 1, usd(2000)),
                line(MUG, "mug", in_cart, usd(1500)),
            ];
            let result = run(&lines, cmd(CartCommand::add(MUG, add)));
            match expected {
                Some(total) => {
                    let change = result.unwrap();
                    assert_eq!(quantities(&change.lines), [(CAP, 1), (MUG, total)]);
                    // Merging keeps the line's place and creation time.
                    assert_eq!(change.lines[1].added_at_ms, 1);
                    assert!(matches!(
                        change.event,
                        Some(ShopperEvent::Added { quantity, .. }) if quantity == add
                    ));
                }
                None => {
                    let err = result.unwrap_err();
                    assert_eq!(
                        err,
                        CartError::QuantityLimit {
                            variant_id: MUG.into(),
                            title: "Mug — Blue".into(),
                            in_cart,
                            requested: add,
                        },
                        "{in_cart}+{add}"
                    );
                    assert_eq!(err.status(), 422);
                    assert!(
                        err.to_string().starts_with(
                            "you can buy at most 99 of Mug — Blue; your cart already has"
                        ),
                        "{err}"
                    );
                }
            }
        }
    }

    #[test]
    fn merging_acknowledges_the_current_price() {
        let lines = vec![line(MUG, "old-mug", 1, usd(1000))];
        let change = run(&lines, cmd(CartCommand::add(MUG, 1))).unwrap();
        let l = &change.lines[0];
        assert_eq!(
            (
                l.unit_price_when_added,
                l.product_handle.as_str(),
                l.title.as_str()
            ),
            (usd(1500), "mug", "Mug — Blue")
        );
    }

    #[test]
    fn the_cart_holds_at_most_100_lines() {
        let table: &[(usize, &str, bool)] = &[
            (0, MUG, true),
            (98, MUG, true),
            (99, MUG, true),
            (100, MUG, false),
            (101, MUG, false),
        ];
        for &(n, id, ok) in table {
            let lines = filler(n);
            let result = run(&lines, cmd(CartCommand::add(id, 1)));
            if ok {
                assert_eq!(result.unwrap().lines.len(), n + 1, "{n}");
            } else {
                let err = result.unwrap_err();
                assert_eq!(
                    err,
                    CartError::CartFull {
                        variant_id: MUG.into(),
                        title: "Mug — Blue".into()
                    },
                    "{n}"
                );
                assert_eq!(err.status(), 422);
                assert!(err.to_string().contains("at most 100 different items"));
                assert!(err.to_string().contains("Mug — Blue"));
            }
        }
        // A full cart can still grow an existing line.
        let mut full = filler(99);
        full.push(line(MUG, "mug", 1, usd(1500)));
        let change = run(&full, cmd(CartCommand::add(MUG, 5))).unwrap();
        assert_eq!(change.lines.len(), 100);
        assert_eq!(change.lines[99].quantity, 6);
    }

    #[test]
    fn add_refuses_unknown_and_sold_out_variants() {
        let lines = vec![line(SOLD_OUT, "tee", 1, usd(900))];
        let table: &[(&[CartLine], &str, CartError)] = &[
            (
                &[],
                GONE,
                CartError::UnknownVariant {
                    variant_id: GONE.into(),
                },
            ),
            (
                &[],
                SOLD_OUT,
                CartError::Unavailable {
                    variant_id: SOLD_OUT.into(),
                    title: "Tee — L".into(),
                },
            ),
            // Already in the cart makes no difference.
            (
                &lines,
                SOLD_OUT,
                CartError::Unavailable {
                    variant_id: SOLD_OUT.into(),
                    title: "Tee — L".into(),
                },
            ),
        ];
        for (lines, id, err) in table {
            let got = run(lines, cmd(CartCommand::add(id, 1))).unwrap_err();
            assert_eq!(got, *err);
            assert_eq!(got.status(), 422);
            assert_eq!(got.variant_id(), *id);
        }
        assert!(
            CartError::Unavailable {
                variant_id: SOLD_OUT.into(),
                title: "Tee — L".into()
            }
            .to_string()
            .contains("Tee — L is sold out")
        );
        assert!(
            CartError::UnknownVariant {
                variant_id: GONE.into()
            }
            .to_string()
            .contains(GONE)
        );
    }

    #[test]
    fn set_quantity_rules() {
        let base = || {
            vec![
                line(MUG, "mug", 5, usd(1500)),
                line(SOLD_OUT, "tee", 5, usd(900)),
                line(GONE, "vase", 5, usd(3000)),
            ]
        };
        // (variant, new quantity, Ok(quantity the event adds) | Err(error code))
        type Row<'a> = (&'a str, u32, Result<Option<u32>, &'a str>);
        let table: &[Row<'_>] = &[
            (MUG, 1, Ok(None)),
            (MUG, 4, Ok(None)),
            (MUG, 6, Ok(Some(1))),
            (MUG, 99, Ok(Some(94))),
            (SOLD_OUT, 1, Ok(None)),
            (SOLD_OUT, 6, Err("unavailable")),
            (GONE, 2, Ok(None)),
            (GONE, 6, Err("unavailable")),
            (CAP, 1, Err("not_in_cart")),
        ];
        for &(id, q, ref expected) in table {
            let lines = base();
            let result = run(&lines, cmd(CartCommand::set_quantity(id, q)));
            match expected {
                Ok(added) => {
                    let change = result.unwrap();
                    let got = change.lines.iter().find(|l| l.variant_id == id).unwrap();
                    assert_eq!(got.quantity, q, "{id} {q}");
                    assert_eq!(change.write, CartWrite::Upsert(got.clone()));
                    assert_eq!(change.lines.len(), 3);
                    let event_qty = match change.event {
                        Some(ShopperEvent::Added { quantity, .. }) => Some(quantity),
                        None => None,
                        other => panic!("{other:?}"),
                    };
                    assert_eq!(event_qty, *added, "{id} {q}");
                }
                Err(code) => {
                    let err = result.unwrap_err();
                    assert_eq!(err.code(), *code, "{id} {q}");
                }
            }
        }
        let gone = run(&base(), cmd(CartCommand::set_quantity(GONE, 6))).unwrap_err();
        assert_eq!(
            gone,
            CartError::Unavailable {
                variant_id: GONE.into(),
                title: "vase".into()
            }
        );
        let missing = run(&base(), cmd(CartCommand::set_quantity(CAP, 1))).unwrap_err();
        assert_eq!(missing.status(), 404);
        assert!(missing.to_string().contains("not in your cart"));
    }

    #[test]
    fn set_quantity_to_the_same_value_changes_nothing_unless_the_price_moved() {
        let lines = vec![CartLine {
            title: "Mug — Blue".into(),
            ..line(MUG, "mug", 5, usd(1500))
        }];
        let same = run(&lines, cmd(CartCommand::set_quantity(MUG, 5))).unwrap();
        assert!(same.is_noop());
        assert_eq!(same.lines, lines);
        assert_eq!(same.event, None);

        let stale = vec![line(MUG, "mug", 5, usd(1000))];
        let ack = run(&stale, cmd(CartCommand::set_quantity(MUG, 5))).unwrap();
        assert_eq!(ack.lines[0].unit_price_when_added, usd(1500));
        assert!(matches!(ack.write, CartWrite::Upsert(_)));
        assert_eq!(ack.event, None);

        // A discontinued line keeps what it had.
        let gone = vec![line(GONE, "vase", 5, usd(3000))];
        let down = run(&gone, cmd(CartCommand::set_quantity(GONE, 2))).unwrap();
        assert_eq!(
            down.lines[0],
            CartLine {
                quantity: 2,
                ..gone[0].clone()
            }
        );
    }

    #[test]
    fn remove_is_idempotent() {
        let lines = vec![
            line(MUG, "mug", 2, usd(1500)),
            line(CAP, "cap", 1, usd(2000)),
        ];
        let change = run(&lines, cmd(CartCommand::remove(MUG))).unwrap();
        assert_eq!(quantities(&change.lines), [(CAP, 1)]);
        assert_eq!(
            change.write,
            CartWrite::Delete {
                variant_id: MUG.into()
            }
        );
        assert_eq!(
            change.event,
            Some(ShopperEvent::Removed {
                variant_id: MUG.into(),
                handle: "mug".into()
            })
        );
        // Removing again (or something never there, or gone from the catalog) is a no-op.
        for id in [MUG, GONE] {
            let again = run(&change.lines, cmd(CartCommand::remove(id))).unwrap();
            assert!(again.is_noop());
            assert_eq!(again.lines, change.lines);
            assert_eq!(again.event, None);
        }
        // Removing a line whose variant left the catalog works without the catalog.
        let gone = vec![line(GONE, "vase", 1, usd(3000))];
        let change = run(&gone, cmd(CartCommand::remove(GONE))).unwrap();
        assert!(change.lines.is_empty());
    }

    #[test]
    fn clear_empties_the_cart() {
        let lines = filler(100);
        let change = run(&lines, CartCommand::Clear).unwrap();
        assert!(change.lines.is_empty());
        assert_eq!(change.write, CartWrite::DeleteAll);
        assert_eq!(change.event, None);
        let again = run(&[], CartCommand::Clear).unwrap();
        assert!(again.is_noop());
        assert!(again.lines.is_empty());
    }

    #[test]
    fn errors_change_nothing_and_codes_are_stable() {
        let table: &[(CartError, u16, &str)] = &[
            (
                CartError::UnknownVariant {
                    variant_id: GONE.into(),
                },
                422,
                "unknown_variant",
            ),
            (
                CartError::Unavailable {
                    variant_id: MUG.into(),
                    title: "Mug".into(),
                },
                422,
                "unavailable",
            ),
            (
                CartError::QuantityLimit {
                    variant_id: MUG.into(),
                    title: "Mug".into(),
                    in_cart: 0,
                    requested: 100,
                },
                422,
                "quantity_limit",
            ),
            (
                CartError::CartFull {
                    variant_id: MUG.into(),
                    title: "Mug".into(),
                },
                422,
                "cart_full",
            ),
            (
                CartError::NotInCart {
                    variant_id: MUG.into(),
                },
                404,
                "not_in_cart",
            ),
        ];
        for (err, status, code) in table {
            assert_eq!((err.status(), err.code()), (*status, *code));
        }
        // Without anything in the cart the limit message says only the limit.
        assert_eq!(table[2].0.to_string(), "you can buy at most 99 of Mug");
    }
}
