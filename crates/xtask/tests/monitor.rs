//! `cargo xtask monitor --once` against a local stand-in for the service (its `/health` and
//! `/admin/metrics`) and a local webhook that keeps what it is sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Serves `/health` with `health`, `/admin/metrics` (only with the right bearer token) and
/// `POST /hook`, whose bodies it keeps.
fn serve(health: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let hooks = Arc::new(Mutex::new(Vec::new()));
    let kept = hooks.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            let path = first.split_whitespace().nth(1).unwrap_or("").to_owned();
            let (mut length, mut authorized) = (0usize, false);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.trim() == "authorization: bearer sesame-0123456789abcdef0123456789abcdef" {
                    authorized = true;
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let (status, answer) = match path.as_str() {
                "/health" => (if health.contains("unhealthy") { 503 } else { 200 }, health.to_owned()),
                "/admin/metrics" if authorized => (
                    200,
                    r#"{"isolate":{"since_ms":1,"requests":10,"by_status":{"2xx":10}},"server_error_rate":0.0}"#
                        .to_owned(),
                ),
                "/admin/metrics" => (401, "{}".to_owned()),
                "/hook" => {
                    kept.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
                    (200, "ok".to_owned())
                }
                _ => (404, "{}".to_owned()),
            };
            let mut out = &stream;
            let _ = write!(
                out,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, hooks)
}

fn monitor(url: &str, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["monitor", "--url", url, "--once"])
        .args(extra)
        .env(
            "MONITOR_TEST_TOKEN",
            "sesame-0123456789abcdef0123456789abcdef",
        )
        .output()
        .unwrap()
}

#[test]
fn a_degraded_service_is_reported_and_posted_to_the_webhook() {
    let (url, hooks) = serve(
        r#"{"status":"degraded","checks":[{"name":"store:demo","status":"degraded","duration_ms":5,"detail":"upstream breaker open"}]}"#,
    );
    let hook = format!("{url}/hook");
    let out = monitor(
        &url,
        &[
            "--webhook",
            &hook,
            "--admin-token-env",
            "MONITOR_TEST_TOKEN",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("health (start) -> degraded"), "{stdout}");
    assert!(
        stdout.contains("store:demo degraded (upstream breaker open)"),
        "{stdout}"
    );
    assert!(
        !stderr.contains("/admin/metrics answered"),
        "the token was refused: {stderr}"
    );
    let hooks = hooks.lock().unwrap().clone();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    let v: serde_json::Value = serde_json::from_str(&hooks[0]).unwrap();
    let text = v["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("[WARN] {url}: service degraded")),
        "{text}"
    );
}

#[test]
fn an_unhealthy_or_unreachable_service_fails_a_single_poll() {
    let (url, hooks) = serve(
        r#"{"status":"unhealthy","checks":[{"name":"r2:THEMES","status":"failed","duration_ms":3000}]}"#,
    );
    let out = monitor(&url, &["--webhook", &format!("{url}/hook")]);
    assert!(!out.status.success());
    assert!(hooks.lock().unwrap()[0].contains("[PAGE]"));

    // Nothing listens on port 9 of localhost here: unreachable, and said so.
    let out = monitor("http://127.0.0.1:9", &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("unreachable"));
}

#[test]
fn a_missing_token_variable_or_url_is_refused_up_front() {
    let out = monitor(
        "http://127.0.0.1:9",
        &["--admin-token-env", "NO_SUCH_VARIABLE_HERE"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NO_SUCH_VARIABLE_HERE"));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["monitor", "--once"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("monitor needs --url"));
}
