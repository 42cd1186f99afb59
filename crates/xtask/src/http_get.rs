//! One blocking HTTP GET for deploy probes and the monitor (ureq, https included): status,
//! content type, body and how long it took.

use std::time::{Duration, Instant};
use ureq::Agent;

/// An answer, whatever its status.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub elapsed_ms: u64,
}

/// An agent that answers every status (no status is an error) within `timeout`.
pub fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// GETs `url` with `headers`; an error only when there is no HTTP answer.
pub fn get(agent: &Agent, url: &str, headers: &[(&str, String)]) -> Result<Answer, String> {
    let started = Instant::now();
    let mut req = agent.get(url);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let mut resp = req.call().map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp
        .body_mut()
        .with_config()
        .limit(4 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
    Ok(Answer {
        status,
        content_type,
        body,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// POSTs a JSON body; an error when there is no answer or it is not 2xx.
pub fn post_json(agent: &Agent, url: &str, body: &str) -> Result<(), String> {
    let mut resp = agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        Err(format!("POST {url}: {status} {text}"))
    }
}
