//! Which of a store's backups to keep, and which leftovers to delete.
//!
//! Policy (like restic's `--keep-hourly/--keep-daily`): walk the backups newest first; keep
//! the newest backup of each of the last `hourly` distinct UTC hours that have a backup, and
//! the newest of each of the last `daily` distinct UTC days that have one. Hours or days
//! without a backup (gaps) use no slot, so an outage does not eat the history. The newest
//! backup is always kept. Everything not kept is deleted.

use crate::id::BackupId;
use crate::run::ABANDON_AFTER_MS;
use std::collections::HashSet;

const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// How many backups to keep per store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Newest backup of each of this many latest hours.
    pub hourly: u32,
    /// Newest backup of each of this many latest days (UTC).
    pub daily: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            hourly: 48,
            daily: 14,
        }
    }
}

/// One complete backup of a store, as listed (from its manifest key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: BackupId,
    pub created_ms: u64,
}

impl Listed {
    /// From an id alone (its time is in it, to the second).
    pub fn from_id(id: BackupId) -> Option<Listed> {
        let created_ms = id.created_ms().ok()?;
        Some(Listed { id, created_ms })
    }
}

/// The backups to delete under `policy`, oldest first.
pub fn to_delete(backups: &[Listed], policy: RetentionPolicy) -> Vec<BackupId> {
    let mut sorted: Vec<&Listed> = backups.iter().collect();
    // Newest first; ids break ties (same second) deterministically.
    sorted.sort_by(|a, b| (b.created_ms, &b.id).cmp(&(a.created_ms, &a.id)));
    let mut keep: HashSet<&BackupId> = HashSet::new();
    if let Some(newest) = sorted.first() {
        keep.insert(&newest.id);
    }
    for (period, slots) in [(HOUR_MS, policy.hourly), (DAY_MS, policy.daily)] {
        let mut buckets_seen: HashSet<u64> = HashSet::new();
        for b in &sorted {
            let bucket = b.created_ms / period;
            if buckets_seen.contains(&bucket) {
                continue;
            }
            if buckets_seen.len() >= slots as usize {
                break;
            }
            buckets_seen.insert(bucket);
            keep.insert(&b.id);
        }
    }
    let mut delete: Vec<&Listed> = sorted
        .into_iter()
        .filter(|b| !keep.contains(&b.id))
        .collect();
    delete.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    delete.into_iter().map(|b| b.id.clone()).collect()
}

