//! Which stores the hourly cron backs up now.

use wandstore_core::store::StoreSlug;

/// Time between scheduled backups of a store.
pub const INTERVAL_MS: u64 = 60 * 60 * 1000;
/// A store is due this much before a full interval has passed, so a cron that fires a little
/// early (or a backup that finished late in the last hour) does not skip an hour.
pub const EARLY_SLACK_MS: u64 = 5 * 60 * 1000;

/// What the cron knows about one store's backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreBackupState {
    pub store: StoreSlug,
    /// When its newest complete backup started (from its newest manifest), if any.
    pub last_backup_ms: Option<u64>,
    /// When its run in progress started, if one is.
    pub running_since_ms: Option<u64>,
}

/// The stores to start a backup for at `now_ms`, in the order given: those never backed up,
/// and those whose last backup started at least [`INTERVAL_MS`] − [`EARLY_SLACK_MS`] ago, unless
/// a run is in progress and not yet abandoned ([`crate::run::ABANDON_AFTER_MS`]). A last
/// backup in the future (clock skew) counts as just now.
pub fn due_stores(stores: &[StoreBackupState], now_ms: u64) -> Vec<StoreSlug> {
    stores
        .iter()
        .filter(|s| {
            s.running_since_ms.is_none_or(|started| {
                now_ms.saturating_sub(started) >= crate::run::ABANDON_AFTER_MS
            })
        })
        .filter(|s| {
            s.last_backup_ms
                .is_none_or(|t| now_ms.saturating_sub(t) >= INTERVAL_MS - EARLY_SLACK_MS)
        })
        .map(|s| s.store.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ABANDON_AFTER_MS;

    const NOW: u64 = 1_795_903_200_000;

    fn state(slug: &str, last: Option<u64>, running: Option<u64>) -> StoreBackupState {
        StoreBackupState {
            store: StoreSlug::parse(slug).expect("slug"),
            last_backup_ms: last,
            running_since_ms: running,
        }
    }

    fn due(states: &[StoreBackupState]) -> Vec<String> {
        due_stores(states, NOW)
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn never_backed_up_and_an_hour_old_are_due() {
        assert_eq!(
            due(&[
                state("never", None, None),
                state("hour", Some(NOW - INTERVAL_MS), None),
                state("day", Some(NOW - 24 * INTERVAL_MS), None),
            ]),
            ["never", "hour", "day"]
        );
    }

    #[test]
    fn the_slack_boundary_is_exact() {
        let edge = NOW - (INTERVAL_MS - EARLY_SLACK_MS);
        assert_eq!(due(&[state("edge", Some(edge), None)]), ["edge"]);
        assert!(due(&[state("early", Some(edge + 1), None)]).is_empty());
        assert!(due(&[state("future", Some(NOW + INTERVAL_MS), None)]).is_empty());
    }

    #[test]
    fn a_run_in_progress_is_not_started_again_until_abandoned() {
        assert!(due(&[state("busy", None, Some(NOW - 1))]).is_empty());
        assert!(due(&[state("busy", None, Some(NOW - ABANDON_AFTER_MS + 1))]).is_empty());
        assert_eq!(
            due(&[state("stuck", None, Some(NOW - ABANDON_AFTER_MS))]),
            ["stuck"]
        );
    }
}
