//! The hints a shopper cookie carries after its signed token, for the entry's use only:
//! - `~h` ([`VISITED_HOME`]): a first home view went unrecorded; the next home view counts it;
//! - `~c{items}.{day}`: how many items the shopper's cart held when their object last answered
//!   them, and the UTC day (since the epoch) it did. With a hint from today the entry answers
//!   collection, search and product pages itself (`edge_pages`), without waking the shopper's
//!   object;
//! - `~v{handle}.{seconds}` ([`PendingView`], at most [`MAX_PENDING_VIEWS`]): a product page the
//!   entry answered, viewed at that time (Unix seconds) and not yet in the shopper's storage.
//!   The object records these views on its next answer to the shopper (before anything reads
//!   their history) and its report tells the entry to drop them;
//! - `~n{visits}.{pending}.{day}` ([`HomeHint`]): the home page's visit count for a shopper
//!   with no history yet, with the home views the entry answered and the object has not
//!   stored (`home_hint`).
//!
//! Hints are unsigned: faking one changes only what the faker's own pages show (their visit
//! count, their cart badge, the products their history says they viewed). A malformed or
//! unknown hint is dropped, never an error, and never rescues a bad token.

use crate::cart::{MAX_LINES, MAX_QUANTITY};
pub use crate::home_hint::HomeHint;

/// The home-view hint.
pub const VISITED_HOME: &str = "~h";
/// What every hint starts with (never part of a token: tokens are base64url and dots).
const SEP: char = '~';
const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The most items a cart can hold; a larger count is not a hint the object could have set.
const MAX_ITEMS: u32 = MAX_QUANTITY * MAX_LINES as u32;

/// The most product views a cookie carries; with this many, the next product page goes to the
/// shopper's object, which records them all.
pub const MAX_PENDING_VIEWS: usize = 8;
/// The longest product handle a view hint carries (longer ones are viewed through the object).
pub const MAX_VIEW_HANDLE: usize = 64;

/// A product page the entry answered and the shopper's storage has not heard of yet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingView {
    pub handle: String,
    /// When it was viewed: seconds since the Unix epoch.
    pub at_s: u64,
}

impl PendingView {
    fn parse(raw: &str) -> Option<Self> {
        let (handle, at) = raw.strip_prefix('v')?.rsplit_once('.')?;
        let digits = !at.is_empty() && at.len() <= 12 && at.bytes().all(|b| b.is_ascii_digit());
        let at_s = digits.then(|| at.parse().ok()).flatten()?;
        carriable_handle(handle).then(|| PendingView {
            handle: handle.to_owned(),
            at_s,
        })
    }
}

/// Whether a product handle fits in a view hint: 1 to [`MAX_VIEW_HANDLE`] lower-case ASCII
/// letters, digits and hyphens (what Shopify makes of a title), so it needs no escaping in a
/// cookie and cannot hold another hint.
pub fn carriable_handle(handle: &str) -> bool {
    (1..=MAX_VIEW_HANDLE).contains(&handle.len())
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

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
        let number = |s: &str| u32::try_from(number(s)?).ok();
        let items = number(items).filter(|n| *n <= MAX_ITEMS)?;
        Some(CartHint {
            items,
            day: number(day)?,
        })
    }
}

/// A hint's number: 1 to 10 ASCII digits (no sign, no exponent).
pub(crate) fn number(s: &str) -> Option<u64> {
    let digits = !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| s.parse().ok()).flatten()
}

pub(crate) fn day_of(now_ms: u64) -> u32 {
    u32::try_from(now_ms / DAY_MS).unwrap_or(u32::MAX)
}

/// Every hint a cookie value carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hints {
    pub saw_home: bool,
    pub cart: Option<CartHint>,
    /// Product views not yet recorded, oldest first.
    pub views: Vec<PendingView>,
    /// The home page's visit count, for a shopper with no history yet.
    pub home: Option<HomeHint>,
}

impl Hints {
    /// Whether one more product view fits (`carriable_handle` and fewer than
    /// [`MAX_PENDING_VIEWS`] already carried).
    pub fn has_room_for(&self, handle: &str) -> bool {
        self.views.len() < MAX_PENDING_VIEWS && carriable_handle(handle)
    }

    /// These hints with a view of `handle` at `now_ms` added, if it fits.
    pub fn with_view(&self, handle: &str, now_ms: u64) -> Option<Hints> {
        self.has_room_for(handle).then(|| {
            let mut next = self.clone();
            next.views.push(PendingView {
                handle: handle.to_owned(),
                at_s: now_ms / 1000,
            });
            next
        })
    }

    /// These hints after one more home page from the entry (which shows `home.visits`), if
    /// the entry may answer it: a home hint from today with room, no first view waiting to be
    /// counted (`~h`) and no product views waiting to be recorded (the history they make
    /// would show a recommendations block, which only the object builds).
    pub fn with_home_view(&self, now_ms: u64) -> Option<Hints> {
        if self.saw_home || !self.views.is_empty() {
            return None;
        }
        let home = self.home?.next_view(now_ms)?;
        Some(Hints {
            home: Some(home),
            ..self.clone()
        })
    }
}

/// A cookie value's token and its hints (the last cart and home hint win; views are kept in
/// order, the newest [`MAX_PENDING_VIEWS`] of them; unknown hints are dropped).
pub fn split(value: &str) -> (&str, Hints) {
    let mut parts = value.split(SEP);
    let token = parts.next().unwrap_or_default();
    let mut hints = Hints::default();
    for hint in parts {
        if hint == &VISITED_HOME[1..] {
            hints.saw_home = true;
        } else if let Some(cart) = CartHint::parse(hint) {
            hints.cart = Some(cart);
        } else if let Some(view) = PendingView::parse(hint) {
            hints.views.push(view);
        } else if let Some(home) = HomeHint::parse(hint) {
            hints.home = Some(home);
        }
    }
    let over = hints.views.len().saturating_sub(MAX_PENDING_VIEWS);
    hints.views.drain(..over);
    (token, hints)
}

