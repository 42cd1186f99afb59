//! The side-by-side report: medians over rounds per scenario and system, the printed table
//! with WandStore / baseline ratios, and `target/bench/report.json`.
//!
//! The JSON's stable shape is `{"scenarios":[{"name","system","req_s","p50_ms","p95_ms",
//! "p99_ms","errors","cpu_ms_per_req","rows_read_per_req","rows_written_per_req"}],
//! "wasm":{"raw_bytes","gzip_bytes"},"cold_start_ms":{"wandstore","baseline"},"rounds":N}`;
//! further keys are additions (per-round runs, object calls, cold start on an empty state,
//! the runtime alone with the same bindings and the Worker's own share of a restart, page
//! sizes, StoreConfig load, the floor and each system's own work above it) and never replace
//! these.

use super::bench_cold::ColdStart;
use super::bench_systems::{BASELINE, FLOOR, FLOOR_RS, NULL, WANDSTORE};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One scenario of one round against one system.
#[derive(Debug, Clone)]
pub struct Run {
    pub round: usize,
    pub system: &'static str,
    pub scenario: &'static str,
    pub requests: usize,
    pub errors: usize,
    pub req_s: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// CPU of every workerd under the system's wrangler (user worker and proxy).
    pub cpu_ms_per_req: f64,
    /// CPU of the user worker's workerd only.
    pub cpu_ms_per_req_worker: f64,
    pub rows_read_per_req: Option<f64>,
    pub rows_written_per_req: Option<f64>,
    pub do_calls_per_req: Option<f64>,
    /// Request log lines found for the run (should equal `requests`).
    pub log_lines: usize,
}

/// The median of some values (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// The median of optional values: `None` if any run lacked the figure.
fn median_opt(values: &[Option<f64>]) -> Option<f64> {
    values
        .iter()
        .copied()
        .collect::<Option<Vec<f64>>>()
        .and_then(|v| median(&v))
}

/// Medians over rounds for one scenario and system.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub requests: usize,
    pub errors: usize,
    pub req_s: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub cpu_ms_per_req: Option<f64>,
    pub cpu_ms_per_req_worker: Option<f64>,
    pub rows_read_per_req: Option<f64>,
    pub rows_written_per_req: Option<f64>,
    pub do_calls_per_req: Option<f64>,
}

pub fn summarize(runs: &[Run], scenario: &str, system: &str) -> Summary {
    let mine: Vec<&Run> = runs
        .iter()
        .filter(|r| r.scenario == scenario && r.system == system)
        .collect();
    let f = |get: fn(&Run) -> f64| median(&mine.iter().map(|&r| get(r)).collect::<Vec<_>>());
    let o = |get: fn(&Run) -> Option<f64>| {
        if mine.is_empty() {
            None
        } else {
            median_opt(&mine.iter().map(|&r| get(r)).collect::<Vec<_>>())
        }
    };
    Summary {
        requests: mine.iter().map(|r| r.requests).sum(),
        errors: mine.iter().map(|r| r.errors).sum(),
        req_s: f(|r| r.req_s),
        p50_ms: f(|r| r.p50_ms),
        p95_ms: f(|r| r.p95_ms),
        p99_ms: f(|r| r.p99_ms),
        cpu_ms_per_req: f(|r| r.cpu_ms_per_req),
        cpu_ms_per_req_worker: f(|r| r.cpu_ms_per_req_worker),
        rows_read_per_req: o(|r| r.rows_read_per_req),
        rows_written_per_req: o(|r| r.rows_written_per_req),
        do_calls_per_req: o(|r| r.do_calls_per_req),
    }
}

