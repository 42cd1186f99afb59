//! `cargo xtask restore --backup ID --store SLUG [--url URL] [--timeout 30m]` and `cargo
//! xtask backups [--url URL]`: the operator's side of the admin API's backup routes.
//!
//! A restore answers 200 when it finished within the request, 202 when it goes on in the
//! background: then `restore` polls `GET /admin/stores/{slug}/restore` every second, prints
//! each change of progress, and ends with the final status (non-zero unless `restored`).
//!
//! The admin token is `$ADMIN_TOKEN`; when it is not set and the URL is a local one
//! (127.0.0.1, localhost, [::1]: what `cargo xtask dev` serves), it is read from the
//! `.dev.vars` that `cargo xtask dev` generated.

use crate::http_json::send_json;
use crate::{duration_arg, flag_value};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};
use ureq::Agent;

/// How long `restore` waits for a restore that goes on in the background, by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Between two polls of the restore's status.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Where `cargo xtask dev` serves unless told otherwise.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8787";

/// `cargo xtask restore`: asks the service to restore a store from a backup.
pub fn restore(args: &[String]) -> Result<(), String> {
    let request = RestoreRequest::parse(args)?;
    let token = admin_token(
        &request.url,
        std::env::var("ADMIN_TOKEN").ok(),
        &crate::paths::root().join(".dev.vars"),
    )?;
    let http = agent();
    let (status, body) = send_json(
        &http,
        "POST",
        &request.endpoint(),
        &token,
        Some(&request.body()),
    )?;
    let mut shown = answer(status, &body)?;
    let mut last = serde_json::from_str::<Value>(&body).unwrap_or(Value::Null);
    let deadline = Instant::now() + request.timeout;
    let mut progress = String::new();
    while !is_finished(&last) {
        let line = progress_line(&last);
        if line != progress {
            eprintln!("{line}");
            progress = line;
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the restore is still running after {:?}: {progress}\n  follow it with GET {}",
                request.timeout,
                request.endpoint()
            ));
        }
        std::thread::sleep(POLL_EVERY);
        let (status, body) = send_json(&http, "GET", &request.endpoint(), &token, None)?;
        shown = answer(status, &body)?;
        last = serde_json::from_str(&body).unwrap_or(Value::Null);
    }
    println!("{shown}");
    match last["status"].as_str() {
        Some("restored") => Ok(()),
        other => Err(format!(
            "the restore ended {}: {}",
            other.unwrap_or("without a status"),
            last["error"]
        )),
    }
}

/// A restore's status body that is no longer `running` (or not a status at all).
fn is_finished(status: &Value) -> bool {
    status["status"].as_str() != Some("running")
}

/// One line of progress from a restore's status.
fn progress_line(s: &Value) -> String {
    let mut line = format!(
        "restore {}: {} ({} of {} files verified, {} of {} carts written, {} cleared)",
        s["run"].as_str().unwrap_or("?"),
        s["phase"].as_str().unwrap_or("?"),
        s["files_verified"],
        s["files"],
        s["carts"],
        s["carts_total"],
        s["cleared"],
    );
    if let Some(e) = s["error"]["message"].as_str() {
        line.push_str(&format!("; last attempt failed: {e}"));
    }
    line
}

/// `cargo xtask backups`: lists the backups (`GET /admin/backups`).
pub fn list(args: &[String]) -> Result<(), String> {
    let url = base_url(args)?;
    let token = admin_token(
        &url,
        std::env::var("ADMIN_TOKEN").ok(),
        &crate::paths::root().join(".dev.vars"),
    )?;
    let (status, body) = send_json(
        &agent(),
        "GET",
        &format!("{url}/admin/backups"),
        &token,
        None,
    )?;
    println!("{}", answer(status, &body)?);
    Ok(())
}

fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // A restore takes a backup first and then writes every cart back: allow it time.
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// What `cargo xtask restore` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreRequest {
    pub backup: String,
    pub store: String,
    pub url: String,
    /// How long to wait for a restore that goes on in the background.
    pub timeout: Duration,
}

impl RestoreRequest {
    pub fn parse(args: &[String]) -> Result<RestoreRequest, String> {
        let backup = flag_value(args, "--backup")?.ok_or("restore needs --backup ID")?;
        let store = flag_value(args, "--store")?.ok_or("restore needs --store SLUG")?;
        // The id and slug go into a URL path and a JSON body: refuse anything that could change
        // the path. The service checks their exact shapes.
        let plain = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !plain(&backup) {
            return Err(format!("--backup {backup:?} is not a backup id"));
        }
        if !plain(&store) {
            return Err(format!("--store {store:?} is not a store slug"));
        }
        let timeout = match flag_value(args, "--timeout")? {
            Some(t) => duration_arg::parse(&t)?,
            None => DEFAULT_TIMEOUT,
        };
        Ok(RestoreRequest {
            backup,
            store,
            url: base_url(args)?,
            timeout,
        })
    }

