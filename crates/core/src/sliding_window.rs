//! An exact sliding-window limit for one subject whose requests all pass one place (a
//! shopper's cart writes all reach that shopper's object): at most `limit` admitted in any
//! `period_ms`, with the time until the next admission when refused. Memory is at most
//! `limit` timestamps.

use std::collections::VecDeque;

#[derive(Debug, Clone)]
pub struct SlidingWindow {
    limit: u32,
    period_ms: u64,
    /// When each admitted request came, oldest first, within the last period.
    admitted: VecDeque<u64>,
}

impl SlidingWindow {
    pub fn new(limit: u32, period_ms: u64) -> Self {
        SlidingWindow {
            limit: limit.max(1),
            period_ms: period_ms.max(1),
            admitted: VecDeque::new(),
        }
    }

    /// Admits a request at `now_ms` (and counts it), or refuses it with the seconds until
    /// one would be admitted (at least 1). A refused request is not counted. A clock that
    /// went backwards keeps the window as it is (never admits more than `limit` per period).
    pub fn admit(&mut self, now_ms: u64) -> Result<(), u64> {
        while let Some(&oldest) = self.admitted.front() {
            if now_ms.saturating_sub(oldest) >= self.period_ms && now_ms >= oldest {
                self.admitted.pop_front();
            } else {
                break;
            }
        }
        if self.admitted.len() < self.limit as usize {
            self.admitted
                .push_back(now_ms.max(self.admitted.back().copied().unwrap_or(0)));
            return Ok(());
        }
        let oldest = self.admitted.front().copied().unwrap_or(now_ms);
        let wait_ms = (oldest + self.period_ms).saturating_sub(now_ms);
        Err(wait_ms.div_ceil(1000).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_limit_within_a_period_and_refuses_the_next() {
        let mut w = SlidingWindow::new(3, 60_000);
        for t in [0, 10, 20] {
            assert_eq!(w.admit(t), Ok(()));
        }
        assert_eq!(
            w.admit(30),
            Err(60),
            "the first admission leaves the window at 60 s"
        );
        assert_eq!(w.admit(59_999), Err(1));
        assert_eq!(w.admit(60_000), Ok(()), "the first one left the window");
        assert_eq!(w.admit(60_001), Err(1));
    }

    #[test]
    fn refused_requests_are_not_counted() {
        let mut w = SlidingWindow::new(1, 1_000);
        assert_eq!(w.admit(0), Ok(()));
        for t in 1..100 {
            assert!(w.admit(t).is_err());
        }
        assert_eq!(
            w.admit(1_000),
            Ok(()),
            "a refused flood does not extend the wait"
        );
    }

    #[test]
    fn a_quiet_period_empties_the_window() {
        let mut w = SlidingWindow::new(2, 1_000);
        assert_eq!((w.admit(0), w.admit(1)), (Ok(()), Ok(())));
        assert_eq!(w.admit(10_000), Ok(()));
        assert_eq!(w.admit(10_001), Ok(()));
        assert_eq!(w.admit(10_002), Err(1));
    }

    #[test]
    fn a_clock_going_backwards_never_admits_more_than_the_limit() {
        let mut w = SlidingWindow::new(2, 60_000);
        assert_eq!(w.admit(100_000), Ok(()));
        assert_eq!(w.admit(5), Ok(()), "stamped as the latest time seen");
        assert!(w.admit(0).is_err());
        assert!(w.admit(100_001).is_err());
        assert_eq!(w.admit(160_000), Ok(()));
    }

    #[test]
    fn a_zero_limit_or_period_is_read_as_one() {
        let mut w = SlidingWindow::new(0, 0);
        assert_eq!(w.admit(0), Ok(()));
        assert_eq!(w.admit(0), Err(1));
        assert_eq!(w.admit(1), Ok(()));
    }
}
