//! The operator's backup knobs from the Worker's `[vars]`: how many backups each store keeps
//! (`BACKUP_KEEP_HOURLY`, `BACKUP_KEEP_DAILY`) and how many carts a restore writes or clears
//! per step (`RESTORE_PAGE_SIZE`). A missing or unreadable value keeps its default.

use crate::retention::RetentionPolicy;
use crate::run::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// The knobs, read once per use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSettings {
    pub retention: RetentionPolicy,
    /// 1..=[`MAX_PAGE_SIZE`], default [`DEFAULT_PAGE_SIZE`].
    pub restore_page_size: u32,
}

impl BackupSettings {
    /// Reads the knobs through `var` (a `[vars]` lookup).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> BackupSettings {
        let number = |name: &str| var(name).and_then(|v| v.trim().parse::<u32>().ok());
        let default = RetentionPolicy::default();
        BackupSettings {
            retention: RetentionPolicy {
                hourly: number("BACKUP_KEEP_HOURLY").unwrap_or(default.hourly),
                daily: number("BACKUP_KEEP_DAILY").unwrap_or(default.daily),
            },
            restore_page_size: number("RESTORE_PAGE_SIZE")
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> BackupSettings {
        BackupSettings::from_vars(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_and_values_from_vars() {
        let defaults = read(&[]);
        assert_eq!(defaults.retention, RetentionPolicy::default());
        assert_eq!(defaults.restore_page_size, DEFAULT_PAGE_SIZE);
        let set = read(&[
            ("BACKUP_KEEP_HOURLY", " 6 "),
            ("BACKUP_KEEP_DAILY", "3"),
            ("RESTORE_PAGE_SIZE", "1"),
        ]);
        assert_eq!((set.retention.hourly, set.retention.daily), (6, 3));
        assert_eq!(set.restore_page_size, 1);
    }

    #[test]
    fn bad_values_keep_defaults_and_page_sizes_are_clamped() {
        let bad = read(&[
            ("BACKUP_KEEP_HOURLY", "-1"),
            ("BACKUP_KEEP_DAILY", "lots"),
            ("RESTORE_PAGE_SIZE", "0"),
        ]);
        assert_eq!(bad.retention, RetentionPolicy::default());
        assert_eq!(bad.restore_page_size, 1);
        assert_eq!(
            read(&[("RESTORE_PAGE_SIZE", "100000")]).restore_page_size,
            MAX_PAGE_SIZE
        );
        assert_eq!(
            read(&[("RESTORE_PAGE_SIZE", "")]).restore_page_size,
            DEFAULT_PAGE_SIZE
        );
    }
}
