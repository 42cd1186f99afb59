//! The hints a shopper cookie carries after its signed token, for the entry's use only:
//! - `~h` ([`VISITED_HOME`]): a first home view went unrecorded; the next home view counts it;
//! - `~c{items}.{day}`: how many items the shopper's cart held when their object last answered
//!   them, and the UTC day (since the epoch) it did. With a hint from today the entry answers
//!   collection and search pages itself (`edge_pages`), without waking the shopper's object.
//!
//! Hints are unsigned: faking one changes only what the faker's own pages show (their visit
//! count, their cart badge). A malformed or unknown hint is dropped, never an error, and never
//! rescues a bad token.

use crate::cart::{MAX_LINES, MAX_QUANTITY};

/// The home-view hint.
pub const VISITED_HOME: &str = "~h";
/// What every hint starts with (never part of a token: tokens are base64url and dots).
const SEP: char = '~';
const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The most items a cart can hold; a larger count is not a hint the object could have set.
const MAX_ITEMS: u32 = MAX_QUANTITY * MAX_LINES as u32;

/// The cart's item count as the shopper's object last reported it, and the day it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CartHint {
    pub items: u32,
    /// Days since the Unix epoch (UTC).
    pub day: u32,
}

impl CartHint {
    /// The hint the object's report gives at `now_ms`.
    pub fn reported(items: u32, now_ms: u64) -> Self {
        CartHint {
            items: items.min(MAX_ITEMS),
            day: day_of(now_ms),
        }
    }

    /// Written today: the entry may show it without asking the object. A hint from another day
    /// (or a forged future one) sends the page to the object, which notes the shopper's
    /// activity (retention) and refreshes the hint.
    pub fn is_fresh(&self, now_ms: u64) -> bool {
        self.day == day_of(now_ms)
    }

    fn parse(raw: &str) -> Option<Self> {
        let (items, day) = raw.strip_prefix('c')?.split_once('.')?;
        let number = |s: &str| {
            (!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let items = number(items).filter(|n| *n <= MAX_ITEMS)?;
        Some(CartHint {
            items,
            day: number(day)?,
        })
    }
}

fn day_of(now_ms: u64) -> u32 {
    u32::try_from(now_ms / DAY_MS).unwrap_or(u32::MAX)
}

/// Every hint a cookie value carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hints {
    pub saw_home: bool,
    pub cart: Option<CartHint>,
}

/// A cookie value's token and its hints (the last of each kind wins; unknown ones are dropped).
pub fn split(value: &str) -> (&str, Hints) {
    let mut parts = value.split(SEP);
    let token = parts.next().unwrap_or_default();
    let mut hints = Hints::default();
    for hint in parts {
        if hint == &VISITED_HOME[1..] {
            hints.saw_home = true;
        } else if let Some(cart) = CartHint::parse(hint) {
            hints.cart = Some(cart);
        }
    }
    (token, hints)
}

/// The cookie value for a token and its hints: the cart hint, then the home hint.
pub fn join(token: &str, hints: &Hints) -> String {
    let mut value = token.to_owned();
    if let Some(c) = hints.cart {
        value.push_str(&format!("{SEP}c{}.{}", c.items, c.day));
    }
    if hints.saw_home {
        value.push_str(VISITED_HOME);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON_DAY_20000: u64 = 20_000 * DAY_MS + DAY_MS / 2;

    #[test]
    fn hints_round_trip_after_the_token() {
        let cart = CartHint::reported(3, NOON_DAY_20000);
        assert_eq!(
            cart,
            CartHint {
                items: 3,
                day: 20_000
            }
        );
        for hints in [
            Hints::default(),
            Hints {
                saw_home: true,
                cart: None,
            },
            Hints {
                saw_home: false,
                cart: Some(cart),
            },
            Hints {
                saw_home: true,
                cart: Some(cart),
            },
        ] {
            let value = join("v1.demo.abc.sig", &hints);
            assert_eq!(split(&value), ("v1.demo.abc.sig", hints), "{value}");
        }
        assert_eq!(
            join(
                "t",
                &Hints {
                    saw_home: true,
                    cart: Some(cart)
                }
            ),
            "t~c3.20000~h"
        );
    }

    #[test]
    fn the_old_home_hint_still_reads() {
        assert_eq!(
            split("v1.demo.abc.sig~h"),
            (
                "v1.demo.abc.sig",
                Hints {
                    saw_home: true,
                    cart: None
                }
            )
        );
        assert_eq!(
            split("v1.demo.abc.sig"),
            ("v1.demo.abc.sig", Hints::default())
        );
    }

    #[test]
    fn malformed_or_impossible_hints_are_dropped() {
        for bad in [
            "t~c",
            "t~c3",
            "t~c.20000",
            "t~c3.",
            "t~c-1.20000",
            "t~c+3.20000",
            "t~c3.2e4",
            "t~c99999999999.1",
            "t~c9901.20000",
            "t~c3.99999999999",
            "t~x",
            "t~",
            "t~~",
            "t~H",
        ] {
            assert_eq!(split(bad), ("t", Hints::default()), "{bad}");
        }
        // The most a cart can hold is a hint; one more is not.
        assert_eq!(
            split("t~c9900.1").1.cart,
            Some(CartHint {
                items: 9900,
                day: 1
            })
        );
        assert_eq!(CartHint::reported(u32::MAX, 0).items, 9900);
    }

    #[test]
    fn a_hint_is_fresh_on_its_own_day_only() {
        let hint = CartHint::reported(0, NOON_DAY_20000);
        assert!(hint.is_fresh(20_000 * DAY_MS));
        assert!(hint.is_fresh(20_001 * DAY_MS - 1));
        assert!(!hint.is_fresh(20_001 * DAY_MS), "yesterday's");
        assert!(!hint.is_fresh(19_999 * DAY_MS), "a future day's");
    }
}
