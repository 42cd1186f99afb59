//! `cargo xtask monitor`: polls `/health` (and `/admin/metrics` with an admin token), prints
//! state changes and each poll's latency, and posts alerts to a Slack-compatible webhook.
//! The rules are [`crate::monitor_rules`]; this is the loop, the HTTP and the parsing.

use crate::monitor_rules::{Counters, HealthState, Monitor, Sample, Storage};
use crate::{duration_arg, flag_value, http_get};
use serde::Deserialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const USAGE: &str = "cargo xtask monitor --url URL [--interval 30s] [--webhook URL] \
[--admin-token-env NAME] [--once]";

/// How long one request may take before the service counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(args: &[String]) -> Result<(), String> {
    let url = flag_value(args, "--url")?
        .ok_or_else(|| format!("monitor needs --url\nusage: {USAGE}"))?
        .trim_end_matches('/')
        .to_owned();
    let interval = match flag_value(args, "--interval")? {
        Some(d) => duration_arg::parse(&d)?,
        None => Duration::from_secs(30),
    };
    let webhook = flag_value(args, "--webhook")?;
    let token = match flag_value(args, "--admin-token-env")? {
        Some(name) => Some(std::env::var(&name).map_err(|_| {
            format!("--admin-token-env {name}: the environment variable {name} is not set")
        })?),
        None => None,
    };
    let once = args.iter().any(|a| a == "--once");
    if !once && interval < Duration::from_secs(1) {
        return Err(format!("--interval {interval:?} is too short: at least 1s"));
    }
    let agent = http_get::agent(TIMEOUT);
    let mut monitor = Monitor::new();
    eprintln!(
        "monitoring {url} every {interval:?}{}{}",
        if token.is_some() {
            ", with the admin metrics"
        } else {
            " (no --admin-token-env: no error rate)"
        },
        if webhook.is_some() {
            ", alerts to the webhook"
        } else {
            ""
        }
    );
    loop {
        let sample = poll(&agent, &url, token.as_deref());
        let notices = monitor.observe(&sample);
        let now = timestamp();
        for n in &notices {
            println!("{now} {:?}: {}", n.kind, n.text);
            if n.post()
                && let Some(hook) = &webhook
                && let Err(e) = http_get::post_json(&agent, hook, &n.slack_json(&url))
            {
                eprintln!("{now} the webhook refused the alert: {e}");
            }
        }
        println!("{now} {}", monitor.line(&sample));
        if once {
            return match sample.health {
                HealthState::Healthy | HealthState::Degraded => Ok(()),
                other => Err(format!("{url} is {}", other.name())),
            };
        }
        std::thread::sleep(interval);
    }
}

/// Seconds since the epoch, for the printed lines.
fn timestamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("[{secs}]")
}

/// One poll: `/health`, then `/admin/metrics` when a token is given.
fn poll(agent: &ureq::Agent, url: &str, token: Option<&str>) -> Sample {
    let mut sample = match http_get::get(agent, &format!("{url}/health"), &[]) {
        Ok(a) => {
            let (health, detail) = read_health(&a.body).unwrap_or((
                HealthState::Unreachable,
                Some(format!(
                    "/health answered {} without a health status",
                    a.status
                )),
            ));
            Sample {
                health,
                detail,
                latency_ms: Some(a.elapsed_ms),
                counters: None,
                p95_ms: None,
                storage: vec![],
            }
        }
        Err(e) => Sample {
            health: HealthState::Unreachable,
            detail: Some(e),
            latency_ms: None,
            counters: None,
            p95_ms: None,
            storage: vec![],
        },
    };
    if let Some(token) = token {
        let auth = [("authorization", format!("Bearer {token}"))];
        match http_get::get(agent, &format!("{url}/admin/metrics"), &auth) {
            Ok(a) if a.status == 200 => match read_metrics(&a.body) {
                Ok(m) => {
                    sample.counters = Some(m.counters);
                    sample.p95_ms = m.p95_ms;
                    sample.storage = m.storage;
                }
                Err(e) => eprintln!("/admin/metrics: {e}"),
            },
            Ok(a) => eprintln!("/admin/metrics answered {}", a.status),
            Err(e) => eprintln!("/admin/metrics: {e}"),
        }
    }
    sample
}

