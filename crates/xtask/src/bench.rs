//! `cargo xtask bench [--concurrency N] [--requests N]`: load against a local stack
//! (release Worker, devshop upstream) for the storefront's hot paths, plus the criterion
//! benchmark of rendering. Prints req/s and latency percentiles per scenario, and how many
//! StoreConfig requests 1,000 page views cost (the hot-store protection).
//!
//! Every figure comes from this machine and this run: compare runs on the same machine.

use crate::{bootstrap, build, flag_value, paths, step};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use ureq::Agent;
use wandstore_stack::{Stack, StackOptions, default_devshop_bin};

/// Request `i` of a run: (method, path, body).
type MakeRequest = Box<dyn Fn(usize) -> (&'static str, String, Option<String>) + Send + Sync>;

struct Scenario {
    name: &'static str,
    request: MakeRequest,
    /// Counts as a page view for the StoreConfig ratio.
    page_view: bool,
}

struct Result {
    name: &'static str,
    requests: usize,
    errors: usize,
    seconds: f64,
    latencies_ms: Vec<f64>,
}

fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn run(args: &[String]) -> std::result::Result<(), String> {
    let concurrency: usize = flag_value(args, "--concurrency")?
        .map(|v| {
            v.parse()
                .map_err(|_| "--concurrency needs a number".to_owned())
        })
        .transpose()?
        .unwrap_or(8);
    let requests: usize = flag_value(args, "--requests")?
        .map(|v| {
            v.parse()
                .map_err(|_| "--requests needs a number".to_owned())
        })
        .transpose()?
        .unwrap_or(400);

    bootstrap::all()?;
    build::worker_if_stale()?;
    let root = paths::root();
    let state = tempfile::Builder::new()
        .prefix("wandstore-bench-")
        .tempdir()
        .map_err(|e| format!("creating a state dir: {e}"))?;
    let t = step::start("starting a local stack for the benchmark");
    let opts = StackOptions::for_tests(
        root.clone(),
        state.path().to_path_buf(),
        default_devshop_bin(&root),
        &[],
    )?;
    let stack = Stack::start(&opts)?;
    step::done("stack ready", t);
    let base = stack.url();
    let admin = stack.admin_token().unwrap_or_default().to_owned();

    // Warm the catalog and learn some product handles and a buyable variant.
    let http = agent();
    let sync = http
        .post(format!("{base}/admin/stores/demo/sync"))
        .header("authorization", &format!("Bearer {admin}"))
        .send_empty()
        .map_err(|e| format!("syncing demo: {e}"))?;
    if sync.status().as_u16() != 200 {
        return Err(format!("syncing demo answered {}", sync.status()));
    }
    let listing = get_text(&http, &format!("{base}/collections/all?size=48"))?;
    let handles: Vec<String> = listing
        .split("href=\"/products/")
        .skip(1)
        .map(|p| p.chars().take_while(|c| *c != '"' && *c != '?').collect())
        .fold(Vec::new(), |mut acc: Vec<String>, h| {
            if !acc.contains(&h) {
                acc.push(h);
            }
            acc
        });
    if handles.is_empty() {
        return Err("the demo store lists no products".into());
    }
    let variant = handles
        .iter()
        .find_map(|h| {
            let page = get_text(&http, &format!("{base}/products/{h}")).ok()?;
            if page.contains("Sold out</button>") {
                return None;
            }
            page.split("name=\"variant_id\" value=\"")
                .nth(1)
                .or_else(|| page.split("<option value=\"").nth(1))
                .map(|v| v.chars().take_while(|c| *c != '"').collect::<String>())
        })
        .ok_or("no buyable product found")?;

    let handles = Arc::new(handles);
    let scenarios = vec![
        Scenario {
            name: "home page",
            request: Box::new(|_| ("GET", "/".to_owned(), None)),
            page_view: true,
        },
        Scenario {
            name: "collection page (24)",
            request: Box::new(|i| ("GET", format!("/collections/all?page={}", 1 + i % 10), None)),
            page_view: true,
        },
        Scenario {
            name: "product page",
            request: {
                let handles = Arc::clone(&handles);
                Box::new(move |i| {
                    (
                        "GET",
                        format!("/products/{}", handles[i % handles.len()]),
                        None,
                    )
                })
            },
            page_view: true,
        },
        Scenario {
            name: "cart add (JSON API)",
            request: {
                let variant = variant.clone();
                Box::new(move |_| {
                    (
                        "POST",
                        "/api/cart".to_owned(),
                        Some(format!(
                            r#"{{"op":"add","variant_id":"{variant}","quantity":1}}"#
                        )),
                    )
                })
            },
            page_view: false,
        },
    ];

    // Shoppers: each thread is one shopper with its own cookie (its own Durable Object).
    let cookies: Vec<String> = (0..concurrency)
        .map(|_| {
            let resp = http
                .get(format!("{base}/"))
                .call()
                .map_err(|e| e.to_string())?;
            resp.headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("wandstore_shopper="))
                .and_then(|c| c.split(';').next())
                .map(str::to_owned)
                .ok_or_else(|| "no shopper cookie".to_owned())
        })
        .collect::<std::result::Result<_, String>>()?;

    let metrics = |admin: &str| -> u64 {
        http.get(format!("{base}/admin/stores/demo/metrics"))
            .header("authorization", &format!("Bearer {admin}"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["requests_served"].as_u64())
            .unwrap_or(0)
    };

    let mut results = Vec::new();
    let mut page_views = 0usize;
    let before = metrics(&admin);
    for scenario in &scenarios {
        let t = step::start(&format!(
            "{}: {requests} requests, {concurrency} at a time",
            scenario.name
        ));
        let r = load(&base, scenario, requests, &cookies);
        step::done(&format!("{:.0} req/s", r.requests as f64 / r.seconds), t);
        if scenario.page_view {
            page_views += r.requests;
        }
        results.push(r);
    }
    let after = metrics(&admin);
    drop(stack);

    println!("\n| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|---|---|---|");
    for r in &mut results {
        r.latencies_ms.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} |",
            r.name,
            r.requests,
            r.errors,
            r.requests as f64 / r.seconds,
            percentile(&r.latencies_ms, 50.0),
            percentile(&r.latencies_ms, 95.0),
            percentile(&r.latencies_ms, 99.0),
        );
    }
    // The cart adds also ask StoreConfig (variant lookups), so they are part of the ratio's
    // numerator; say so rather than hide it.
    let calls = after.saturating_sub(before);
    println!(
        "\nStoreConfig requests: {calls} for {page_views} page views and {requests} cart adds \
         ({:.1} per 1,000 page views, cart adds included)",
        calls as f64 * 1000.0 / page_views.max(1) as f64
    );

    let t = step::start("criterion: rendering a 48-product collection page (native)");
    step::run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "bench",
                "-p",
                "wandstore-render",
                "--bench",
                "collection_page",
                "--",
                "--warm-up-time",
                "1",
                "--measurement-time",
                "5",
            ])
            .current_dir(&root),
    )?;
    step::done("done", t);
    Ok(())
}