/// A system's own work on a scenario: its user-worker CPU per request minus `floor`'s in the
/// same round (the median over rounds; `None` without a round that measured both).
pub fn own_work(runs: &[Run], scenario: &str, system: &str, floor: &str) -> Option<f64> {
    let cpu = |sys: &str, round: usize| {
        runs.iter()
            .find(|r| r.scenario == scenario && r.system == sys && r.round == round)
            .map(|r| r.cpu_ms_per_req_worker)
    };
    let diffs: Vec<f64> = runs
        .iter()
        .filter(|r| r.scenario == scenario && r.system == system)
        .filter_map(|r| Some(r.cpu_ms_per_req_worker - cpu(floor, r.round)?))
        .collect();
    median(&diffs)
}

/// The Wasm file worker-build wrote (the largest `.wasm` under `crates/worker/build`).
pub fn wasm_file(root: &Path) -> Option<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<(u64, PathBuf)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, found);
            } else if p.extension().is_some_and(|x| x == "wasm") {
                found.push((e.metadata().map(|m| m.len()).unwrap_or(0), p));
            }
        }
    }
    let mut found = Vec::new();
    walk(&root.join("crates/worker/build"), &mut found);
    found.sort();
    found.pop().map(|(_, p)| p)
}

/// Raw and gzipped size of some bytes (`gzip -c`, its default level 6).
pub fn sizes(bytes: &[u8]) -> Result<(u64, u64), String> {
    use std::io::Write;
    let mut child = Command::new("gzip")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running gzip: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("gzip has no stdin")?;
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("running gzip: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!("gzip failed ({})", out.status));
    }
    Ok((bytes.len() as u64, out.stdout.len() as u64))
}

