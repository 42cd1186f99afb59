//! What `/health` says: each check's status and duration, and one overall state for people
//! and monitors: `healthy`, `degraded` (the service works, something needs a look: an
//! upstream breaker open, a catalog long past its fresh window, a slow dependency) or
//! `unhealthy` (a dependency every request needs is failing).

use crate::catalog_index::CatalogStatus;
use serde::Serialize;

/// A dependency check slower than this makes the service degraded.
pub const SLOW_MS: u64 = 1_000;

/// A catalog this many fresh windows old is more than routinely stale (refreshes run on the
/// next read and on the cron).
pub const STALE_WINDOWS: u64 = 3;

/// The cron's period (wrangler.toml `*/15 * * * *`): an idle store's catalog may routinely be
/// this old before the cron refreshes it, whatever its fresh window.
pub const CRON_PERIOD_MS: u64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Degraded,
    Failed,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub status: CheckStatus,
    pub duration_ms: u64,
    /// Every request needs it (Durable Objects, R2): its failure makes the service unhealthy.
    #[serde(skip)]
    pub critical: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Check {
    /// A dependency's check: failed on error, degraded when slow.
    pub fn dependency(name: &str, result: Result<(), String>, duration_ms: u64) -> Self {
        let (status, detail) = match result {
            Err(e) => (CheckStatus::Failed, Some(e)),
            Ok(()) if duration_ms > SLOW_MS => (
                CheckStatus::Degraded,
                Some(format!("slow: {duration_ms} ms")),
            ),
            Ok(()) => (CheckStatus::Ok, None),
        };
        Check {
            name: name.to_owned(),
            status,
            duration_ms,
            critical: true,
            detail,
        }
    }

    /// A store's catalog: degraded when its upstream breaker is not closed or the catalog is
    /// more than [`STALE_WINDOWS`] fresh windows (and at least a cron period) old; a store that never synced is fine (it
    /// syncs on its first page).
    pub fn store(
        slug: &str,
        status: Result<&CatalogStatus, String>,
        now_ms: u64,
        fresh_ms: u64,
        duration_ms: u64,
    ) -> Self {
        let (status, detail) = match status {
            Err(e) => (CheckStatus::Degraded, Some(e)),
            Ok(s) if s.breaker != "closed" => (
                CheckStatus::Degraded,
                Some(format!("upstream breaker {}", s.breaker)),
            ),
            Ok(s) => match s.synced_at_ms {
                Some(at)
                    if now_ms.saturating_sub(at)
                        > fresh_ms.saturating_mul(STALE_WINDOWS).max(CRON_PERIOD_MS) =>
                {
                    (
                        CheckStatus::Degraded,
                        Some(format!(
                            "catalog synced {} s ago",
                            now_ms.saturating_sub(at) / 1000
                        )),
                    )
                }
                _ => (CheckStatus::Ok, None),
            },
        };
        Check {
            name: format!("store:{slug}"),
            status,
            duration_ms,
            critical: false,
            detail,
        }
    }
}

/// The overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Degraded,
    Unhealthy,
}

impl Health {
    pub fn of(checks: &[Check]) -> Self {
        if checks
            .iter()
            .any(|c| c.critical && c.status == CheckStatus::Failed)
        {
            Health::Unhealthy
        } else if checks.iter().any(|c| c.status != CheckStatus::Ok) {
            Health::Degraded
        } else {
            Health::Healthy
        }
    }

    /// The HTTP status a monitor reads: 503 only when unhealthy.
    pub fn http_status(self) -> u16 {
        match self {
            Health::Unhealthy => 503,
            Health::Healthy | Health::Degraded => 200,
        }
    }
}