/// The cookie value for a token and its hints: the cart hint, the views, the visit count, then
/// the home hint.
pub fn join(token: &str, hints: &Hints) -> String {
    let mut value = token.to_owned();
    if let Some(c) = hints.cart {
        value.push_str(&format!("{SEP}c{}.{}", c.items, c.day));
    }
    for v in &hints.views {
        value.push_str(&format!("{SEP}v{}.{}", v.handle, v.at_s));
    }
    if let Some(home) = hints.home {
        value.push(SEP);
        value.push_str(&home.format());
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
                ..Hints::default()
            },
            Hints {
                saw_home: false,
                cart: Some(cart),
                ..Hints::default()
            },
            Hints {
                saw_home: true,
                cart: Some(cart),
                ..Hints::default()
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
                    cart: Some(cart),
                    ..Hints::default()
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
                    cart: None,
                    ..Hints::default()
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

    fn view(handle: &str, at_s: u64) -> PendingView {
        PendingView {
            handle: handle.into(),
            at_s,
        }
    }

    #[test]
    fn views_round_trip_in_order_between_the_cart_and_home_hints() {
        let hints = Hints {
            saw_home: true,
            cart: Some(CartHint::reported(2, NOON_DAY_20000)),
            views: vec![
                view("blue-hat", 1_700_000_000),
                view("mug-2", 1_700_000_005),
            ],
            home: None,
        };
        let value = join("t", &hints);
        assert_eq!(value, "t~c2.20000~vblue-hat.1700000000~vmug-2.1700000005~h");
        assert_eq!(split(&value), ("t", hints));
    }

    #[test]
    fn a_view_is_added_only_while_there_is_room_and_the_handle_fits() {
        let mut hints = Hints::default();
        for i in 0..MAX_PENDING_VIEWS {
            hints = hints
                .with_view(&format!("p{i}"), 1_700_000_000_999)
                .unwrap_or_default();
        }
        assert_eq!(hints.views.len(), MAX_PENDING_VIEWS);
        assert_eq!(hints.views[0], view("p0", 1_700_000_000), "seconds");
        assert_eq!(hints.with_view("one-more", 0), None, "full");
        let empty = Hints::default();
        let longest = "a".repeat(MAX_VIEW_HANDLE);
        assert!(empty.with_view(&longest, 0).is_some());
        for bad in [
            "",
            "Hat",
            "hat~c9.1",
            "hat.1",
            "hat;x",
            "h a t",
            "chapeau-\u{e9}t\u{e9}",
            "%41",
            &"a".repeat(MAX_VIEW_HANDLE + 1),
        ] {
            assert!(!carriable_handle(bad), "{bad}");
            assert_eq!(empty.with_view(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn forged_or_malformed_views_are_dropped_and_at_most_the_newest_are_kept() {
        for bad in [
            "t~v",
            "t~v.1",
            "t~vhat",
            "t~vhat.",
            "t~vhat.-1",
            "t~vhat.1e9",
            "t~vhat.9999999999999",
            "t~vHat.1",
            "t~vh%41t.1",
        ] {
            assert_eq!(split(bad), ("t", Hints::default()), "{bad}");
        }
        let many: String = (0..MAX_PENDING_VIEWS + 3)
            .map(|i| format!("~vp{i}.{i}"))
            .collect();
        let (_, hints) = split(&format!("t{many}"));
        assert_eq!(hints.views.len(), MAX_PENDING_VIEWS);
        assert_eq!(hints.views[0], view("p3", 3), "the oldest forged ones go");
        // A dot inside a handle is not carriable, so the last dot always ends it.
        assert_eq!(split("t~va.b.1").1.views, vec![]);
    }

    #[test]
    fn the_visit_count_rides_between_the_views_and_the_home_hint() {
        let hints = Hints {
            saw_home: false,
            cart: Some(CartHint::reported(0, NOON_DAY_20000)),
            views: vec![view("mug", 1_700_000_000)],
            home: Some(HomeHint::counted(5, NOON_DAY_20000)),
        };
        let value = join("t", &hints);
        assert_eq!(value, "t~c0.20000~vmug.1700000000~n5.0.20000");
        assert_eq!(split(&value), ("t", hints));
        assert_eq!(
            split("t~n5.0.20000~n6.1.20000").1.home.map(|h| h.visits),
            Some(6)
        );
        assert_eq!(
            split("t~n5.9.20000").1,
            Hints::default(),
            "more pending than shown"
        );
    }

    #[test]
    fn the_entry_answers_a_home_page_only_with_nothing_else_waiting() {
        let now = NOON_DAY_20000;
        let hints = Hints {
            cart: Some(CartHint::reported(1, now)),
            home: Some(HomeHint::counted(3, now)),
            ..Hints::default()
        };
        let next = hints.with_home_view(now).unwrap();
        assert_eq!(next.home.map(|h| (h.visits, h.pending)), Some((4, 1)));
        assert_eq!((next.cart, next.saw_home), (hints.cart, false));
        assert_eq!(Hints::default().with_home_view(now), None, "no count");
        let first = Hints {
            saw_home: true,
            ..hints.clone()
        };
        assert_eq!(first.with_home_view(now), None, "a first view to count");
        let viewed = hints.with_view("mug", now).unwrap();
        assert_eq!(viewed.with_home_view(now), None, "views to record");
        assert_eq!(
            hints.with_home_view(now + DAY_MS),
            None,
            "yesterday's count"
        );
    }
}
