//! `cargo xtask deploy` end to end against a stand-in `wrangler` (a shell script that records
//! its calls and can fail the upload) and a local HTTP server standing for the deployed
//! Worker (its `/health/ready` and store page answer what each test says). Native: no stack,
//! no network, no Cloudflare account.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

const OLD: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const NEW: &str = "bbbbbbbb-0000-4000-8000-000000000002";

const STUB: &str = r#"#!/bin/sh
# Stand-in wrangler: records each call, answers like wrangler 4.
echo "$*" >> "$STUB_CALLS"
case "$1 $2" in
  "secret list")
    if [ -n "$STUB_SECRETS" ]; then echo "$STUB_SECRETS"
    else echo '[{"name":"ADMIN_TOKEN","type":"secret_text"},{"name":"SHOPPER_COOKIE_SECRET","type":"secret_text"},{"name":"BACKUP_SECRET","type":"secret_text"}]'; fi ;;
  "deployments status")
    echo "{\"id\":\"d1\",\"versions\":[{\"version_id\":\"$STUB_OLD\",\"percentage\":100}]}" ;;
  "versions upload")
    if [ -n "$STUB_FAIL_UPLOAD" ]; then echo "X [ERROR] A request to the Cloudflare API failed (500)" >&2; exit 1; fi
    echo "Uploaded wandstore-staging (1.00 sec)"
    echo "Worker Version ID: $STUB_NEW" ;;
  "versions deploy")
    echo "SUCCESS Deployed wandstore-staging version" ;;
  "deploy --message")
    echo "Uploaded wandstore-staging (1.00 sec)"
    echo "Deployed wandstore-staging triggers (0.50 sec)"
    echo "Current Version ID: $STUB_NEW" ;;
  *)
    echo "stub wrangler: unexpected call: $*" >&2; exit 2 ;;
esac
"#;

/// A local stand-in for the deployed Worker: `/health/ready` answers `ready` (200 for the
/// first `ready_ok_for` requests, then `ready`), the smoke page `/s/demo/` answers `page`
/// with HTML; every request's version-override header is kept.
struct Service {
    port: u16,
    overrides: Arc<Mutex<Vec<String>>>,
}

impl Service {
    fn start(ready: u16, page: u16) -> Service {
        Service::start_failing_after(0, ready, page)
    }