/// `/health/ready`'s answer: `ready` (200) when no dependency failed, else `unavailable`
/// (503), with each check as `{name, ok, duration_ms, error?}` (a slow check is still ok here;
/// `/health` calls it degraded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub status: &'static str,
    pub checks: Vec<ReadyCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadyCheck {
    pub name: String,
    pub ok: bool,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Readiness {
    pub fn of(checks: &[Check]) -> Self {
        let checks: Vec<ReadyCheck> = checks
            .iter()
            .map(|c| {
                let ok = c.status != CheckStatus::Failed;
                ReadyCheck {
                    name: c.name.clone(),
                    ok,
                    duration_ms: c.duration_ms,
                    error: if ok { None } else { c.detail.clone() },
                }
            })
            .collect();
        let ready = checks.iter().all(|c| c.ok);
        Readiness {
            status: if ready { "ready" } else { "unavailable" },
            checks,
        }
    }

    pub fn http_status(&self) -> u16 {
        if self.checks.iter().all(|c| c.ok) {
            200
        } else {
            503
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(breaker: &str, synced_at_ms: Option<u64>) -> CatalogStatus {
        CatalogStatus {
            synced_at_ms,
            breaker: breaker.into(),
            ..Default::default()
        }
    }

    #[test]
    fn dependencies_fail_or_slow_down() {
        assert_eq!(Check::dependency("r2", Ok(()), 5).status, CheckStatus::Ok);
        assert_eq!(
            Check::dependency("r2", Ok(()), SLOW_MS + 1).status,
            CheckStatus::Degraded
        );
        let failed = Check::dependency("r2", Err("no answer".into()), 3_000);
        assert_eq!(failed.status, CheckStatus::Failed);
        assert_eq!(Health::of(&[failed]), Health::Unhealthy);
    }

    #[test]
    fn an_open_breaker_or_an_old_catalog_degrades_but_never_kills() {
        let fresh = CRON_PERIOD_MS;
        let open = Check::store("a", Ok(&catalog("open", Some(0))), 1, fresh, 1);
        assert_eq!(open.status, CheckStatus::Degraded);
        assert_eq!(Health::of(std::slice::from_ref(&open)), Health::Degraded);
        assert_eq!(Health::of(&[open]).http_status(), 200);
        let old = Check::store(
            "a",
            Ok(&catalog("closed", Some(0))),
            3 * fresh + 1,
            fresh,
            1,
        );
        assert_eq!(old.status, CheckStatus::Degraded);
        let routine = Check::store("a", Ok(&catalog("closed", Some(0))), 2 * fresh, fresh, 1);
        assert_eq!(routine.status, CheckStatus::Ok);
        let never = Check::store("a", Ok(&catalog("closed", None)), 10 * fresh, fresh, 1);
        assert_eq!(never.status, CheckStatus::Ok);
        // A store configured to be always stale is not degraded within a cron period.
        let eager = Check::store("a", Ok(&catalog("closed", Some(0))), 60_000, 0, 1);
        assert_eq!(eager.status, CheckStatus::Ok);
    }

    #[test]
    fn all_ok_is_healthy_and_serializes_plainly() {
        let checks = [
            Check::dependency("durable_objects", Ok(()), 2),
            Check::store("a", Ok(&catalog("closed", Some(10))), 20, 300_000, 3),
        ];
        assert_eq!(Health::of(&checks), Health::Healthy);
        let json = serde_json::to_value(&checks[1]).unwrap();
        assert_eq!(json["status"], "ok");
        assert_eq!(json["name"], "store:a");
        assert!(json.get("critical").is_none());
    }

    #[test]
    fn readiness_fails_only_on_a_failed_dependency() {
        let slow = Check::dependency("r2:THEMES", Ok(()), SLOW_MS + 1);
        let ok = Check::dependency("durable_objects", Ok(()), 3);
        let ready = Readiness::of(&[ok.clone(), slow]);
        assert_eq!((ready.status, ready.http_status()), ("ready", 200));
        let v = serde_json::to_value(&ready).unwrap();
        assert_eq!(
            v["checks"][1],
            serde_json::json!({"name": "r2:THEMES", "ok": true, "duration_ms": SLOW_MS + 1}),
            "a slow check is ok here and carries no error"
        );
        let failed = Check::dependency("r2:BACKUPS", Err("no binding".into()), 1);
        let not = Readiness::of(&[ok, failed]);
        assert_eq!((not.status, not.http_status()), ("unavailable", 503));
        assert_eq!(
            (not.checks[1].ok, not.checks[1].error.as_deref()),
            (false, Some("no binding"))
        );
        assert_eq!(Readiness::of(&[]).http_status(), 200);
    }
}
