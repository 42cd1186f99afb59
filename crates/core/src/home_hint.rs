//! The home page's visit count in the shopper cookie (`~n{visits}.{pending}.{day}`), so the
//! entry can answer the home page of a shopper whose page shows nothing else of theirs.
//!
//! The shopper's object sets it when it answers a home page with no recommendations block
//! possible (no history yet): `visits` is the count that page showed, `pending` is 0. Each home
//! page the entry answers then shows one more visit and adds one to `pending`; the object's
//! next answer (any page) stores the count (`visits` is the floor of the stored counter, so a
//! replayed cookie counts nothing twice) and drops the hint unless that answer is again such a
//! home page. A hint from another day, or with [`MAX_PENDING_HOME_VIEWS`] views pending, sends
//! the home page to the object.

/// The most home views a hint carries before the next home page goes to the object.
pub const MAX_PENDING_HOME_VIEWS: u32 = 64;
/// The largest visit count a hint carries (ten digits): a larger one is not a count the object
/// set, and is dropped.
const MAX_VISITS: u64 = 9_999_999_999;

/// The home page's visit count as the shopper's pages last showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeHint {
    /// The count the shopper's last home page showed (stored, plus `pending`).
    pub visits: u64,
    /// Home views the entry answered that the shopper's storage has not counted yet.
    pub pending: u32,
    /// Days since the Unix epoch (UTC) the object set it.
    pub day: u32,
}

impl HomeHint {
    /// The hint the object gives with a home page that showed `visits` at `now_ms`.
    pub fn counted(visits: u64, now_ms: u64) -> Self {
        HomeHint {
            visits: visits.min(MAX_VISITS),
            pending: 0,
            day: crate::cookie_hints::day_of(now_ms),
        }
    }

    /// The hint after one more home page from the entry, which shows its `visits`: `None` when
    /// the hint is not from today or already carries [`MAX_PENDING_HOME_VIEWS`] views.
    pub fn next_view(&self, now_ms: u64) -> Option<HomeHint> {
        let fresh = self.day == crate::cookie_hints::day_of(now_ms);
        (fresh && self.pending < MAX_PENDING_HOME_VIEWS && self.visits < MAX_VISITS).then_some(
            HomeHint {
                visits: self.visits + 1,
                pending: self.pending + 1,
                day: self.day,
            },
        )
    }

    /// The count the object must store (at least), when views are pending.
    pub fn to_store(&self) -> Option<u64> {
        (self.pending > 0).then_some(self.visits)
    }

    /// `n{visits}.{pending}.{day}` (after the separator).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.strip_prefix('n')?.split('.');
        let number = crate::cookie_hints::number;
        let visits = number(parts.next()?).filter(|v| *v <= MAX_VISITS)?;
        let pending = number(parts.next()?).filter(|p| *p <= u64::from(MAX_PENDING_HOME_VIEWS))?;
        let day = u32::try_from(number(parts.next()?)?).ok()?;
        if parts.next().is_some() || pending > visits {
            return None;
        }
        Some(HomeHint {
            visits,
            pending: u32::try_from(pending).ok()?,
            day,
        })
    }

    /// The hint as [`HomeHint::parse`] reads it.
    pub fn format(&self) -> String {
        format!("n{}.{}.{}", self.visits, self.pending, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400_000;
    const NOON: u64 = 20_000 * DAY + DAY / 2;

    #[test]
    fn a_counted_hint_round_trips_and_pends_nothing() {
        let hint = HomeHint::counted(7, NOON);
        assert_eq!(
            hint,
            HomeHint {
                visits: 7,
                pending: 0,
                day: 20_000
            }
        );
        assert_eq!(hint.format(), "n7.0.20000");
        assert_eq!(HomeHint::parse(&hint.format()), Some(hint));
        assert_eq!(hint.to_store(), None, "nothing to store");
        assert_eq!(HomeHint::counted(u64::MAX, NOON).visits, MAX_VISITS);
    }

    #[test]
    fn each_view_from_the_entry_shows_one_more_visit_and_pends_it() {
        let hint = HomeHint::counted(2, NOON);
        let next = hint.next_view(NOON + 1).unwrap();
        assert_eq!((next.visits, next.pending, next.day), (3, 1, 20_000));
        assert_eq!(next.to_store(), Some(3));
        let later = next.next_view(NOON + 2).unwrap();
        assert_eq!((later.visits, later.pending), (4, 2));
        assert_eq!(HomeHint::parse(&later.format()), Some(later));
    }

    #[test]
    fn a_hint_from_another_day_or_full_sends_the_page_to_the_object() {
        let hint = HomeHint::counted(2, NOON);
        assert_eq!(hint.next_view(21_000 * DAY), None, "tomorrow");
        assert_eq!(hint.next_view(19_999 * DAY), None, "a future hint");
        let mut full = hint;
        for _ in 0..MAX_PENDING_HOME_VIEWS {
            full = full.next_view(NOON).unwrap();
        }
        assert_eq!(full.pending, MAX_PENDING_HOME_VIEWS);
        assert_eq!(full.next_view(NOON), None, "full");
        assert_eq!(full.to_store(), Some(2 + u64::from(MAX_PENDING_HOME_VIEWS)));
        let top = HomeHint::counted(MAX_VISITS, NOON);
        assert_eq!(top.next_view(NOON), None, "no count past ten digits");
    }

    #[test]
    fn malformed_or_impossible_hints_are_dropped() {
        for bad in [
            "n",
            "n1",
            "n1.0",
            "n1.0.",
            "n.0.20000",
            "n1..20000",
            "n1.0.20000.5",
            "n-1.0.20000",
            "n+1.0.20000",
            "n1e3.0.20000",
            "n99999999999.0.20000",
            "n100.65.20000",
            "n1.2.20000",
            "n1.0.99999999999",
            "n1.0.4294967296",
            "N1.0.20000",
            "c1.0.20000",
        ] {
            assert_eq!(HomeHint::parse(bad), None, "{bad}");
        }
        assert_eq!(
            HomeHint::parse("n9999999999.64.4294967295"),
            Some(HomeHint {
                visits: MAX_VISITS,
                pending: 64,
                day: u32::MAX
            })
        );
    }
}
