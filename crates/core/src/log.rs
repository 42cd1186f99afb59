//! The one JSON log line per request that operators read with `wrangler tail`.

use serde::Serialize;

/// One request, as logged. Field names are the documented log schema; absent values are
/// left out of the line rather than written as null.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestLog {
    /// Milliseconds since the Unix epoch when the request arrived.
    pub ts: u64,
    pub level: Level,
    pub msg: &'static str,
    pub request_id: String,
    pub method: String,
    /// The path only: query strings may carry secrets and are never logged.
    pub path: String,
    pub status: u16,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// A short hash of the shopper id, never the id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shopper: Option<String>,
    /// The Durable Object class that served the request, if any.
    #[serde(rename = "do", skip_serializing_if = "Option::is_none")]
    pub durable_object: Option<&'static str>,
    /// How fresh the catalog data behind the page was: `fresh`, `stale`, `miss`, `local`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    /// Whether a new shopper identity was minted for this request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub new_shopper: bool,
    /// SQLite rows the shopper's object read and wrote for this request, and the calls it
    /// made to other objects (what Cloudflare bills per request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_read: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_written: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_calls: Option<u64>,
    /// Upstream (Shopify) calls the request waited for, and their total time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_calls: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_ms: Option<u64>,
    /// The rate-limit class the request counted against, and what the limiter said
    /// (`allowed`, `limited`, `unavailable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_decision: Option<&'static str>,
    /// Cloudflare's ray id, data centre and the client's country, when the edge sends them
    /// (never the client's IP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cf_ray: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Info,
    Warn,
    Error,
}

impl Level {
    /// The level a response status deserves: 5xx is an error, 4xx a warning.
    pub fn for_status(status: u16) -> Level {
        match status {
            500.. => Level::Error,
            400..=499 => Level::Warn,
            _ => Level::Info,
        }
    }
}

/// The longest caller-supplied `X-Request-ID` that is kept.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// A caller's `X-Request-ID`, if it is short and plain (letters, digits, `-`, `_`), so it is
/// safe to log and to echo; otherwise the shell makes a new one.
pub fn accept_request_id(raw: Option<&str>) -> Option<String> {
    let id = raw?;
    (!id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| id.to_owned())
}

/// A request id of our own: 16 random bytes as 32 lowercase hex characters, or, should the
/// runtime's random source fail, one from the clock (the id only correlates log lines).
pub fn new_request_id<E>(random: Result<[u8; 16], E>, now_ms: u64) -> String {
    match random {
        Ok(bytes) => hex::encode(bytes),
        Err(_) => format!("t{now_ms}"),
    }
}

/// A client-supplied value as a log line may hold it: at most 64 characters of letters,
/// digits, `-` and `_` (a ray id, a colo, a country code), so nothing a client sends can
/// forge log fields or smuggle data into them.
pub fn log_safe(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(64)
        .collect()
}

impl RequestLog {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            format!(
                r#"{{"level":"error","msg":"log line failed to serialize","request_id":{:?}}}"#,
                self.request_id
            )
        })
    }
}

/// A log line for something that is not a request (a sync, a cron run): the usual `ts`,
/// `level`, `msg` and `request_id`, plus the fields of `fields` (an object).
pub fn event_line(
    ts: u64,
    level: Level,
    msg: &str,
    request_id: &str,
    fields: serde_json::Value,
) -> String {
    let mut line = serde_json::json!({
        "ts": ts,
        "level": level,
        "msg": msg,
        "request_id": request_id,
    });
    if let (Some(line), serde_json::Value::Object(extra)) = (line.as_object_mut(), fields) {
        for (k, v) in extra {
            line.entry(k).or_insert(v);
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_values_are_made_log_safe() {
        assert_eq!(log_safe("8c1f2e3d4a5b6c7d-LHR"), "8c1f2e3d4a5b6c7d-LHR");
        assert_eq!(log_safe("DE\",\"admin\":true"), "DEadmintrue");
        assert_eq!(log_safe(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn a_new_request_id_is_32_hex_characters_or_from_the_clock_without_randomness() {
        let id = new_request_id::<()>(Ok([0xab; 16]), 5);
        assert_eq!(id, "ab".repeat(16));
        assert_eq!(accept_request_id(Some(&id)), Some(id.clone()));
        let mixed = new_request_id::<()>(
            Ok([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]),
            5,
        );
        assert_eq!(mixed, "000102030405060708090a0b0c0d0eff");
        assert_eq!(
            new_request_id(Err("no crypto"), 1_700_000_000_000),
            "t1700000000000"
        );
    }

    #[test]
    fn plain_short_request_ids_are_kept_and_others_replaced() {
        assert_eq!(
            accept_request_id(Some("abc-123_X")),
            Some("abc-123_X".into())
        );
        let at_limit = "a".repeat(MAX_REQUEST_ID_LEN);
        assert_eq!(accept_request_id(Some(&at_limit)), Some(at_limit.clone()));
        let past = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in [
            "",
            "has space",
            "new\nline",
            "quote\"",
            "ünï",
            past.as_str(),
        ] {
            assert_eq!(accept_request_id(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(accept_request_id(None), None);
    }

    #[test]
    fn a_log_line_is_one_line_of_json_without_empty_fields() {
        let line = RequestLog {
            ts: 1,
            level: Level::for_status(404),
            msg: "request",
            request_id: "r1".into(),
            method: "GET".into(),
            path: "/s/x/\n".into(),
            status: 404,
            duration_ms: 3,
            store: Some("outlet".into()),
            durable_object: Some("ShopperStorefront"),
            ..Default::default()
        }
        .to_json();
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["level"], "warn");
        assert_eq!(v["do"], "ShopperStorefront");
        assert_eq!(v["store"], "outlet");
        assert!(v.get("shopper").is_none());
        assert!(v.get("new_shopper").is_none());
        assert!(v.get("error").is_none());
    }

    #[test]
    fn event_lines_carry_their_fields_but_never_override_the_basics() {
        let line = event_line(
            5,
            Level::Warn,
            "catalog.sync",
            "r9",
            serde_json::json!({"store": "demo", "msg": "spoof", "stale": true}),
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["msg"], "catalog.sync");
        assert_eq!(v["level"], "warn");
        assert_eq!(v["store"], "demo");
        assert_eq!(v["stale"], true);
        assert_eq!(v["ts"], 5);
    }

    #[test]
    fn levels_follow_the_status() {
        assert_eq!(Level::for_status(200), Level::Info);
        assert_eq!(Level::for_status(303), Level::Info);
        assert_eq!(Level::for_status(429), Level::Warn);
        assert_eq!(Level::for_status(503), Level::Error);
    }
}