/// Backups with data files but no manifest (a run that died) that are old enough to be sure
/// no run is still writing them: delete their `data_prefix`. `with_data` are the ids found
/// under `stores/{store}/` (a delimiter listing), `complete` those with a manifest.
pub fn orphans(with_data: &[BackupId], complete: &[BackupId], now_ms: u64) -> Vec<BackupId> {
    let complete: HashSet<&BackupId> = complete.iter().collect();
    with_data
        .iter()
        .filter(|id| !complete.contains(id))
        .filter(|id| {
            id.created_ms()
                .is_ok_and(|t| now_ms.saturating_sub(t) >= ABANDON_AFTER_MS)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-28T00:00:00Z, a UTC midnight.
    const MIDNIGHT: u64 = 1_795_824_000_000;

    fn at(ms: u64, n: u8) -> Listed {
        Listed::from_id(BackupId::new(ms, [n; 8]).expect("id")).expect("time")
    }

    /// One backup at minute 5 of each hour, `hours` hours ending just before `end`.
    fn hourly(end: u64, hours: u64) -> Vec<Listed> {
        (1..=hours)
            .map(|h| at(end - h * HOUR_MS + 5 * 60_000, 0))
            .collect()
    }

    #[test]
    fn fewer_backups_than_the_policy_keeps_are_all_kept() {
        assert!(to_delete(&[], RetentionPolicy::default()).is_empty());
        let b = hourly(MIDNIGHT, 48);
        assert!(to_delete(&b, RetentionPolicy::default()).is_empty());
    }

    #[test]
    fn exactly_48_hourly_backups_within_two_days_are_kept_and_the_49th_goes_unless_a_day_needs_it()
    {
        // 49 hourly backups: 23:05 the day before MIDNIGHT, then every hour of two days; the
        // oldest is alone in its day.
        let end = MIDNIGHT + 2 * DAY_MS;
        let b = hourly(end, 49);
        // With no daily slots the 49th (oldest) goes.
        let policy = RetentionPolicy {
            hourly: 48,
            daily: 0,
        };
        let deleted = to_delete(&b, policy);
        assert_eq!(deleted, vec![b[48].id.clone()]);
        // With daily slots it is the newest of its day (day 0 has only it): it stays.
        assert!(to_delete(&b, RetentionPolicy::default()).is_empty());
    }

    #[test]
    fn daily_slots_keep_the_newest_backup_of_each_day_beyond_the_hourly_window() {
        // 30 days of hourly backups: 720 backups.
        let end = MIDNIGHT + 30 * DAY_MS;
        let b = hourly(end, 30 * 24);
        let deleted: HashSet<BackupId> = to_delete(&b, RetentionPolicy::default())
            .into_iter()
            .collect();
        let kept: Vec<&Listed> = b.iter().filter(|l| !deleted.contains(&l.id)).collect();
        // 48 hourly (the last two days) + 12 more days' newest (23:05) = 60.
        assert_eq!(kept.len(), 60);
        for l in &kept {
            let recent = end - l.created_ms <= 48 * HOUR_MS;
            let last_of_day = (l.created_ms % DAY_MS) == 23 * HOUR_MS + 5 * 60_000;
            assert!(recent || last_of_day, "kept {:?}", l.id);
        }
        let oldest_kept = kept.iter().map(|l| l.created_ms).min().unwrap_or(0);
        // Day 16 of 0..=29, at 23:05.
        assert_eq!(
            oldest_kept,
            MIDNIGHT + 16 * DAY_MS + 23 * HOUR_MS + 5 * 60_000
        );
    }

    #[test]
    fn a_day_boundary_splits_days_at_utc_midnight() {
        // 23:59:59 and 00:00:00 are different days and different hours.
        let before = at(MIDNIGHT - 1000, 1);
        let after = at(MIDNIGHT, 2);
        let older_same_day = at(MIDNIGHT - 2 * HOUR_MS, 3);
        let policy = RetentionPolicy {
            hourly: 0,
            daily: 2,
        };
        let deleted = to_delete(
            &[before.clone(), after.clone(), older_same_day.clone()],
            policy,
        );
        assert_eq!(deleted, vec![older_same_day.id]);
    }

    #[test]
    fn extra_backups_in_one_hour_keep_only_the_newest_of_that_hour() {
        let a = at(MIDNIGHT + 60_000, 1);
        let b = at(MIDNIGHT + 120_000, 2);
        let c = at(MIDNIGHT + 30 * 60_000, 3);
        let policy = RetentionPolicy {
            hourly: 48,
            daily: 14,
        };
        let mut deleted = to_delete(&[c.clone(), a.clone(), b.clone()], policy);
        deleted.sort();
        assert_eq!(deleted, vec![a.id, b.id]);
    }

    #[test]
    fn gaps_do_not_use_slots() {
        // Ten backups a day apart: with 3 hourly + 3 daily slots, the newest three are kept by
        // both rules and the rest go, however far apart they are.
        let b: Vec<Listed> = (0..10).map(|d| at(MIDNIGHT + d * DAY_MS, 0)).collect();
        let policy = RetentionPolicy {
            hourly: 3,
            daily: 3,
        };
        let deleted = to_delete(&b, policy);
        assert_eq!(deleted.len(), 7);
        assert!(deleted.iter().all(|id| b[..7].iter().any(|l| &l.id == id)));
    }

    #[test]
    fn the_newest_backup_is_kept_even_with_a_zero_policy() {
        let b = hourly(MIDNIGHT, 3);
        let deleted = to_delete(
            &b,
            RetentionPolicy {
                hourly: 0,
                daily: 0,
            },
        );
        assert_eq!(deleted.len(), 2);
        assert!(!deleted.contains(&b[0].id));
    }

    #[test]
    fn orphans_are_old_data_without_a_manifest() {
        let now = MIDNIGHT + DAY_MS;
        let done = BackupId::new(MIDNIGHT, [1; 8]).expect("id");
        let dead = BackupId::new(MIDNIGHT, [2; 8]).expect("id");
        let running = BackupId::new(now - HOUR_MS, [3; 8]).expect("id");
        let found = orphans(
            &[done.clone(), dead.clone(), running],
            std::slice::from_ref(&done),
            now,
        );
        assert_eq!(found, vec![dead]);
    }
}