fn get_text(http: &Agent, url: &str) -> std::result::Result<String, String> {
    http.get(url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("GET {url}: {e}"))
}

/// `requests` requests of `scenario`, `cookies.len()` at a time (one thread per shopper).
fn load(base: &str, scenario: &Scenario, requests: usize, cookies: &[String]) -> Result {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let per_thread: Vec<(Vec<f64>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = cookies
            .iter()
            .map(|cookie| {
                let next = &next;
                s.spawn(move || {
                    let http = agent();
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= requests {
                            break;
                        }
                        let (method, path, body) = (scenario.request)(i);
                        let t = Instant::now();
                        let status = match (method, body) {
                            ("POST", Some(body)) => http
                                .post(format!("{base}{path}"))
                                .header("cookie", cookie)
                                .header("content-type", "application/json")
                                .send(body)
                                .map(|r| r.status().as_u16()),
                            _ => http
                                .get(format!("{base}{path}"))
                                .header("cookie", cookie)
                                .call()
                                .map(|mut r| {
                                    let _ = r.body_mut().read_to_vec();
                                    r.status().as_u16()
                                }),
                        };
                        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                        if !matches!(status, Ok(200)) {
                            errors += 1;
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let errors = per_thread.iter().map(|(_, e)| e).sum();
    let latencies_ms: Vec<f64> = per_thread.into_iter().flat_map(|(l, _)| l).collect();
    Result {
        name: scenario.name,
        requests: latencies_ms.len(),
        errors,
        seconds,
        latencies_ms,
    }
}
