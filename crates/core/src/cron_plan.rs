//! Which stores one cron run asks to refresh, so a run stays within a Worker invocation's
//! subrequest budget however many stores there are: at most [`STORES_PER_RUN`] per run, in
//! batches of [`BATCH`] asked at once; with more stores than that, consecutive runs take
//! consecutive pages (stores that shoppers read refresh themselves on the next read anyway).

use crate::events::CronOutcome;
use std::ops::Range;

/// The most stores one cron run asks (each ask is one subrequest).
pub const STORES_PER_RUN: usize = 500;

/// How many stores are asked at once.
pub const BATCH: usize = 25;

/// The cron's period in ms (`*/15 * * * *`).
pub const PERIOD_MS: u64 = 15 * 60 * 1000;

/// The stores (positions in the registry's list of `total`) that the run scheduled at
/// `scheduled_ms` asks.
pub fn page(scheduled_ms: u64, total: usize) -> Range<usize> {
    if total <= STORES_PER_RUN {
        return 0..total;
    }
    let pages = total.div_ceil(STORES_PER_RUN) as u64;
    let run = scheduled_ms / PERIOD_MS;
    let index = usize::try_from(run % pages).unwrap_or(0);
    let start = index * STORES_PER_RUN;
    start..(start + STORES_PER_RUN).min(total)
}

/// A refresh run's outcome over `stores` registered, from each asked store's answer: whether
/// it started a refresh, or the error code of a store that could not be asked.
pub fn refresh_outcome(stores: usize, answers: Vec<(String, Result<bool, String>)>) -> CronOutcome {
    let asked = answers.len();
    let refreshes_started = answers.iter().filter(|(_, a)| a == &Ok(true)).count();
    let failed = (answers.into_iter())
        .filter_map(|(slug, a)| a.err().map(|code| format!("{slug}: {code}")))
        .collect();
    CronOutcome::Asked {
        stores,
        asked,
        refreshes_started,
        failed,
    }
}

/// One refresh run over the registry's stores, sans-IO: this run's page, asked a batch at a
/// time ([`RefreshRun::next_step`]), each batch's answers fed back ([`RefreshRun::on_answers`]),
/// then the run's outcome.
#[derive(Debug)]
pub struct RefreshRun<S> {
    stores: usize,
    page: std::vec::IntoIter<S>,
    answers: Vec<(String, Result<bool, String>)>,
}

/// What the shell does next for a refresh run.
#[derive(Debug, PartialEq, Eq)]
pub enum RefreshStep<S> {
    /// Ask these stores at once, then feed their answers back in the same order.
    Ask(Vec<S>),
    /// Every store of the page was asked.
    Done(CronOutcome),
}

impl<S: std::fmt::Display> RefreshRun<S> {
    /// The run scheduled at `scheduled_ms` over every registered store.
    pub fn new(mut stores: Vec<S>, scheduled_ms: u64) -> Self {
        let total = stores.len();
        let range = page(scheduled_ms, total);
        stores.truncate(range.end);
        let page: Vec<S> = stores.into_iter().skip(range.start).collect();
        RefreshRun {
            stores: total,
            answers: Vec::with_capacity(page.len()),
            page: page.into_iter(),
        }
    }