    fn start_failing_after(ready_ok_for: u16, ready: u16, page: u16) -> Service {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        let port = listener.local_addr().expect("address").port();
        let ready_seen = Arc::new(AtomicU16::new(0));
        let overrides = Arc::new(Mutex::new(Vec::new()));
        let (seen, o) = (ready_seen.clone(), overrides.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let path = first.split_whitespace().nth(1).unwrap_or("").to_owned();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("cloudflare-workers-version-overrides:") {
                        o.lock().unwrap().push(v.trim().to_owned());
                    }
                    line.clear();
                }
                let (status, ctype, body) = match path.as_str() {
                    "/health/ready" => {
                        let n = seen.fetch_add(1, Ordering::SeqCst);
                        let s = if n < ready_ok_for { 200 } else { ready };
                        let word = if s == 200 { "ready" } else { "unavailable" };
                        (s, "application/json", format!("{{\"status\":\"{word}\"}}"))
                    }
                    "/s/demo/" => (
                        page,
                        "text/html; charset=utf-8",
                        "<!doctype html><title>demo</title>".to_owned(),
                    ),
                    _ => (404, "text/plain", "not found".to_owned()),
                };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Service { port, overrides }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

struct Run {
    output: Output,
    calls: Vec<String>,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn deploys(&self) -> Vec<&str> {
        self.calls
            .iter()
            .filter(|c| c.starts_with("versions deploy"))
            .map(String::as_str)
            .collect()
    }
}

fn stub(dir: &Path) -> PathBuf {
    let path = dir.join("wrangler");
    std::fs::write(&path, STUB).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Runs `cargo xtask deploy` with the stand-in wrangler and `extra_env`.
fn deploy(args: &[&str], extra_env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("deploy")
        .args(args)
        .env("WANDSTORE_WRANGLER", stub(dir.path()))
        .env("STUB_CALLS", &calls)
        .env("STUB_OLD", OLD)
        .env("STUB_NEW", NEW);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let output = cmd.output().unwrap();
    let calls = std::fs::read_to_string(&calls)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    Run { output, calls }
}

fn staging(service: &Service) -> Vec<String> {
    [
        "--env",
        "staging",
        "--skip-tests",
        "--skip-build",
        "--probe-interval",
        "0s",
        "--url",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([service.url()])
    .collect()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_healthy_release_goes_to_10_then_100_percent_without_rollback() {
    let service = Service::start(200, 200);
    let run = deploy(&args(&staging(&service)), &[]);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert_eq!(
        run.calls
            .iter()
            .map(|c| c.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        [
            "secret list",
            "deployments status",
            "versions upload",
            "versions deploy",
            "versions deploy"
        ],
        "{:?}",
        run.calls
    );
    let deploys = run.deploys();
    assert!(
        deploys[0].starts_with(&format!("versions deploy {NEW}@10% {OLD}@90% --yes")),
        "{deploys:?}"
    );
    assert!(
        deploys[1].starts_with(&format!("versions deploy {NEW}@100% --yes")),
        "{deploys:?}"
    );
    assert!(
        run.calls.iter().all(|c| c.ends_with("--env staging")),
        "{:?}",
        run.calls
    );
    // Every probe was pinned to the new version of the staging worker.
    let overrides = service.overrides.lock().unwrap().clone();
    assert_eq!(overrides.len(), 2 * 2 * 3, "{overrides:?}");
    assert!(
        overrides
            .iter()
            .all(|o| o == &format!("wandstore-staging=\"{NEW}\"")),
        "{overrides:?}"
    );
    assert!(
        run.stderr()
            .contains(&format!("deployed version {NEW} at 100 %")),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_failed_upload_stops_before_any_traffic_moves() {
    let service = Service::start(200, 200);
    let run = deploy(&args(&staging(&service)), &[("STUB_FAIL_UPLOAD", "1")]);
    assert!(!run.output.status.success());
    assert!(run.deploys().is_empty(), "{:?}", run.calls);
    assert!(run.calls.iter().any(|c| c.starts_with("versions upload")));
    let err = run.stderr();
    assert!(
        err.contains("deploy stopped, nothing changed: upload"),
        "{err}"
    );
    assert!(service.overrides.lock().unwrap().is_empty());
}

#[test]
fn failing_health_at_10_percent_rolls_back_to_the_old_version() {
    let service = Service::start(503, 200);
    let run = deploy(&args(&staging(&service)), &[]);
    assert!(!run.output.status.success());
    let deploys = run.deploys();
    assert_eq!(deploys.len(), 2, "{deploys:?}");
    assert!(
        deploys[0].starts_with(&format!("versions deploy {NEW}@10% {OLD}@90%")),
        "{deploys:?}"
    );
    assert!(
        deploys[1].starts_with(&format!("versions deploy {OLD}@100%")),
        "{deploys:?}"
    );
    let err = run.stderr();
    assert!(
        err.contains(&format!("rolled back to {OLD} at 100 %")),
        "{err}"
    );
    assert!(err.contains("/health/ready answered 503"), "{err}");
}

#[test]
fn a_failing_store_page_rolls_back_too() {
    let service = Service::start(200, 500);
    let run = deploy(&args(&staging(&service)), &[]);
    assert!(!run.output.status.success());
    let deploys = run.deploys();
    assert_eq!(deploys.len(), 2, "{deploys:?}");
    assert!(
        deploys[1].starts_with(&format!("versions deploy {OLD}@100%")),
        "{deploys:?}"
    );
    assert!(run.stderr().contains("smoke test"), "{}", run.stderr());
    // Nothing reached 100 %.
    assert!(!deploys.iter().any(|d| d.contains(&format!("{NEW}@100%"))));
}

#[test]
fn failing_health_at_100_percent_rolls_back_after_the_full_rollout() {
    // The three probes at 10 % pass; from then on /health/ready answers 503.
    let service = Service::start_failing_after(3, 503, 200);
    let run = deploy(&args(&staging(&service)), &[]);
    assert!(!run.output.status.success());
    let deploys = run.deploys();
    assert_eq!(deploys.len(), 3, "{deploys:?}");
    assert!(deploys[0].starts_with(&format!("versions deploy {NEW}@10% {OLD}@90%")));
    assert!(deploys[1].starts_with(&format!("versions deploy {NEW}@100%")));
    assert!(deploys[2].starts_with(&format!("versions deploy {OLD}@100%")));
    assert!(
        run.stderr().contains("at 100%: /health/ready answered 503"),
        "{}",
        run.stderr()
    );
}

#[test]
fn all_at_once_deploys_with_wrangler_deploy_and_never_rolls_back() {
    let mut a = staging(&Service::start(200, 200));
    a.push("--all-at-once".into());
    let run = deploy(&args(&a), &[]);
    assert!(run.output.status.success(), "{}", run.stderr());
    let verbs: Vec<&str> = run
        .calls
        .iter()
        .map(|c| c.split(" --").next().unwrap_or(""))
        .collect();
    assert_eq!(verbs, ["secret list", "deploy"], "{:?}", run.calls);

    // A first deploy: no store yet (the page would 404), so no smoke page is read.
    let mut a = staging(&Service::start(200, 404));
    a.extend([
        "--all-at-once".into(),
        "--smoke-store".into(),
        String::new(),
    ]);
    let run = deploy(&args(&a), &[]);
    assert!(run.output.status.success(), "{}", run.stderr());

    let mut a = staging(&Service::start(503, 200));
    a.push("--all-at-once".into());
    let run = deploy(&args(&a), &[]);
    assert!(!run.output.status.success());
    assert!(
        run.deploys().is_empty(),
        "no rollback attempted: {:?}",
        run.calls
    );
    assert!(
        run.stderr().contains("cannot be rolled back automatically"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_missing_secret_stops_the_deploy_in_preflight() {
    let service = Service::start(200, 200);
    let run = deploy(
        &args(&staging(&service)),
        &[(
            "STUB_SECRETS",
            r#"[{"name":"ADMIN_TOKEN","type":"secret_text"}]"#,
        )],
    );
    assert!(!run.output.status.success());
    assert_eq!(run.calls.len(), 1, "{:?}", run.calls);
    let err = run.stderr();
    assert!(err.contains("preflight"), "{err}");
    assert!(
        err.contains("wrangler secret put SHOPPER_COOKIE_SECRET --env staging"),
        "{err}"
    );
}

#[test]
fn a_dry_run_prints_the_plan_and_calls_nothing() {
    let run = deploy(&["--env", "production", "--dry-run"], &[]);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert!(run.calls.is_empty(), "{:?}", run.calls);
    let plan = String::from_utf8_lossy(&run.output.stdout);
    for step in [
        "preflight",
        "cargo xtask test",
        "wrangler versions upload",
        "wrangler versions deploy <new>@10% <current>@90% --yes",
        "wrangler versions deploy <new>@100% --yes",
        "https://wandstore.dev/health/ready",
        "wandstore=\"<new>\"",
        "ROLLBACK",
    ] {
        assert!(plan.contains(step), "{step:?} missing from:\n{plan}");
    }
}

#[test]
fn without_an_environment_nothing_is_deployed() {
    let run = deploy(&["--skip-tests"], &[]);
    assert!(!run.output.status.success());
    assert!(run.calls.is_empty());
    assert!(run.stderr().contains("needs --env"), "{}", run.stderr());
}
