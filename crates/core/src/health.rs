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

/// How long one dependency check may take.
pub const CHECK_TIMEOUT_MS: u64 = 3_000;

/// `/health` looks at this many stores at most (in registry order), so it stays cheap.
pub const MAX_STORES_CHECKED: usize = 20;

/// A dependency every request needs, checked by `/health/ready` and `/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependency {
    /// The Durable Objects, asked through the store registry.
    DurableObjects,
    /// An R2 bucket binding (wrangler.toml).
    Bucket(&'static str),
}

impl Dependency {
    /// Every dependency, in the order the answers list them.
    pub const ALL: [Dependency; 4] = [
        Dependency::DurableObjects,
        Dependency::Bucket("ASSETS"),
        Dependency::Bucket("THEMES"),
        Dependency::Bucket("BACKUPS"),
    ];

    /// The check's name in the answers (`durable_objects`, `r2:ASSETS`).
    pub fn name(self) -> String {
        match self {
            Dependency::DurableObjects => "durable_objects".to_owned(),
            Dependency::Bucket(binding) => format!("r2:{binding}"),
        }
    }

    /// The check's result when its dependency did not answer within [`CHECK_TIMEOUT_MS`].
    pub fn timed_out(self, duration_ms: u64) -> Check {
        let why = format!("no answer within {} s", CHECK_TIMEOUT_MS / 1000);
        Check::dependency(&self.name(), Err(why), duration_ms)
    }
}

/// `/health`'s answer: the overall state, every check, and which Worker answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub status: Health,
    pub checks: Vec<Check>,
    pub timestamp_ms: u64,
    pub environment: String,
    pub version: &'static str,
    pub uptime_ms: u64,
}

impl Summary {
    /// The state `checks` add up to, at `now_ms`, for an isolate started at `started_ms`.
    pub fn of(
        checks: Vec<Check>,
        now_ms: u64,
        started_ms: u64,
        environment: Option<String>,
        version: &'static str,
    ) -> Self {
        Summary {
            status: Health::of(&checks),
            checks,
            timestamp_ms: now_ms,
            environment: environment.unwrap_or_default(),
            version,
            uptime_ms: now_ms.saturating_sub(started_ms),
        }
    }

    /// 200 when healthy or degraded, 503 when unhealthy.
    pub fn http_status(&self) -> u16 {
        self.status.http_status()
    }
}

/// The security contact when the Worker is given none (`SECURITY_CONTACT`).
pub const DEFAULT_SECURITY_CONTACT: &str = "mailto:security@wandstore.dev";

/// `/.well-known/security.txt` (RFC 9116) at `now_ms`: valid for a year.
pub fn security_txt(contact: Option<&str>, now_ms: u64) -> String {
    let contact = contact.unwrap_or(DEFAULT_SECURITY_CONTACT);
    let year_ms: u64 = 365 * 24 * 60 * 60 * 1000;
    let expires = iso_millis(now_ms.saturating_add(year_ms));
    format!("Contact: {contact}\nExpires: {expires}\nPreferred-Languages: en\n")
}

/// A time in ms since the epoch as `2027-11-29T03:31:53.120Z` (always three fraction digits).
fn iso_millis(ms: u64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
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

    #[test]
    fn every_dependency_is_named_and_a_silent_one_fails() {
        let names: Vec<String> = Dependency::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(
            names,
            ["durable_objects", "r2:ASSETS", "r2:THEMES", "r2:BACKUPS"]
        );
        let silent = Dependency::Bucket("THEMES").timed_out(CHECK_TIMEOUT_MS);
        assert_eq!(silent.status, CheckStatus::Failed);
        assert_eq!(silent.detail.as_deref(), Some("no answer within 3 s"));
        assert_eq!(Health::of(&[silent]), Health::Unhealthy);
    }

    #[test]
    fn the_summary_adds_up_its_checks_and_says_who_answered() {
        let failed = Check::dependency("r2:ASSETS", Err("gone".into()), 4);
        let open = Check::store("a", Ok(&catalog("open", Some(0))), 1, 1, 1);
        let down = Summary::of(vec![failed, open.clone()], 5_000, 1_000, None, "1.2.3");
        assert_eq!((down.status, down.http_status()), (Health::Unhealthy, 503));
        assert_eq!((down.uptime_ms, down.environment.as_str()), (4_000, ""));
        let degraded = Summary::of(vec![open], 5, 10, Some("staging".into()), "1.2.3");
        assert_eq!((degraded.http_status(), degraded.uptime_ms), (200, 0));
        let json = serde_json::to_value(&degraded).unwrap();
        assert_eq!(json["status"], "degraded");
        assert_eq!(json["environment"], "staging");
        assert_eq!(json["version"], "1.2.3");
        assert_eq!(json["checks"][0]["name"], "store:a");
        let empty = Summary::of(Vec::new(), 0, 0, None, "v");
        assert_eq!(empty.status, Health::Healthy);
    }

    #[test]
    fn security_txt_names_a_contact_and_expires_in_a_year() {
        let txt = security_txt(None, 1_764_386_713_120);
        assert_eq!(
            txt,
            "Contact: mailto:security@wandstore.dev\nExpires: 2026-11-29T03:25:13.120Z\nPreferred-Languages: en\n"
        );
        let own = security_txt(Some("https://example.com/sec"), 0);
        assert!(
            own.starts_with(
                "Contact: https://example.com/sec\nExpires: 1971-01-01T00:00:00.000Z\n"
            )
        );
        let far = security_txt(None, u64::MAX);
        assert!(
            far.contains("Expires: \n"),
            "an impossible time gives an empty date: {far}"
        );
    }
}
