//! `cargo xtask monitor`'s alert rules, pure: each poll's [`Sample`] in, the [`Notice`]s to
//! print and post out. An alert is posted when a condition enters a level (warn or page) or
//! moves between them, never again while it holds, and a recovery when it clears.
//!
//! Thresholds (the operations targets): `/health` degraded warns, unhealthy or unreachable
//! pages; 5xx rate over the last polls above 1 % warns, above 5 % pages; p95 latency above
//! 500 ms warns; a Durable Object's storage above 80 % of its limit warns.

use std::collections::BTreeMap;

pub const ERROR_RATE_WARN: f64 = 0.01;
pub const ERROR_RATE_PAGE: f64 = 0.05;
pub const P95_WARN_MS: u64 = 500;
pub const STORAGE_WARN_SHARE: f64 = 0.80;
/// Requests an isolate must have served since the last computed rate before a new rate is
/// computed (a 1-in-3 error is not a 33 % error rate).
pub const MIN_REQUESTS: u64 = 50;
/// Latencies kept for the monitor's own p95 when the metrics give none.
pub const LATENCY_WINDOW: usize = 20;
/// Latencies needed before that p95 means anything.
pub const MIN_LATENCIES: usize = 5;
/// Isolates whose counters are remembered (each Cloudflare isolate counts on its own).
const MAX_ISOLATES: usize = 32;

/// `/health`'s overall state as the monitor saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthState {
    Healthy,
    Degraded,
    Unhealthy,
    /// No answer, or not a `/health` answer.
    Unreachable,
}

impl HealthState {
    /// The `status` field of `/health` (`healthy`, `degraded`, `unhealthy`).
    pub fn parse(status: &str) -> Option<HealthState> {
        match status {
            "healthy" => Some(HealthState::Healthy),
            "degraded" => Some(HealthState::Degraded),
            "unhealthy" => Some(HealthState::Unhealthy),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HealthState::Healthy => "healthy",
            HealthState::Degraded => "degraded",
            HealthState::Unhealthy => "unhealthy",
            HealthState::Unreachable => "unreachable",
        }
    }
}

/// One isolate's counters from `/admin/metrics` (cumulative since `since_ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub since_ms: u64,
    pub requests: u64,
    pub server_errors: u64,
}

/// One Durable Object's storage, if the metrics report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    pub object: String,
    pub used_bytes: u64,
    pub limit_bytes: u64,
}

impl Storage {
    /// The share of its limit in use (`None` when the limit is unknown).
    fn share(&self) -> Option<f64> {
        (self.limit_bytes > 0).then(|| self.used_bytes as f64 / self.limit_bytes as f64)
    }
}

/// What one poll saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub health: HealthState,
    /// Why, when not healthy (failed checks, or the transport error).
    pub detail: Option<String>,
    /// How long `/health` took, when it answered.
    pub latency_ms: Option<u64>,
    /// `None` when the admin metrics were not asked or did not answer.
    pub counters: Option<Counters>,
    /// The service's own p95 in ms, if the metrics report one.
    pub p95_ms: Option<u64>,
    pub storage: Vec<Storage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ok,
    Warn,
    Page,
}

/// Something to print; `post` ones go to the webhook too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Printed only (a state change that is not an alert, the per-poll line).
    Info,
    Warn,
    Page,
    /// A condition that alerted has cleared.
    Resolved,
}

impl Notice {
    /// Whether it goes to the webhook.
    pub fn post(&self) -> bool {
        self.kind != NoticeKind::Info
    }

    /// The Slack-compatible webhook body (`{"text": …}`), prefixed with the service URL.
    pub fn slack_json(&self, service: &str) -> String {
        let tag = match self.kind {
            NoticeKind::Info => "info",
            NoticeKind::Warn => "WARN",
            NoticeKind::Page => "PAGE",
            NoticeKind::Resolved => "RESOLVED",
        };
        serde_json::json!({ "text": format!("[{tag}] {service}: {}", self.text) }).to_string()
    }
}

/// The monitor's memory between polls.
#[derive(Debug, Clone, Default)]
pub struct Monitor {
    health: Option<HealthState>,
    /// Active level of each condition (`health`, `error_rate`, `p95`, `storage:{object}`).
    active: BTreeMap<String, Severity>,
    /// Each isolate's counters when its rate was last computed, by `since_ms`.
    baselines: BTreeMap<u64, Counters>,
    latencies: Vec<u64>,
    /// The last computed error rate, for the per-poll line.
    last_rate: Option<f64>,
}

/// A condition's level now, or `None` when this poll says nothing about it.
struct Reading {
    key: String,
    level: Option<Severity>,
    what: String,
}

impl Monitor {
    pub fn new() -> Monitor {
        Monitor::default()
    }

