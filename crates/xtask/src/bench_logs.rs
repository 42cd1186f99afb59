//! The request log lines a system wrote during one scenario, read back from its wrangler's
//! log file, and what they say about storage and object calls.
//!
//! Contract (both systems): one JSON object per request on stdout, `"msg":"request"`, its
//! `request_id` being the caller's `X-Request-ID` (the load generator sends `{tag}-{i}`), with
//! the integer fields `rows_read` and `rows_written` (SQLite rows read and written while serving
//! the request, summed over every Durable Object it reached) and `do_calls` (Durable Object
//! calls made for it, the entry's call to the shopper's object included). wrangler prints each
//! line as it is; other output (wrangler's own `[wrangler:info]` lines) is skipped. A system
//! whose lines lack a field reports `null` for it.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

/// Totals over the request lines of one window.
#[derive(Debug, Clone, Default)]
pub struct LogTotals {
    pub lines: usize,
    /// Sums, `None` when any line lacked the field.
    pub rows_read: Option<u64>,
    pub rows_written: Option<u64>,
    pub do_calls: Option<u64>,
}

impl LogTotals {
    pub fn per_request(sum: Option<u64>, requests: usize) -> Option<f64> {
        sum.filter(|_| requests > 0)
            .map(|s| s as f64 / requests as f64)
    }
}

fn read_from(path: &Path, offset: u64) -> String {
    let Ok(mut f) = std::fs::File::open(path) else {
        return String::new();
    };
    if f.seek(SeekFrom::Start(offset)).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = f.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The request lines in `text` whose request id starts with `{tag}-`: JSON objects with
/// `"msg":"request"` (a line may carry a prefix before its `{`).
fn request_lines(text: &str, tag: &str) -> Vec<serde_json::Value> {
    let prefix = format!("{tag}-");
    text.lines()
        .filter_map(|line| line.find('{').and_then(|i| line.get(i..)))
        .filter_map(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .filter(|v| v.get("msg").and_then(|m| m.as_str()) == Some("request"))
        .filter(|v| {
            v.get("request_id")
                .and_then(|m| m.as_str())
                .is_some_and(|id| id.starts_with(&prefix))
        })
        .collect()
}

/// Totals of the request lines of run `tag` written to `path` after byte `offset`. Lines
/// reach the file through wrangler a little after the responses; waits (up to `patience`)
/// until `expected` of them are there.
pub fn window(
    path: &Path,
    offset: u64,
    tag: &str,
    expected: usize,
    patience: Duration,
) -> LogTotals {
    let deadline = Instant::now() + patience;
    let mut lines = request_lines(&read_from(path, offset), tag);
    while lines.len() < expected && Instant::now() < deadline {
        // Polling: the log file is the only signal that wrangler has passed a line on.
        std::thread::sleep(Duration::from_millis(100));
        lines = request_lines(&read_from(path, offset), tag);
    }
    let sum = |field: &str| -> Option<u64> {
        lines
            .iter()
            .map(|l| l.get(field).and_then(serde_json::Value::as_u64))
            .sum::<Option<u64>>()
            .filter(|_| !lines.is_empty())
    };
    LogTotals {
        lines: lines.len(),
        rows_read: sum("rows_read"),
        rows_written: sum("rows_written"),
        do_calls: sum("do_calls"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::bench_proc::file_len;

    #[test]
    fn only_request_lines_count_and_a_missing_field_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.log");
        std::fs::write(
            &path,
            "old line\n{\"msg\":\"request\",\"request_id\":\"r1-home-9\",\"rows_read\":99}\n",
        )
        .unwrap();
        let offset = file_len(&path);
        let more = concat!(
            "[wrangler:info] GET / 200 OK (3ms)\n",
            "{\"ts\":1,\"msg\":\"request\",\"request_id\":\"r1-home-0\",\"rows_read\":3,\"rows_written\":1,\"do_calls\":2}\n",
            "{\"ts\":2,\"msg\":\"catalog.sync\",\"request_id\":\"r1-home-1\",\"rows_read\":1000}\n",
            "{\"ts\":2,\"msg\":\"request\",\"request_id\":\"warmup\",\"rows_read\":1000}\n",
            "\u{1b}[2m{\"ts\":3,\"msg\":\"request\",\"request_id\":\"r1-home-2\",\"rows_read\":5,\"do_calls\":1}\n",
        );
        std::fs::write(
            &path,
            format!("{}{more}", std::fs::read_to_string(&path).unwrap()),
        )
        .unwrap();
        let t = window(&path, offset, "r1-home", 2, Duration::from_millis(10));
        assert_eq!(t.lines, 2);
        assert_eq!(t.rows_read, Some(8));
        assert_eq!(t.rows_written, None, "one line lacks it");
        assert_eq!(t.do_calls, Some(3));
        assert_eq!(LogTotals::per_request(t.rows_read, 2), Some(4.0));
        assert_eq!(LogTotals::per_request(None, 2), None);
    }
}