/// Everything the report shows besides the scenarios.
pub struct Extras {
    pub rounds: usize,
    pub concurrency: usize,
    pub requests: usize,
    pub clk_tck: u64,
    pub clk_tck_asked: bool,
    pub wasm: (u64, u64),
    pub baseline_js: (u64, u64),
    /// Per round, per system.
    pub cold: Vec<(&'static str, ColdStart)>,
    /// (system, StoreConfig requests, page views, cart adds), summed over rounds.
    pub store_config: Vec<(&'static str, u64, usize, usize)>,
    /// (page, WandStore bytes, baseline bytes).
    pub page_bytes: Vec<(&'static str, usize, usize)>,
    pub date: String,
    pub commit: String,
    /// Where the load went: `proxy` (wrangler's public port), `direct` (each user worker's
    /// own socket, `--direct`) or `bare` (each Worker on workerd alone, `--bare`).
    pub via: &'static str,
}

/// A restart's share that is the Worker's own: the restart less the runtime alone with the
/// same bindings (`bench_cold`), measured in the same run.
fn worker_own(c: &ColdStart) -> f64 {
    c.restart_ms - c.runtime_only_ms
}

fn cold_median(extras: &Extras, system: &str, get: fn(&ColdStart) -> f64) -> Option<f64> {
    median(
        &extras
            .cold
            .iter()
            .filter(|(s, _)| *s == system)
            .map(|(_, c)| get(c))
            .collect::<Vec<_>>(),
    )
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "–".into(),
    }
}

pub fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

/// The printed side-by-side table.
pub fn print(runs: &[Run], scenarios: &[(&'static str, &'static str)], extras: &Extras) {
    println!(
        "\nSide by side: {} rounds alternating, {} requests per scenario per round, {} at a time, {}; medians over rounds (errors: total).\n",
        extras.rounds,
        extras.requests,
        extras.concurrency,
        match extras.via {
            "direct" => "sent to each user worker's own socket (--direct)",
            "bare" => "each Worker on workerd alone, no wrangler dev layers (--bare)",
            _ => "sent through wrangler's dev proxy",
        }
    );
    println!("| scenario | figure | WandStore | baseline (JS) | WandStore / baseline |");
    println!("|---|---|---|---|---|");
    for (name, label) in scenarios {
        let w = summarize(runs, name, WANDSTORE);
        let b = summarize(runs, name, BASELINE);
        type Row = (&'static str, fn(&Summary) -> Option<f64>, usize);
        let rows: [Row; 9] = [
            ("req/s", |s| s.req_s, 0),
            ("p50 ms", |s| s.p50_ms, 1),
            ("p95 ms", |s| s.p95_ms, 1),
            ("p99 ms", |s| s.p99_ms, 1),
            ("CPU ms/req (all workerd)", |s| s.cpu_ms_per_req, 2),
            ("CPU ms/req (user worker)", |s| s.cpu_ms_per_req_worker, 2),
            ("SQLite rows read/req", |s| s.rows_read_per_req, 2),
            ("SQLite rows written/req", |s| s.rows_written_per_req, 2),
            ("DO calls/req", |s| s.do_calls_per_req, 2),
        ];
        for (i, (figure, get, decimals)) in rows.iter().enumerate() {
            println!(
                "| {} | {figure} | {} | {} | {} |",
                if i == 0 { *label } else { "" },
                num(get(&w), *decimals),
                num(get(&b), *decimals),
                ratio(get(&w), get(&b)),
            );
        }
        println!(
            "| | errors | {} of {} | {} of {} | |",
            w.errors, w.requests, b.errors, b.requests
        );
    }
    print_floor(runs, scenarios);
    let cw = cold_median(extras, WANDSTORE, |c| c.restart_ms);
    let cb = cold_median(extras, BASELINE, |c| c.restart_ms);
    let ew = cold_median(extras, WANDSTORE, |c| c.empty_state_ms);
    let eb = cold_median(extras, BASELINE, |c| c.empty_state_ms);
    println!(
        "\n| cold start (median of {} runs) | WandStore | baseline (JS) | WandStore / baseline |",
        extras.cold.iter().filter(|(s, _)| *s == WANDSTORE).count()
    );
    println!("|---|---|---|---|");
    println!(
        "| first page after a workerd restart on the same state (ms) | {} | {} | {} |",
        num(cw, 0),
        num(cb, 0),
        ratio(cw, cb)
    );
    println!(
        "| first page on an empty state, registration and catalog sync included (ms) | {} | {} | {} |",
        num(ew, 0),
        num(eb, 0),
        ratio(ew, eb)
    );
    let rw = cold_median(extras, WANDSTORE, |c| c.runtime_only_ms);
    let rb = cold_median(extras, BASELINE, |c| c.runtime_only_ms);
    println!(
        "| of the restart: the local runtime alone with the same bindings, no Worker code (ms) | {} | {} | {} |",
        num(rw, 0),
        num(rb, 0),
        ratio(rw, rb)
    );
    let ow = cold_median(extras, WANDSTORE, worker_own);
    let ob = cold_median(extras, BASELINE, worker_own);
    println!(
        "| of the restart: the Worker's own (its code loading and first page; median of per-run differences) (ms) | {} | {} | {} |",
        num(ow, 0),
        num(ob, 0),
        ratio(ow, ob)
    );
    println!("\n| code size | raw bytes | gzip bytes |");
    println!("|---|---|---|");
    println!("| WandStore Wasm | {} | {} |", extras.wasm.0, extras.wasm.1);
    println!(
        "| baseline JS sources | {} | {} |",
        extras.baseline_js.0, extras.baseline_js.1
    );
    println!("\n| page | WandStore bytes | baseline bytes | WandStore / baseline |");
    println!("|---|---|---|---|");
    for (page, w, b) in &extras.page_bytes {
        println!(
            "| {page} | {w} | {b} | {} |",
            ratio(Some(*w as f64), Some(*b as f64))
        );
    }
    println!();
    for (system, calls, views, adds) in &extras.store_config {
        println!(
            "StoreConfig requests ({system}): {calls} for {views} page views and {adds} cart adds ({:.1} per 1,000 page views, cart adds included)",
            *calls as f64 * 1000.0 / (*views).max(1) as f64
        );
    }
    if !extras.clk_tck_asked {
        println!("(CPU: `getconf CLK_TCK` was not available; assumed 100 ticks per second)");
    }
}

/// The floors' CPU per request, each system's own work above them, and where the page
/// target (two thirds of the baseline's CPU) falls against the floor.
fn print_floor(runs: &[Run], scenarios: &[(&'static str, &'static str)]) {
    println!(
        "\nAbove the floors (bench/floor-js and bench/floor-rs: one fixed page through the same object hop, in JavaScript and in workers-rs; bench/null-js: the same page from the entry, no hop); user-worker CPU ms/req, medians of per-round differences:\n"
    );
    println!(
        "| scenario | null Worker | floor | Rust floor | WandStore above | baseline above | WandStore / baseline (own work) | WandStore above the Rust floor | 2/3 of baseline's CPU |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, label) in scenarios {
        let null = summarize(runs, name, NULL).cpu_ms_per_req_worker;
        let floor = summarize(runs, name, FLOOR).cpu_ms_per_req_worker;
        let floor_rs = summarize(runs, name, FLOOR_RS).cpu_ms_per_req_worker;
        let w = own_work(runs, name, WANDSTORE, FLOOR);
        let b = own_work(runs, name, BASELINE, FLOOR);
        let w_rs = own_work(runs, name, WANDSTORE, FLOOR_RS);
        let target = summarize(runs, name, BASELINE)
            .cpu_ms_per_req_worker
            .map(|c| c * 2.0 / 3.0);
        println!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} |",
            num(null, 2),
            num(floor, 2),
            num(floor_rs, 2),
            num(w, 2),
            num(b, 2),
            ratio(w, b),
            num(w_rs, 2),
            num(target, 2)
        );
    }
}

pub fn opt(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |x| json!((x * 1000.0).round() / 1000.0))
}