    /// The next batch to ask, or the outcome once the page is done.
    pub fn next_step(&mut self) -> RefreshStep<S> {
        let batch: Vec<S> = self.page.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            let answers = std::mem::take(&mut self.answers);
            return RefreshStep::Done(refresh_outcome(self.stores, answers));
        }
        RefreshStep::Ask(batch)
    }

    /// Each store's answer to the batch last asked: whether it started a refresh, or the
    /// error code of a store that could not be asked.
    pub fn on_answers(&mut self, batch: &[S], answers: Vec<Result<bool, String>>) {
        let named = batch.iter().map(ToString::to_string).zip(answers);
        self.answers.extend(named);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_asks_its_page_in_batches_and_counts_the_answers() {
        let stores: Vec<u32> = (0..1_100).collect();
        // The second run of three pages asks stores 500..1000.
        let mut run = RefreshRun::new(stores, PERIOD_MS);
        let mut asked = Vec::new();
        let mut batches = 0;
        let outcome = loop {
            match run.next_step() {
                RefreshStep::Ask(batch) => {
                    assert!(batch.len() <= BATCH);
                    batches += 1;
                    let answers = batch
                        .iter()
                        .map(|s| match s % 100 {
                            0 => Err("store_unavailable".to_owned()),
                            n => Ok(n % 2 == 0),
                        })
                        .collect();
                    run.on_answers(&batch, answers);
                    asked.extend(batch);
                }
                RefreshStep::Done(outcome) => break outcome,
            }
        };
        assert_eq!(batches, STORES_PER_RUN / BATCH);
        assert_eq!(asked, (500..1_000).collect::<Vec<_>>());
        let CronOutcome::Asked {
            stores,
            asked,
            refreshes_started,
            failed,
        } = outcome
        else {
            panic!("a refresh run was asked");
        };
        assert_eq!((stores, asked, refreshes_started), (1_100, 500, 245));
        assert_eq!(failed.len(), 5);
        assert_eq!(failed[0], "500: store_unavailable");
    }

    #[test]
    fn an_empty_registry_asks_nobody() {
        let mut run = RefreshRun::<String>::new(Vec::new(), 0);
        let RefreshStep::Done(CronOutcome::Asked { stores, asked, .. }) = run.next_step() else {
            panic!("nothing to ask");
        };
        assert_eq!((stores, asked), (0, 0));
    }

    #[test]
    fn a_batch_whose_answers_all_failed_is_still_counted() {
        let mut run = RefreshRun::new(vec!["a", "b"], 0);
        let RefreshStep::Ask(batch) = run.next_step() else {
            panic!("two stores to ask");
        };
        let down = vec![Err("broken".to_owned()), Err("broken".to_owned())];
        run.on_answers(&batch, down);
        let RefreshStep::Done(CronOutcome::Asked { asked, failed, .. }) = run.next_step() else {
            panic!("done");
        };
        assert_eq!(
            (asked, failed),
            (2, vec!["a: broken".to_owned(), "b: broken".to_owned()])
        );
    }

    #[test]
    fn a_runs_outcome_counts_started_refreshes_and_names_failed_stores() {
        let answers = vec![
            ("a".to_owned(), Ok(true)),
            ("b".to_owned(), Ok(false)),
            ("c".to_owned(), Err("store_not_found".to_owned())),
            ("d".to_owned(), Ok(true)),
        ];
        let CronOutcome::Asked {
            stores,
            asked,
            refreshes_started,
            failed,
        } = refresh_outcome(600, answers)
        else {
            panic!("a refresh run was asked");
        };
        assert_eq!((stores, asked, refreshes_started), (600, 4, 2));
        assert_eq!(failed, ["c: store_not_found"]);
        let CronOutcome::Asked { asked, failed, .. } = refresh_outcome(0, Vec::new()) else {
            panic!("an empty registry is still a run");
        };
        assert_eq!((asked, failed.len()), (0, 0));
    }

    #[test]
    fn a_small_registry_is_asked_whole_every_run() {
        assert_eq!(page(0, 200), 0..200);
        assert_eq!(page(123 * PERIOD_MS, 200), 0..200);
        assert_eq!(page(0, 0), 0..0);
    }

    #[test]
    fn a_large_registry_is_covered_page_by_page() {
        let total = 1_234;
        let mut seen = vec![0u8; total];
        for run in 0..3 {
            let p = page(run * PERIOD_MS + 7, total);
            assert!(p.len() <= STORES_PER_RUN);
            for i in p {
                seen[i] += 1;
            }
        }
        assert!(
            seen.iter().all(|&n| n == 1),
            "three runs cover every store once"
        );
        assert_eq!(
            page(3 * PERIOD_MS, total),
            0..STORES_PER_RUN,
            "then it starts over"
        );
    }
}
