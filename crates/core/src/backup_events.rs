//! The event lines of backups and restores (StoreConfig logs them; `wrangler tail` shows
//! them): a finished or failed backup step, a restore done or refused.

use crate::events::Event;
use crate::log::Level;
use serde::Serialize;

/// A backup's manifest was written: the backup is listed.
#[derive(Debug, Clone, Serialize)]
pub struct BackupFinished {
    pub store: String,
    pub backup: String,
    pub reason: String,
    pub carts: u64,
    pub files: u64,
    pub bytes: u64,
    /// Older backups deleted by the retention policy afterwards.
    pub pruned: u64,
}

impl Event for BackupFinished {
    fn msg(&self) -> &'static str {
        "backup.finished"
    }
}

/// A backup step failed; the run stays stored and the alarm tries again.
#[derive(Debug, Clone, Serialize)]
pub struct BackupFailed {
    pub store: String,
    pub backup: String,
    pub error: String,
}

impl Event for BackupFailed {
    fn msg(&self) -> &'static str {
        "backup.failed"
    }

    fn level(&self) -> Level {
        Level::Error
    }
}

/// A restore finished (`outcome` `restored`) or was refused (`outcome` its refusal code).
#[derive(Debug, Clone, Serialize)]
pub struct RestoreLogged {
    pub store: String,
    pub backup: String,
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety_backup: Option<String>,
    pub carts: u64,
    pub cleared: u64,
}

impl Event for RestoreLogged {
    fn msg(&self) -> &'static str {
        "backup.restore"
    }

    fn level(&self) -> Level {
        if self.outcome == "restored" {
            Level::Info
        } else {
            Level::Warn
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_restore_is_a_warning_with_its_code() {
        let e = RestoreLogged {
            store: "outlet".into(),
            backup: "b".into(),
            outcome: "backup_checksum_mismatch".into(),
            safety_backup: None,
            carts: 0,
            cleared: 0,
        };
        let line = e.line(1, "rid");
        assert!(line.contains(r#""level":"warn""#), "{line}");
        assert!(line.contains(r#""msg":"backup.restore""#), "{line}");
        assert!(line.contains("backup_checksum_mismatch"), "{line}");
        assert!(!line.contains("safety_backup"), "{line}");
    }
}
