//! Personalization's latency in `cargo xtask bench`: the home page of shoppers with history,
//! p50/p99, while the model is healthy, hanging and failing (devshop's `ai` fault), side by
//! side in one run. Each measured page is the one that schedules that shopper's model refresh
//! (after the response), so a page that waited for the model would show it here.

use super::bench_load::{agent, new_shoppers, percentile};
use crate::http_json::send_json;
use serde::Serialize;
use std::time::Instant;
use ureq::Agent;

/// The model's condition for one row, and devshop's fault mode for it.
const MODES: [(&str, &str); 3] = [
    ("model healthy", "none"),
    ("model hanging", "hang"),
    ("model failing (500)", "http500"),
];
/// Products each shopper views before the measured home page.
const VIEWS: usize = 3;

#[derive(Debug, Clone, Serialize)]
pub struct AiRow {
    pub model: &'static str,
    pub pages: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Home pages that were not 200.
    pub not_200: usize,
    /// Home pages whose block came from the model (a healthy model's earlier answers).
    pub ai_blocks: usize,
}

fn get_with_cookie(http: &Agent, url: &str, cookie: &str) -> Result<(u16, String), String> {
    let mut resp = http
        .get(url)
        .header("cookie", cookie)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Ok((status, body))
}

fn fault(http: &Agent, devshop: &str, mode: &str) -> Result<(), String> {
    let url = format!("{devshop}/_devshop/faults/ai");
    let body = format!("{{\"mode\":\"{mode}\"}}");
    let (status, text) = send_json(http, "PUT", &url, "", Some(&body))?;
    if status != 200 {
        return Err(format!(
            "devshop refused the ai fault {mode}: {status} {text}"
        ));
    }
    Ok(())
}

/// Turns personalization on for `store` and measures `shoppers` home pages per model mode.
pub fn measure(
    base: &str,
    admin_token: &str,
    devshop: &str,
    store: &str,
    handles: &[String],
    shoppers: usize,
) -> Result<Vec<AiRow>, String> {
    let http = agent();
    let settings = r#"{"enabled":true,"holdout_pct":0,"refresh_minutes":1,"daily_budget":1000000}"#;
    let url = format!("{base}/admin/stores/{store}/personalization/settings");
    let (status, text) = send_json(&http, "PUT", &url, admin_token, Some(settings))?;
    if status != 200 {
        return Err(format!("turning personalization on: {status} {text}"));
    }
    if handles.is_empty() {
        return Err("no products to browse".into());
    }
    let mut rows = Vec::new();
    for (label, mode) in MODES {
        fault(&http, devshop, mode)?;
        let cookies = new_shoppers(&http, base, shoppers)?;
        for (i, cookie) in cookies.iter().enumerate() {
            for k in 0..VIEWS {
                let handle = &handles[(i * VIEWS + k) % handles.len()];
                get_with_cookie(&http, &format!("{base}/products/{handle}"), cookie)?;
            }
        }
        let mut latencies = Vec::with_capacity(cookies.len());
        let (mut not_200, mut ai_blocks) = (0, 0);
        for cookie in &cookies {
            let started = Instant::now();
            let (status, body) = get_with_cookie(&http, &format!("{base}/"), cookie)?;
            latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            not_200 += usize::from(status != 200);
            ai_blocks += usize::from(body.contains("data-source=\"ai\""));
        }
        latencies.sort_by(f64::total_cmp);
        rows.push(AiRow {
            model: label,
            pages: latencies.len(),
            p50_ms: percentile(&latencies, 50.0),
            p99_ms: percentile(&latencies, 99.0),
            not_200,
            ai_blocks,
        });
    }
    fault(&http, devshop, "none")?;
    Ok(rows)
}

/// The rows as a table.
pub fn print(rows: &[AiRow]) {
    println!(
        "\nHome page with personalization on (shoppers with history; each page schedules a model refresh):"
    );
    println!(
        "{:<22} {:>6} {:>9} {:>9} {:>8}",
        "", "pages", "p50 ms", "p99 ms", "non-200"
    );
    for r in rows {
        println!(
            "{:<22} {:>6} {:>9.1} {:>9.1} {:>8}",
            r.model, r.pages, r.p50_ms, r.p99_ms, r.not_200
        );
    }
}
