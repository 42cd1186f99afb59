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

#[cfg(test)]
mod tests {
    use super::*;

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