/// The report as JSON (see the module documentation for its shape).
pub fn to_json(runs: &[Run], scenarios: &[(&'static str, &'static str)], extras: &Extras) -> Value {
    let mut list = Vec::new();
    for (name, _) in scenarios {
        for system in [WANDSTORE, BASELINE] {
            let s = summarize(runs, name, system);
            list.push(json!({
                "name": name,
                "system": system,
                "req_s": opt(s.req_s),
                "p50_ms": opt(s.p50_ms),
                "p95_ms": opt(s.p95_ms),
                "p99_ms": opt(s.p99_ms),
                "errors": s.errors,
                "cpu_ms_per_req": opt(s.cpu_ms_per_req),
                "rows_read_per_req": opt(s.rows_read_per_req),
                "rows_written_per_req": opt(s.rows_written_per_req),
                "do_calls_per_req": opt(s.do_calls_per_req),
                "cpu_ms_per_req_worker": opt(s.cpu_ms_per_req_worker),
                "requests": s.requests,
            }));
        }
    }
    let cold = |get: fn(&ColdStart) -> f64| {
        json!({
            "wandstore": opt(cold_median(extras, WANDSTORE, get)),
            "baseline": opt(cold_median(extras, BASELINE, get)),
        })
    };
    json!({
        "scenarios": list,
        "wasm": { "raw_bytes": extras.wasm.0, "gzip_bytes": extras.wasm.1 },
        "cold_start_ms": cold(|c| c.restart_ms),
        "rounds": extras.rounds,
        "cold_start_empty_state_ms": cold(|c| c.empty_state_ms),
        "cold_start_runtime_only_ms": cold(|c| c.runtime_only_ms),
        "cold_start_worker_own_ms": cold(worker_own),
        "baseline_js_sources": { "raw_bytes": extras.baseline_js.0, "gzip_bytes": extras.baseline_js.1 },
        "page_bytes": extras.page_bytes.iter().map(|(p, w, b)| json!({"page": p, "wandstore": w, "baseline": b})).collect::<Vec<_>>(),
        "store_config_requests": extras.store_config.iter().map(|(s, c, v, a)| json!({"system": s, "requests": c, "page_views": v, "cart_adds": a})).collect::<Vec<_>>(),
        "concurrency": extras.concurrency,
        "requests_per_scenario": extras.requests,
        "clk_tck": extras.clk_tck,
        "date": extras.date,
        "commit": extras.commit,
        "via": extras.via,
        "runs": runs.iter().map(|r| json!({
            "round": r.round,
            "system": r.system,
            "name": r.scenario,
            "requests": r.requests,
            "errors": r.errors,
            "req_s": opt(Some(r.req_s)),
            "p50_ms": opt(Some(r.p50_ms)),
            "p95_ms": opt(Some(r.p95_ms)),
            "p99_ms": opt(Some(r.p99_ms)),
            "cpu_ms_per_req": opt(Some(r.cpu_ms_per_req)),
            "cpu_ms_per_req_worker": opt(Some(r.cpu_ms_per_req_worker)),
            "rows_read_per_req": opt(r.rows_read_per_req),
            "rows_written_per_req": opt(r.rows_written_per_req),
            "do_calls_per_req": opt(r.do_calls_per_req),
            "log_lines": r.log_lines,
        })).collect::<Vec<_>>(),
        "floor": scenarios.iter().map(|(name, _)| {
            let f = summarize(runs, name, FLOOR);
            json!({
                "name": name,
                "req_s": opt(f.req_s),
                "p50_ms": opt(f.p50_ms),
                "cpu_ms_per_req": opt(f.cpu_ms_per_req),
                "cpu_ms_per_req_worker": opt(f.cpu_ms_per_req_worker),
                "wandstore_above_ms": opt(own_work(runs, name, WANDSTORE, FLOOR)),
                "baseline_above_ms": opt(own_work(runs, name, BASELINE, FLOOR)),
                "rust_floor_cpu_ms_per_req_worker":
                    opt(summarize(runs, name, FLOOR_RS).cpu_ms_per_req_worker),
                "rust_floor_above_ms": opt(own_work(runs, name, FLOOR_RS, FLOOR)),
                "null_cpu_ms_per_req_worker": opt(summarize(runs, name, NULL).cpu_ms_per_req_worker),
                "wandstore_above_rust_floor_ms": opt(own_work(runs, name, WANDSTORE, FLOOR_RS)),
            })
        }).collect::<Vec<_>>(),
        "cold_starts": extras.cold.iter().map(|(s, c)| json!({
            "system": s,
            "restart_ms": opt(Some(c.restart_ms)),
            "empty_state_ms": opt(Some(c.empty_state_ms)),
            "runtime_only_ms": opt(Some(c.runtime_only_ms)),
        })).collect::<Vec<_>>(),
    })
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(system: &'static str, req_s: f64, rows: Option<f64>) -> Run {
        Run {
            round: 0,
            system,
            scenario: "home",
            requests: 10,
            errors: 1,
            req_s,
            p50_ms: req_s,
            p95_ms: req_s,
            p99_ms: req_s,
            cpu_ms_per_req: 1.0,
            cpu_ms_per_req_worker: 0.5,
            rows_read_per_req: rows,
            rows_written_per_req: rows,
            do_calls_per_req: rows,
            log_lines: 10,
        }
    }

    #[test]
    fn medians_over_rounds_and_missing_figures() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let runs = vec![
            run(WANDSTORE, 100.0, None),
            run(WANDSTORE, 300.0, None),
            run(WANDSTORE, 200.0, None),
            run(BASELINE, 50.0, Some(2.0)),
            run(BASELINE, 70.0, Some(4.0)),
        ];
        let w = summarize(&runs, "home", WANDSTORE);
        assert_eq!((w.req_s, w.errors, w.requests), (Some(200.0), 3, 30));
        assert_eq!(w.rows_read_per_req, None, "absent in the log lines → null");
        let b = summarize(&runs, "home", BASELINE);
        assert_eq!((b.req_s, b.rows_read_per_req), (Some(60.0), Some(3.0)));
    }

    #[test]
    fn own_work_is_the_median_of_per_round_differences_from_the_floor() {
        let at = |system, round, cpu| Run {
            round,
            cpu_ms_per_req_worker: cpu,
            ..run(system, 1.0, None)
        };
        let runs = vec![
            at(WANDSTORE, 1, 2.0),
            at(FLOOR, 1, 1.5),
            at(WANDSTORE, 2, 3.0),
            at(FLOOR, 2, 1.0),
            at(WANDSTORE, 3, 1.9),
            at(FLOOR, 3, 1.2),
            // A round without a floor run counts for nothing.
            at(WANDSTORE, 4, 9.0),
            at(BASELINE, 1, 1.6),
            // The Rust floor, measured in two rounds only.
            at(FLOOR_RS, 1, 1.8),
            at(FLOOR_RS, 2, 2.0),
        ];
        let w = own_work(&runs, "home", WANDSTORE, FLOOR).unwrap_or(f64::NAN);
        assert!((w - 0.7).abs() < 1e-9, "{w}");
        let b = own_work(&runs, "home", BASELINE, FLOOR).unwrap_or(f64::NAN);
        assert!((b - 0.1).abs() < 1e-9, "{b}");
        let above_rs = own_work(&runs, "home", WANDSTORE, FLOOR_RS).unwrap_or(f64::NAN);
        assert!((above_rs - 0.6).abs() < 1e-9, "(0.2 + 1.0) / 2: {above_rs}");
        let rs = own_work(&runs, "home", FLOOR_RS, FLOOR).unwrap_or(f64::NAN);
        assert!((rs - 0.65).abs() < 1e-9, "(0.3 + 1.0) / 2: {rs}");
        assert_eq!(own_work(&runs, "product", WANDSTORE, FLOOR), None);
        assert_eq!(
            own_work(&runs[..1], "home", WANDSTORE, FLOOR),
            None,
            "no floor at all"
        );
    }

    #[test]
    fn the_json_keeps_its_stable_shape() {
        let runs = vec![run(WANDSTORE, 100.0, None), run(BASELINE, 50.0, Some(2.0))];
        let extras = Extras {
            rounds: 1,
            concurrency: 8,
            requests: 10,
            clk_tck: 100,
            clk_tck_asked: true,
            wasm: (1000, 400),
            baseline_js: (500, 200),
            cold: vec![
                (
                    WANDSTORE,
                    ColdStart {
                        empty_state_ms: 900.0,
                        restart_ms: 300.0,
                        runtime_only_ms: 220.0,
                    },
                ),
                (
                    BASELINE,
                    ColdStart {
                        empty_state_ms: 800.0,
                        restart_ms: 200.0,
                        runtime_only_ms: 130.0,
                    },
                ),
            ],
            store_config: vec![],
            page_bytes: vec![],
            date: today(),
            commit: "abc".into(),
            via: "direct",
        };
        let v = to_json(&runs, &[("home", "home page")], &extras);
        assert_eq!(v["rounds"], 1);
        assert_eq!(v["via"], "direct");
        assert_eq!(v["wasm"]["raw_bytes"], 1000);
        assert_eq!(v["cold_start_ms"]["wandstore"], 300.0);
        assert_eq!(v["cold_start_runtime_only_ms"]["baseline"], 130.0);
        assert_eq!(v["cold_start_worker_own_ms"]["wandstore"], 80.0);
        assert_eq!(v["cold_start_worker_own_ms"]["baseline"], 70.0);
        let s = &v["scenarios"][0];
        for key in [
            "name",
            "system",
            "req_s",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "errors",
            "cpu_ms_per_req",
            "rows_read_per_req",
            "rows_written_per_req",
        ] {
            assert!(s.get(key).is_some(), "{key}");
        }
        assert_eq!(s["system"], "wandstore");
        assert!(s["rows_read_per_req"].is_null());
        assert_eq!(v["scenarios"][1]["rows_read_per_req"], 2.0);
        assert_eq!(today().len(), 10);
    }
}