    /// Takes one poll's sample; answers what to print and post, in order.
    pub fn observe(&mut self, s: &Sample) -> Vec<Notice> {
        let mut out = Vec::new();
        if self.health != Some(s.health) {
            let from = self.health.map(HealthState::name).unwrap_or("(start)");
            out.push(Notice {
                kind: NoticeKind::Info,
                text: format!(
                    "health {from} -> {}{}{}",
                    s.health.name(),
                    s.latency_ms
                        .map(|ms| format!(" ({ms} ms)"))
                        .unwrap_or_default(),
                    s.detail
                        .as_ref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
            });
            self.health = Some(s.health);
        }
        if let Some(ms) = s.latency_ms {
            self.latencies.push(ms);
            if self.latencies.len() > LATENCY_WINDOW {
                self.latencies.remove(0);
            }
        }
        let mut readings = vec![
            self.health_reading(s),
            self.error_reading(s),
            self.p95_reading(s),
        ];
        readings.extend(s.storage.iter().map(storage_reading));
        for r in readings {
            if let Some(n) = self.settle(r) {
                out.push(n);
            }
        }
        out
    }

    /// The one-line summary of the last poll (state, latency, error rate, p95).
    pub fn line(&self, s: &Sample) -> String {
        format!(
            "{} {} errors {} p95 {} storage {}",
            s.health.name(),
            s.latency_ms
                .map(|m| format!("{m} ms"))
                .unwrap_or("-".into()),
            self.last_rate
                .map(|r| format!("{:.2}%", r * 100.0))
                .unwrap_or("-".into()),
            self.p95(s).map(|m| format!("{m} ms")).unwrap_or("-".into()),
            fullest(&s.storage),
        )
    }

    fn health_reading(&self, s: &Sample) -> Reading {
        let level = match s.health {
            HealthState::Healthy => Severity::Ok,
            HealthState::Degraded => Severity::Warn,
            HealthState::Unhealthy | HealthState::Unreachable => Severity::Page,
        };
        Reading {
            key: "health".into(),
            level: Some(level),
            what: format!(
                "service {}{}",
                s.health.name(),
                s.detail
                    .as_ref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ),
        }
    }

    fn error_reading(&mut self, s: &Sample) -> Reading {
        let mut reading = Reading {
            key: "error_rate".into(),
            level: None,
            what: String::new(),
        };
        let Some(c) = s.counters else {
            return reading;
        };
        let base = match self.baselines.get(&c.since_ms) {
            Some(b) if b.requests <= c.requests && b.server_errors <= c.server_errors => *b,
            _ => {
                // A new isolate (or one whose counters went back): start counting from here.
                self.remember(c);
                return reading;
            }
        };
        let requests = c.requests - base.requests;
        if requests < MIN_REQUESTS {
            return reading;
        }
        let errors = c.server_errors - base.server_errors;
        let rate = errors as f64 / requests as f64;
        self.remember(c);
        self.last_rate = Some(rate);
        reading.level = Some(if rate > ERROR_RATE_PAGE {
            Severity::Page
        } else if rate > ERROR_RATE_WARN {
            Severity::Warn
        } else {
            Severity::Ok
        });
        reading.what = format!(
            "5xx rate {:.1}% ({errors} of {requests} requests since the last reading; warn > \
             {:.0}%, page > {:.0}%)",
            rate * 100.0,
            ERROR_RATE_WARN * 100.0,
            ERROR_RATE_PAGE * 100.0
        );
        reading
    }

    fn remember(&mut self, c: Counters) {
        self.baselines.insert(c.since_ms, c);
        while self.baselines.len() > MAX_ISOLATES {
            // Forget the oldest isolate.
            let oldest = self.baselines.keys().next().copied();
            if let Some(k) = oldest {
                self.baselines.remove(&k);
            }
        }
    }

    /// The service's p95 when reported, else the p95 of the monitor's own latencies.
    fn p95(&self, s: &Sample) -> Option<u64> {
        s.p95_ms.or_else(|| {
            if self.latencies.len() < MIN_LATENCIES {
                return None;
            }
            let mut sorted = self.latencies.clone();
            sorted.sort_unstable();
            let rank = (sorted.len() * 95).div_ceil(100).max(1) - 1;
            sorted.get(rank).copied()
        })
    }

    fn p95_reading(&self, s: &Sample) -> Reading {
        let p95 = self.p95(s);
        Reading {
            key: "p95".into(),
            level: p95.map(|p| {
                if p > P95_WARN_MS {
                    Severity::Warn
                } else {
                    Severity::Ok
                }
            }),
            what: format!(
                "p95 latency {} ms ({}; warn > {P95_WARN_MS} ms)",
                p95.unwrap_or(0),
                if s.p95_ms.is_some() {
                    "the service's own"
                } else {
                    "measured by the monitor"
                }
            ),
        }
    }

    /// Turns a reading into a notice when its level changed.
    fn settle(&mut self, r: Reading) -> Option<Notice> {
        let level = r.level?;
        let was = self.active.get(&r.key).copied().unwrap_or(Severity::Ok);
        if level == was {
            return None;
        }
        if level == Severity::Ok {
            self.active.remove(&r.key);
            return Some(Notice {
                kind: NoticeKind::Resolved,
                text: format!("recovered: {}", r.what),
            });
        }
        self.active.insert(r.key, level);
        Some(Notice {
            kind: if level == Severity::Page {
                NoticeKind::Page
            } else {
                NoticeKind::Warn
            },
            text: r.what,
        })
    }
}

/// The fullest object of the poll (`-` when the metrics report none), e.g.
/// `StoreConfig:demo 1.2% (123 of 10000000000 bytes; 3 objects)`.
fn fullest(storage: &[Storage]) -> String {
    let share = |st: &Storage| st.share().unwrap_or(0.0);
    storage
        .iter()
        .max_by(|a, b| share(a).total_cmp(&share(b)))
        .map_or("-".into(), |st| {
            format!(
                "{} {:.1}% ({} of {} bytes; {} objects)",
                st.object,
                share(st) * 100.0,
                st.used_bytes,
                st.limit_bytes,
                storage.len()
            )
        })
}

fn storage_reading(st: &Storage) -> Reading {
    let share = st.share();
    Reading {
        key: format!("storage:{}", st.object),
        level: share.map(|s| {
            if s > STORAGE_WARN_SHARE {
                Severity::Warn
            } else {
                Severity::Ok
            }
        }),
        what: format!(
            "Durable Object {} storage at {:.0}% of its limit ({} of {} bytes; warn > {:.0}%)",
            st.object,
            share.unwrap_or(0.0) * 100.0,
            st.used_bytes,
            st.limit_bytes,
            STORAGE_WARN_SHARE * 100.0
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(health: HealthState) -> Sample {
        Sample {
            health,
            detail: None,
            latency_ms: Some(40),
            counters: None,
            p95_ms: None,
            storage: vec![],
        }
    }

    fn counters(since_ms: u64, requests: u64, server_errors: u64) -> Sample {
        Sample {
            counters: Some(Counters {
                since_ms,
                requests,
                server_errors,
            }),
            ..sample(HealthState::Healthy)
        }
    }

    fn posted(notices: &[Notice]) -> Vec<(NoticeKind, &str)> {
        notices
            .iter()
            .filter(|n| n.post())
            .map(|n| (n.kind, n.text.as_str()))
            .collect()
    }

    #[test]
    fn health_changes_are_reported_and_alerts_posted_once() {
        let mut m = Monitor::new();
        let first = m.observe(&sample(HealthState::Healthy));
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].text, "health (start) -> healthy (40 ms)");
        assert!(posted(&first).is_empty());
        assert!(m.observe(&sample(HealthState::Healthy)).is_empty());

        let degraded = Sample {
            detail: Some("store demo: upstream breaker open".into()),
            ..sample(HealthState::Degraded)
        };
        let n = m.observe(&degraded);
        assert_eq!(n[0].kind, NoticeKind::Info);
        assert!(n[0].text.contains("healthy -> degraded"), "{n:?}");
        assert_eq!(
            posted(&n),
            [(
                NoticeKind::Warn,
                "service degraded: store demo: upstream breaker open"
            )]
        );
        // No repeat while it holds.
        assert!(m.observe(&degraded).is_empty());
        // Worse: a page.
        let n = m.observe(&sample(HealthState::Unreachable));
        assert_eq!(posted(&n)[0].0, NoticeKind::Page);
        // Recovery.
        let n = m.observe(&sample(HealthState::Healthy));
        assert_eq!(
            posted(&n),
            [(NoticeKind::Resolved, "recovered: service healthy")]
        );
        assert!(m.observe(&sample(HealthState::Healthy)).is_empty());
    }

    #[test]
    fn error_rate_thresholds_warn_above_1_and_page_above_5_percent() {
        let mut m = Monitor::new();
        m.observe(&counters(7, 1_000, 0));
        // 1 % exactly is not above 1 %.
        let n = m.observe(&counters(7, 1_100, 1));
        assert!(posted(&n).is_empty(), "{n:?}");
        let n = m.observe(&counters(7, 1_200, 3)); // 2 of 100
        assert_eq!(posted(&n)[0].0, NoticeKind::Warn);
        assert!(posted(&n)[0].1.contains("5xx rate 2.0% (2 of 100"), "{n:?}");
        assert!(
            m.observe(&counters(7, 1_300, 5)).is_empty(),
            "still warn: no repeat"
        );
        let n = m.observe(&counters(7, 1_400, 11)); // 6 of 100
        assert_eq!(posted(&n)[0].0, NoticeKind::Page);
        let n = m.observe(&counters(7, 1_500, 11)); // 0 of 100
        assert_eq!(posted(&n)[0].0, NoticeKind::Resolved);
        assert!(m.line(&counters(7, 1_500, 11)).contains("errors 0.00%"));
    }

    #[test]
    fn too_few_requests_new_isolates_and_reset_counters_say_nothing() {
        let mut m = Monitor::new();
        m.observe(&counters(1, 100, 0));
        // 10 requests, all failing: not enough to judge.
        assert!(posted(&m.observe(&counters(1, 110, 10))).is_empty());
        // Another isolate: a baseline of its own, no rate from a mix of two.
        assert!(posted(&m.observe(&counters(2, 5, 5))).is_empty());
        // Counters that went back (a restarted isolate reusing since_ms): a new baseline.
        assert!(posted(&m.observe(&counters(1, 3, 0))).is_empty());
        // The first isolate again, enough requests since ITS last reading: judged.
        let n = m.observe(&counters(1, 103 + MIN_REQUESTS, 40));
        assert_eq!(posted(&n)[0].0, NoticeKind::Page, "{n:?}");
    }

    #[test]
    fn hostile_counters_never_panic() {
        let mut m = Monitor::new();
        m.observe(&counters(u64::MAX, u64::MAX, u64::MAX));
        m.observe(&counters(u64::MAX, u64::MAX, 0));
        m.observe(&counters(0, 0, u64::MAX));
        for i in 0..(MAX_ISOLATES as u64 * 2) {
            m.observe(&counters(i, i, 0));
        }
        assert!(m.baselines.len() <= MAX_ISOLATES);
    }

    #[test]
    fn p95_comes_from_the_service_or_from_enough_probes() {
        let mut m = Monitor::new();
        let slow = |ms| Sample {
            latency_ms: Some(ms),
            ..sample(HealthState::Healthy)
        };
        for _ in 0..MIN_LATENCIES - 1 {
            assert!(posted(&m.observe(&slow(900))).is_empty());
        }
        let n = m.observe(&slow(900));
        assert_eq!(posted(&n)[0].0, NoticeKind::Warn, "{n:?}");
        assert!(posted(&n)[0].1.contains("measured by the monitor"));
        // Fast again for a whole window: resolved once.
        let mut resolved = 0;
        for _ in 0..LATENCY_WINDOW {
            resolved += posted(&m.observe(&slow(30)))
                .iter()
                .filter(|(k, _)| *k == NoticeKind::Resolved)
                .count();
        }
        assert_eq!(resolved, 1);
        // The service's own p95 wins.
        let n = m.observe(&Sample {
            p95_ms: Some(501),
            ..slow(30)
        });
        assert!(posted(&n)[0].1.contains("the service's own"), "{n:?}");
    }

    #[test]
    fn storage_above_80_percent_warns_per_object() {
        let mut m = Monitor::new();
        let with = |used| Sample {
            storage: vec![
                Storage {
                    object: "StoreConfig:demo".into(),
                    used_bytes: used,
                    limit_bytes: 1_000,
                },
                Storage {
                    object: "zero-limit".into(),
                    used_bytes: 5,
                    limit_bytes: 0,
                },
            ],
            ..sample(HealthState::Healthy)
        };
        assert!(posted(&m.observe(&with(800))).is_empty());
        let n = m.observe(&with(801));
        assert_eq!(posted(&n).len(), 1);
        assert!(
            posted(&n)[0].1.contains("StoreConfig:demo storage at 80%"),
            "{n:?}"
        );
        assert!(m.observe(&with(900)).is_empty());
        assert!(
            m.line(&with(900))
                .ends_with("storage StoreConfig:demo 90.0% (900 of 1000 bytes; 2 objects)"),
            "{}",
            m.line(&with(900))
        );
        assert_eq!(posted(&m.observe(&with(10)))[0].0, NoticeKind::Resolved);
        assert!(m.line(&sample(HealthState::Healthy)).ends_with("storage -"));
    }

    #[test]
    fn the_webhook_body_is_slack_json_with_the_text_escaped() {
        let n = Notice {
            kind: NoticeKind::Page,
            text: "service \"unhealthy\"\n<b>".into(),
        };
        let v: serde_json::Value = serde_json::from_str(&n.slack_json("https://x.dev")).unwrap();
        assert_eq!(
            v["text"],
            "[PAGE] https://x.dev: service \"unhealthy\"\n<b>"
        );
        assert_eq!(v.as_object().unwrap().len(), 1);
    }

    #[test]
    fn status_names_parse_and_unknown_ones_do_not() {
        assert_eq!(HealthState::parse("degraded"), Some(HealthState::Degraded));
        assert_eq!(HealthState::parse("ok"), None);
        assert_eq!(HealthState::parse(""), None);
    }
}