/// `/health`'s state and, when not healthy, the checks that are not ok.
fn read_health(body: &str) -> Option<(HealthState, Option<String>)> {
    #[derive(Deserialize)]
    struct Check {
        name: String,
        status: String,
        detail: Option<String>,
    }
    #[derive(Deserialize)]
    struct Health {
        status: String,
        #[serde(default)]
        checks: Vec<Check>,
    }
    let h: Health = serde_json::from_str(body).ok()?;
    let state = HealthState::parse(&h.status)?;
    let bad: Vec<String> = h
        .checks
        .iter()
        .filter(|c| c.status != "ok")
        .take(5)
        .map(|c| match &c.detail {
            Some(d) => format!("{} {} ({d})", c.name, c.status),
            None => format!("{} {}", c.name, c.status),
        })
        .collect();
    Some((state, (!bad.is_empty()).then(|| bad.join("; "))))
}

/// What the monitor reads from `/admin/metrics`.
#[derive(Debug, PartialEq)]
struct Metrics {
    counters: Counters,
    p95_ms: Option<u64>,
    storage: Vec<Storage>,
}

/// `/admin/metrics`: `isolate.since_ms`, `isolate.requests`, `isolate.by_status["5xx"]`;
/// and, when the service reports them, `p95_ms` and `storage: [{object, used_bytes,
/// limit_bytes}]` (either at the top or in `isolate`).
fn read_metrics(body: &str) -> Result<Metrics, String> {
    #[derive(Deserialize)]
    struct StorageJson {
        object: String,
        used_bytes: u64,
        limit_bytes: u64,
    }
    #[derive(Deserialize)]
    struct Isolate {
        since_ms: u64,
        requests: u64,
        #[serde(default)]
        by_status: std::collections::BTreeMap<String, u64>,
        p95_ms: Option<u64>,
        #[serde(default)]
        storage: Vec<StorageJson>,
    }
    #[derive(Deserialize)]
    struct Body {
        isolate: Isolate,
        p95_ms: Option<u64>,
        #[serde(default)]
        storage: Vec<StorageJson>,
    }
    let b: Body = serde_json::from_str(body).map_err(|e| format!("not the admin metrics: {e}"))?;
    let storage = b
        .storage
        .into_iter()
        .chain(b.isolate.storage)
        .map(|s| Storage {
            object: s.object,
            used_bytes: s.used_bytes,
            limit_bytes: s.limit_bytes,
        })
        .collect();
    Ok(Metrics {
        counters: Counters {
            since_ms: b.isolate.since_ms,
            requests: b.isolate.requests,
            server_errors: b.isolate.by_status.get("5xx").copied().unwrap_or(0),
        },
        p95_ms: b.p95_ms.or(b.isolate.p95_ms),
        storage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_answers_are_read_with_their_failing_checks() {
        let body = r#"{"status":"degraded","checks":[{"name":"durable_objects","status":"ok","duration_ms":3},{"name":"store:demo","status":"degraded","duration_ms":9,"detail":"upstream breaker open"}],"timestamp_ms":1,"environment":"production","version":"0.1.0","uptime_ms":5}"#;
        assert_eq!(
            read_health(body),
            Some((
                HealthState::Degraded,
                Some("store:demo degraded (upstream breaker open)".into())
            ))
        );
        assert_eq!(
            read_health(r#"{"status":"healthy","checks":[]}"#),
            Some((HealthState::Healthy, None))
        );
        for bad in ["", "<html>", r#"{"status":"ok"}"#, r#"{"status":3}"#] {
            assert_eq!(read_health(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn admin_metrics_are_read_as_the_worker_writes_them() {
        let body = r#"{"isolate":{"since_ms":1700,"requests":120,"by_status":{"2xx":100,"5xx":7},"by_route":{"page":120},"rate_limited":0,"errors":{}},"server_error_rate":0.058}"#;
        let m = read_metrics(body).unwrap();
        assert_eq!(
            m.counters,
            Counters {
                since_ms: 1700,
                requests: 120,
                server_errors: 7
            }
        );
        assert_eq!(m.p95_ms, None);
        assert!(m.storage.is_empty());
        let with_more = r#"{"isolate":{"since_ms":1,"requests":1},"p95_ms":640,"storage":[{"object":"StoreConfig:demo","used_bytes":9,"limit_bytes":10}]}"#;
        let m = read_metrics(with_more).unwrap();
        assert_eq!(m.counters.server_errors, 0);
        assert_eq!(m.p95_ms, Some(640));
        assert_eq!(m.storage[0].object, "StoreConfig:demo");
        for bad in ["", "{}", r#"{"isolate":{"requests":-1,"since_ms":0}}"#] {
            assert!(read_metrics(bad).is_err(), "{bad:?}");
        }
    }
}
