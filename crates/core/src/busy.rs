//! A flag saying that an invocation is doing a run's I/O (a backup's, a restore's, a
//! publish's), held by a guard that lowers it when the invocation ends: also when its future
//! is dropped half-way (a request the runtime cancelled), so a run is never left marked busy
//! for the rest of the object's lifetime.

use std::cell::Cell;

/// The raised flag; dropping it lowers the flag.
#[derive(Debug)]
pub struct Busy<'a>(&'a Cell<bool>);

impl<'a> Busy<'a> {
    /// Raises `flag` and holds it; `None` if another invocation holds it already.
    pub fn claim(flag: &'a Cell<bool>) -> Option<Self> {
        // Lazily: a guard made for a refused claim would lower the holder's flag when dropped.
        (!flag.replace(true)).then(|| Busy(flag))
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    #[test]
    fn one_holder_at_a_time_and_the_flag_is_lowered_when_it_lets_go() {
        let flag = Cell::new(false);
        let held = Busy::claim(&flag);
        assert!(held.is_some());
        assert!(flag.get());
        assert!(Busy::claim(&flag).is_none(), "a second claim while held");
        assert!(
            flag.get(),
            "a refused claim leaves the holder's flag raised"
        );
        drop(held);
        assert!(!flag.get());
        assert!(Busy::claim(&flag).is_some(), "free again");
        assert!(!flag.get(), "the temporary guard let go at once");
    }

    #[test]
    fn a_flag_raised_by_someone_else_is_never_claimed() {
        let flag = Cell::new(true);
        assert!(Busy::claim(&flag).is_none());
        assert!(
            flag.get(),
            "the refused claim does not lower another's flag"
        );
    }

    #[test]
    fn a_run_whose_future_is_dropped_mid_await_lowers_the_flag() {
        let flag = Cell::new(false);
        {
            let mut run = pin!(async {
                let _busy = Busy::claim(&flag);
                std::future::pending::<()>().await;
            });
            let mut cx = Context::from_waker(Waker::noop());
            assert!(run.as_mut().poll(&mut cx).is_pending());
            assert!(flag.get(), "held while the run waits on its I/O");
        }
        assert!(!flag.get(), "the cancelled run let go");
        assert!(Busy::claim(&flag).is_some());
    }

    #[test]
    fn a_run_that_finishes_lowers_the_flag() {
        let flag = Cell::new(false);
        let mut run = pin!(async {
            let busy = Busy::claim(&flag);
            busy.is_some()
        });
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(run.as_mut().poll(&mut cx), Poll::Ready(true));
        assert!(!flag.get());
    }
}