    pub fn endpoint(&self) -> String {
        format!("{}/admin/stores/{}/restore", self.url, self.store)
    }

    pub fn body(&self) -> String {
        serde_json::json!({ "backup": self.backup }).to_string()
    }
}

/// `--url`, else [`DEFAULT_URL`], without a trailing slash.
fn base_url(args: &[String]) -> Result<String, String> {
    let url = flag_value(args, "--url")?.unwrap_or_else(|| DEFAULT_URL.to_owned());
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("--url {url:?} must start with http:// or https://"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// True for URLs of this machine (where `.dev.vars` holds the token).
fn is_local(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| format!("{h}]"))
    } else {
        host_port.split(':').next().map(str::to_owned)
    };
    matches!(host.as_deref(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// The admin token: `env` (from `$ADMIN_TOKEN`) if set, else `dev_vars`' `ADMIN_TOKEN` for a
/// local URL.
pub fn admin_token(url: &str, env: Option<String>, dev_vars: &Path) -> Result<String, String> {
    if let Some(token) = env.filter(|t| !t.trim().is_empty()) {
        return Ok(token.trim().to_owned());
    }
    if !is_local(url) {
        return Err(format!(
            "set ADMIN_TOKEN to the admin token of {url} (.dev.vars is only used for a local URL)"
        ));
    }
    let vars = wandstore_stack::read_env_file(dev_vars).map_err(|e| {
        format!("{e}\n  set ADMIN_TOKEN, or start the local stack once with `cargo xtask dev`")
    })?;
    vars.into_iter()
        .find(|(k, _)| k == "ADMIN_TOKEN")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("{} has no ADMIN_TOKEN; set ADMIN_TOKEN", dev_vars.display()))
}

/// The service's answer: its body (pretty JSON when it is JSON) for a 2xx, else an error with
/// the status and the error body.
pub fn answer(status: u16, body: &str) -> Result<String, String> {
    let shown = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned());
    if (200..300).contains(&status) {
        Ok(shown)
    } else {
        Err(format!("the service answered {status}:\n{shown}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_restore_posts_the_backup_id_to_the_stores_restore_route() {
        let r = RestoreRequest::parse(&args(&[
            "--backup",
            "20261128T220000Z-0a1b2c3d4e5f6071",
            "--store",
            "outlet",
            "--url",
            "https://wandstore.example/",
        ]))
        .expect("valid");
        assert_eq!(
            r.endpoint(),
            "https://wandstore.example/admin/stores/outlet/restore"
        );
        let body: serde_json::Value = serde_json::from_str(&r.body()).expect("json");
        assert_eq!(
            body,
            serde_json::json!({"backup": "20261128T220000Z-0a1b2c3d4e5f6071"})
        );
        let local =
            RestoreRequest::parse(&args(&["--store", "demo", "--backup", "x"])).expect("valid");
        assert_eq!(local.url, DEFAULT_URL);
    }

    #[test]
    fn a_running_restore_is_followed_until_it_finishes() {
        let running: Value = serde_json::json!({
            "run": "20261128T220000Z-0a1b2c3d4e5f6071", "status": "running",
            "phase": "apply_carts", "files": 5, "files_verified": 5,
            "carts": 400, "carts_total": 1000, "cleared": 0,
            "error": {"code": "r2_unavailable", "message": "backup storage failed"}
        });
        assert!(!is_finished(&running));
        let line = progress_line(&running);
        assert!(line.contains("apply_carts"), "{line}");
        assert!(line.contains("400 of 1000 carts"), "{line}");
        assert!(
            line.contains("last attempt failed: backup storage failed"),
            "{line}"
        );
        for done in ["restored", "refused", "failed"] {
            assert!(
                is_finished(&serde_json::json!({ "status": done })),
                "{done}"
            );
        }
        assert!(is_finished(&Value::Null), "not a status: nothing to follow");
        let r = RestoreRequest::parse(&args(&[
            "--backup",
            "b",
            "--store",
            "s",
            "--timeout",
            "90s",
        ]))
        .expect("valid");
        assert_eq!(r.timeout, Duration::from_secs(90));
        assert_eq!(
            RestoreRequest::parse(&args(&["--backup", "b", "--store", "s"]))
                .expect("valid")
                .timeout,
            DEFAULT_TIMEOUT
        );
        assert!(
            RestoreRequest::parse(&args(&["--backup", "b", "--store", "s", "--timeout", "x"]))
                .is_err()
        );
    }

    #[test]
    fn missing_or_path_changing_arguments_are_refused() {
        assert!(RestoreRequest::parse(&args(&["--store", "outlet"])).is_err());
        assert!(RestoreRequest::parse(&args(&["--backup", "x"])).is_err());
        assert!(RestoreRequest::parse(&args(&["--backup", "x", "--store"])).is_err());
        for store in ["../admin", "out/let", "", "a?b", "a b"] {
            assert!(
                RestoreRequest::parse(&args(&["--backup", "x", "--store", store])).is_err(),
                "{store:?}"
            );
        }
        assert!(RestoreRequest::parse(&args(&["--backup", "x\"}", "--store", "outlet"])).is_err());
        assert!(
            RestoreRequest::parse(&args(&[
                "--backup", "x", "--store", "o", "--url", "ftp://x"
            ]))
            .is_err()
        );
    }

    #[test]
    fn the_token_comes_from_the_environment_or_a_local_dev_vars() {
        let dir = tempfile::tempdir().expect("tempdir");
        let vars = dir.path().join(".dev.vars");
        std::fs::write(
            &vars,
            "# generated\nCOOKIE_SECRET=x\nADMIN_TOKEN=from-file\n",
        )
        .expect("write");
        assert_eq!(
            admin_token(DEFAULT_URL, Some("from-env".into()), &vars),
            Ok("from-env".into())
        );
        assert_eq!(
            admin_token(DEFAULT_URL, None, &vars),
            Ok("from-file".into())
        );
        assert_eq!(
            admin_token("http://localhost:8788", Some(" ".into()), &vars),
            Ok("from-file".into())
        );
        assert_eq!(
            admin_token("http://[::1]:8787", None, &vars),
            Ok("from-file".into())
        );
        // A remote URL never uses the local file.
        assert!(admin_token("https://wandstore.example", None, &vars).is_err());
        assert!(admin_token("http://127.0.0.1.evil.example", None, &vars).is_err());
        let missing = dir.path().join("none");
        assert!(admin_token(DEFAULT_URL, None, &missing).is_err());
        std::fs::write(&vars, "COOKIE_SECRET=x\n").expect("write");
        assert!(admin_token(DEFAULT_URL, None, &vars).is_err());
    }

    #[test]
    fn a_non_2xx_answer_is_an_error_with_the_body() {
        assert_eq!(answer(200, "{\"a\":1}"), Ok("{\n  \"a\": 1\n}".into()));
        assert_eq!(answer(202, "plain"), Ok("plain".into()));
        let err = answer(
            422,
            r#"{"error":{"code":"backup_checksum_mismatch","message":"carts-0001.ndjson"}}"#,
        )
        .expect_err("422");
        assert!(err.contains("422") && err.contains("backup_checksum_mismatch"));
        assert!(answer(500, "").is_err());
        assert!(answer(199, "").is_err());
    }

    /// Serves one HTTP request with `status` and `body`; returns the request's head and body.
    fn serve_once(status: u16, body: &'static str) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("read");
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().expect("length");
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                head.push_str(&line);
            }
            let mut request_body = vec![0; length];
            reader.read_exact(&mut request_body).expect("body");
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .expect("respond");
            format!("{head}\n{}", String::from_utf8_lossy(&request_body))
        });
        (url, handle)
    }

    #[test]
    fn the_request_reaches_the_service_with_method_path_token_and_body() {
        let (url, server) = serve_once(200, r#"{"restored":"outlet"}"#);
        let r = RestoreRequest::parse(&args(&[
            "--backup", "b-1", "--store", "outlet", "--url", &url,
        ]))
        .expect("valid");
        let (status, body) =
            send_json(&agent(), "POST", &r.endpoint(), "tok", Some(&r.body())).expect("sent");
        assert_eq!(
            answer(status, &body),
            Ok("{\n  \"restored\": \"outlet\"\n}".into())
        );
        let seen = server.join().expect("server");
        assert!(
            seen.starts_with("POST /admin/stores/outlet/restore HTTP/1.1"),
            "{seen}"
        );
        assert!(
            seen.to_ascii_lowercase()
                .contains("authorization: bearer tok"),
            "{seen}"
        );
        assert!(seen.ends_with(r#"{"backup":"b-1"}"#), "{seen}");
    }

    #[test]
    fn a_refused_restore_surfaces_the_status_and_error_body() {
        let (url, server) = serve_once(422, r#"{"error":{"code":"backup_file_missing"}}"#);
        let (status, body) = send_json(
            &agent(),
            "POST",
            &format!("{url}/admin/stores/outlet/restore"),
            "tok",
            Some("{}"),
        )
        .expect("sent");
        let err = answer(status, &body).expect_err("refused");
        assert!(err.contains("422") && err.contains("backup_file_missing"));
        server.join().expect("server");
    }
}
