//! `cargo xtask bench [--concurrency N] [--requests N] [--rounds N] [--against DIR]
//! [--direct | --bare]`: WandStore side by side with a plain JavaScript Worker
//! (`bench/baseline-js`) that serves the same routes for one store from the same data model,
//! on the same machine, with the same wrangler and workerd, against the same devshop catalog.
//!
//! Both systems run at once on their own `wrangler dev` (only one is loaded at a time), and so
//! does the floor (`bench/floor-js`: every route answers one fixed page through the same entry
//! → shopper object hop, with no storage and no rendering), whose CPU per request is what any
//! system on this design pays before doing work of its own, and so does the same floor written
//! with workers-rs (`bench/floor-rs`), whose CPU above the JavaScript floor is what the Rust
//! toolchain's glue costs per request before WandStore's own code. So does the null Worker
//! (`bench/null-js`: the floor's entry answering the page itself, no hop), whose CPU per
//! request is what the local runtime costs every request before any Worker's own work. After one warm-up round per
//! system (not counted), each round runs the four scenarios (home, a 24-product collection
//! page, a product page, the cart JSON add) against each system in turn, rotating which goes
//! first, with new shoppers each round. Per
//! scenario it records, from outside: req/s and latency percentiles (client side), CPU
//! milliseconds per request (`/proc` times of the system's workerd processes, see
//! `bench_proc`), and from the request log lines SQLite rows read and written and Durable
//! Object calls per request (see `bench_logs`). Then it measures cold starts (`bench_cold`),
//! prints medians over rounds with WandStore / baseline ratios and the StoreConfig requests
//! per 1,000 page views (hot-store protection), writes `target/bench/report.json`
//! (`bench_report`), and runs the criterion render benchmark. Personalization gets its own
//! table (`bench_ai`): home p50/p99 with the model healthy, hanging and failing.
//!
//! With `--direct`, the load goes to each user worker's own socket rather than through
//! wrangler's dev proxy, a second workerd that forwards every request (and is no part of a
//! deployed Worker); CPU is measured the same way either way, req/s and latencies change.
//!
//! With `--bare`, every system runs on workerd alone, the way a deployed Worker does
//! (`bench/shared/bare.mjs`: the bundle `wrangler deploy` would upload, the bindings wrangler
//! dev would give it, a socket straight into the Worker), with none of wrangler dev's proxy,
//! Miniflare entry worker, dev middleware and inspector session, which cost every request the
//! same fixed CPU on top of each Worker's own work. WandStore then runs on a workerd of its
//! own as well (the usual stack still serves devshop and the personalization table).
//!
//! With `--against DIR`, a WandStore built from another checkout runs in every round too, and
//! the report compares the two in each round (`bench_against`): before and after a change,
//! measured together.
//!
//! Every figure comes from this machine and this run: compare runs on the same machine.

// The parts live in `bench_*.rs` next to this file (declared here, so `main.rs` stays as it is).
#[path = "bench_against.rs"]
mod bench_against;
#[path = "bench_ai.rs"]
mod bench_ai;
#[path = "bench_cold.rs"]
mod bench_cold;
#[path = "bench_load.rs"]
mod bench_load;
#[path = "bench_logs.rs"]
mod bench_logs;
#[path = "bench_proc.rs"]
mod bench_proc;
#[path = "bench_report.rs"]
mod bench_report;
#[path = "bench_runtime_only.rs"]
mod bench_runtime_only;
#[path = "bench_systems.rs"]
mod bench_systems;
#[path = "bench_wrangler.rs"]
mod bench_wrangler;

use crate::{bootstrap, build, flag_value, paths, step};
use bench_cold::ColdSpec;
use bench_load::{Scenario, agent, get};
use bench_logs::LogTotals;
use bench_proc::file_len;
use bench_report::{Extras, Run};
use bench_systems::{BASELINE, FLOOR, FLOOR_RS, NULL, Target, Upstream, WANDSTORE};
use bench_wrangler::{Runtime, Wrangler};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use wandstore_stack::{Stack, StackOptions, default_devshop_bin, random_hex, write_env_file};

/// Both systems keep a synced catalog fresh for a day during the run, so neither starts a
/// background refresh from devshop in the middle of a scenario (WandStore's default is 5
/// minutes; the baseline never refreshes).
const BENCH_VARS: [(&str, &str); 1] = [("CATALOG_FRESH_SECS", "86400")];

/// The most cold starts measured per system (each restarts its runtime twice).
const COLD_RUNS: usize = 5;

struct Options {
    concurrency: usize,
    requests: usize,
    rounds: usize,
    /// Another checkout to run in the same rounds (`bench_against`).
    against: Option<PathBuf>,
    /// Send the load to each user worker's own socket instead of through wrangler's dev proxy.
    direct: bool,
    /// Serve every system on workerd alone rather than on `wrangler dev`.
    runtime: Runtime,
}

fn number(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    flag_value(args, name)?
        .map(|v| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("{name} needs a whole number from 1"))
        })
        .transpose()
        .map(|n| n.unwrap_or(default))
}

/// The bench's options from its arguments, or why they make no run.
fn options(args: &[String]) -> Result<Options, String> {
    let opts = Options {
        concurrency: number(args, "--concurrency", 8)?,
        requests: number(args, "--requests", 400)?,
        rounds: number(args, "--rounds", 3)?,
        against: flag_value(args, "--against")?.map(PathBuf::from),
        direct: args.iter().any(|a| a == "--direct"),
        runtime: if args.iter().any(|a| a == "--bare") {
            Runtime::Bare
        } else {
            Runtime::Dev
        },
    };
    if opts.direct && opts.runtime == Runtime::Bare {
        return Err(
            "--bare already sends the load straight into each Worker: drop --direct".into(),
        );
    }
    // Every cart add puts the same variant into one of `concurrency` carts, and a line holds
    // at most 99; keep well below that so no add is refused.
    if opts.requests > 90 * opts.concurrency {
        return Err(format!(
            "--requests {} is more than 90 cart adds per shopper for --concurrency {}; \
             use at most {} requests or more concurrency",
            opts.requests,
            opts.concurrency,
            90 * opts.concurrency
        ));
    }
    Ok(opts)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let opts = options(args)?;
    bootstrap::all()?;
    build::worker_if_stale()?;
    build::floor_rs_if_stale()?;
    let root = paths::root();
    let (clk_tck, clk_tck_asked) = bench_proc::clock_ticks_per_sec();

    let wasm_path = bench_report::wasm_file(&root)
        .ok_or("no .wasm under crates/worker/build: the worker build left none")?;
    let wasm_bytes =
        std::fs::read(&wasm_path).map_err(|e| format!("reading {}: {e}", wasm_path.display()))?;
    let wasm = bench_report::sizes(&wasm_bytes)?;
    let baseline_js = bench_report::sizes(&baseline_sources(&root)?)?;

    let work = tempfile::Builder::new()
        .prefix("wandstore-bench-")
        .tempdir()
        .map_err(|e| format!("creating a work dir: {e}"))?;
    let work = work.path();

    // WandStore: the usual local stack (devshop + wrangler dev), release Worker.
    let t = step::start("starting WandStore's local stack (devshop + wrangler dev)");
    // (With --bare, the bench's WandStore is another one, on workerd alone: see below.)
    let ws_state = work.join(match opts.runtime {
        Runtime::Dev => "wandstore",
        Runtime::Bare => "stack",
    });
    let stack_opts = StackOptions::for_tests(
        root.clone(),
        ws_state.clone(),
        default_devshop_bin(&root),
        &BENCH_VARS,
    )?;
    let stack = Stack::start(&stack_opts)?;
    step::done("WandStore ready", t);
    let ws_admin = stack.admin_token().unwrap_or_default().to_owned();
    let (display_name, currency) = bench_systems::demo_store(&stack.url(), &ws_admin)?;
    let upstream = Upstream {
        devshop_url: stack
            .devshop_url()
            .ok_or("the stack runs no devshop")?
            .to_owned(),
        token: stack.shop_token("demo").unwrap_or_default().to_owned(),
        display_name,
        currency,
    };
    // The baseline: its own wrangler dev on its own wrangler.toml, the same secrets shape.
    let t = step::start("starting the JavaScript baseline (bench/baseline-js)");
    let env_file = work.join("bench.vars");
    let (cookie, admin) = (random_hex(32)?, random_hex(32)?);
    let mut vars = vec![
        ("SHOPPER_COOKIE_SECRET", cookie.as_str()),
        ("ADMIN_TOKEN", admin.as_str()),
    ];
    vars.extend_from_slice(&BENCH_VARS);
    write_env_file(&env_file, &vars)?;
    let baseline_dir = bench_systems::baseline_dir(&root);
    let timeout = Duration::from_secs(120);
    let mut bl = Wrangler::start_system(
        &root,
        &baseline_dir,
        work,
        &env_file,
        BASELINE,
        opts.runtime,
        timeout,
    )?;
    bench_systems::register_baseline(&bl.url(), &admin, &upstream)
        .map_err(|e| format!("{e}{}", bl.log_tail()))?;
    let mut baseline =
        Target::of_wrangler(BASELINE, "baseline (JS)", &bl, &admin, "/admin/metrics");
    step::done("baseline ready", t);

    // The WandStore measured: the stack's, or with --bare one on workerd alone, registered
    // against the stack's devshop.
    let (ws_bare, mut wandstore) = match opts.runtime {
        Runtime::Dev => {
            let ws_pid = bench_proc::wrangler_pid_for_port(stack.port())
                .ok_or("cannot find WandStore's wrangler process in /proc")?;
            let target = Target {
                system: WANDSTORE,
                label: "WandStore",
                base: stack.url(),
                port: stack.port(),
                wrangler_pid: ws_pid,
                log: ws_state.join("wrangler.log"),
                admin_token: ws_admin.clone(),
                metrics_path: bench_systems::WANDSTORE_METRICS,
                direct: None,
            };
            (None, target)
        }
        Runtime::Bare => {
            let t = step::start("starting WandStore on workerd alone (--bare)");
            let w = Wrangler::start_system(
                &root,
                &root,
                work,
                &env_file,
                WANDSTORE,
                Runtime::Bare,
                timeout,
            )?;
            let system = (WANDSTORE, "WandStore");
            let target = bench_systems::registered_wandstore(&w, system, &admin, &upstream)?;
            step::done("WandStore ready (bare)", t);
            (Some(w), target)
        }
    };

    // The floors: a runtime each, no store to set up.
    let (mut fl, mut floor) = start_floor(&root, work, &env_file, FLOOR, opts.runtime)?;
    let (mut fr, mut floor_rs) = start_floor(&root, work, &env_file, FLOOR_RS, opts.runtime)?;
    let (mut nl, mut null) = start_floor(&root, work, &env_file, NULL, opts.runtime)?;
    let mut against = match &opts.against {
        Some(dir) => Some(bench_against::start(
            &root,
            dir,
            work,
            &env_file,
            &admin,
            &upstream,
            opts.runtime,
        )?),
        None => None,
    };

    if opts.direct {
        let t = step::start("finding each user worker's own socket (--direct)");
        let mut all = vec![
            &mut wandstore,
            &mut baseline,
            &mut floor,
            &mut floor_rs,
            &mut null,
        ];
        all.extend(against.as_mut().map(|a| &mut a.target));
        for target in all {
            target.find_direct()?;
        }
        step::done("the load skips wrangler's dev proxy", t);
    }

    let t = step::start("syncing the demo catalog from devshop into both");
    bench_systems::sync(&wandstore)?;
    bench_systems::sync(&baseline)?;
    let handles = bench_systems::listed_handles(&wandstore.base)?;
    if handles.is_empty() {
        return Err("the demo store lists no products".into());
    }
    if let Some(a) = &against {
        bench_systems::sync(&a.target)?;
        if bench_systems::listed_handles(&a.target.base)? != handles {
            return Err(
                "the compared WandStore lists different products on /collections/all?size=48"
                    .into(),
            );
        }
    }
    let baseline_handles = bench_systems::listed_handles(&baseline.base)?;
    if baseline_handles != handles {
        return Err(format!(
            "the two systems list different products on /collections/all?size=48 ({} vs {})",
            handles.len(),
            baseline_handles.len()
        ));
    }
    let variant = bench_systems::buyable_variant(&wandstore.base, &handles)
        .ok_or("no buyable product found")?;
    let page_bytes = page_sizes(&wandstore.base, &baseline.base, &handles[0])?;
    step::done(&format!("{} products listed on both", handles.len()), t);

    let scenario_handles = handles.clone();
    let scenarios = scenarios(Arc::new(handles), variant);
    // A warm-up round per system, not counted: the first requests of an isolate run cold
    // code (V8 tiers JavaScript and Wasm up as they run), and a deployed isolate serves warm.
    let mut systems = vec![&wandstore, &baseline, &floor, &floor_rs, &null];
    systems.extend(against.as_ref().map(|a| &a.target));
    for target in systems.iter().copied() {
        let t = step::start(&format!("warm-up round (not counted): {}", target.label));
        run_round(target, &scenarios, &opts, 0, clk_tck, true)?;
        step::done("warm", t);
    }
    let mut runs: Vec<Run> = Vec::new();
    let mut store_config: Vec<(&'static str, u64, usize, usize)> =
        vec![(WANDSTORE, 0, 0, 0), (BASELINE, 0, 0, 0)];
    for round in 0..opts.rounds {
        let mut order = systems.clone();
        let first = round % order.len();
        order.rotate_left(first);
        for target in order {
            let (mut round_runs, calls, views, adds) =
                run_round(target, &scenarios, &opts, round + 1, clk_tck, false)?;
            runs.append(&mut round_runs);
            if let Some(entry) = store_config.iter_mut().find(|e| e.0 == target.system) {
                entry.1 += calls;
                entry.2 += views;
                entry.3 += adds;
            }
        }
    }

    fl.stop();
    fr.stop();
    nl.stop();
    let against = against.map(|mut a| {
        a.wrangler.stop();
        a
    });

    // Personalization: home p50/p99 with the model healthy, hanging and failing.
    let t = step::start("personalization: home pages with the model healthy, hanging, failing");
    // (On the stack's WandStore, whose gateway points at devshop, with --bare too.)
    let ai_rows = bench_ai::measure(
        &stack.url(),
        &ws_admin,
        &upstream.devshop_url,
        "demo",
        &scenario_handles,
        opts.concurrency.max(1) * 4,
    )?;
    step::done("measured", t);

    // Cold starts: each system on a wrangler of its own, against the same devshop.
    let mut cold = Vec::new();
    let register_ws = |base: &str| bench_systems::register_wandstore(base, &admin, &upstream);
    let register_bl = |base: &str| bench_systems::register_baseline(base, &admin, &upstream);
    let runtime_ws = runtime_only_dir(work, WANDSTORE, &root)?;
    let runtime_bl = runtime_only_dir(work, BASELINE, &baseline_dir)?;
    let specs = [
        ColdSpec {
            system: WANDSTORE,
            root: &root,
            config_dir: &root,
            env_file: &env_file,
            runtime: opts.runtime,
            register: &register_ws,
            runtime_only: &runtime_ws,
        },
        ColdSpec {
            system: BASELINE,
            root: &root,
            config_dir: &baseline_dir,
            env_file: &env_file,
            runtime: opts.runtime,
            register: &register_bl,
            runtime_only: &runtime_bl,
        },
    ];
    // Each cold start restarts a runtime twice: at most COLD_RUNS of them, however many
    // rounds the load ran.
    for round in 0..opts.rounds.min(COLD_RUNS) {
        let order: [&ColdSpec<'_>; 2] = if round % 2 == 0 {
            [&specs[0], &specs[1]]
        } else {
            [&specs[1], &specs[0]]
        };
        for spec in order {
            let t = step::start(&format!("cold start, {}: round {}", spec.system, round + 1));
            let c = bench_cold::measure(spec, work, round)?;
            step::done(
                &format!(
                    "restart → first page {:.0} ms; empty state → first page {:.0} ms; \
                     the runtime alone with these bindings {:.0} ms",
                    c.restart_ms, c.empty_state_ms, c.runtime_only_ms
                ),
                t,
            );
            cold.push((spec.system, c));
        }
    }
    bl.stop();
    drop(ws_bare);
    drop(stack);

    let scenario_names: Vec<(&'static str, &'static str)> =
        scenarios.iter().map(|s| (s.name, s.label)).collect();
    let extras = Extras {
        rounds: opts.rounds,
        concurrency: opts.concurrency,
        requests: opts.requests,
        clk_tck,
        clk_tck_asked,
        wasm,
        baseline_js,
        cold,
        store_config,
        page_bytes,
        date: bench_report::today(),
        commit: bench_against::short_commit(&root),
        via: match (opts.runtime, opts.direct) {
            (Runtime::Bare, _) => "bare",
            (Runtime::Dev, true) => "direct",
            (Runtime::Dev, false) => "proxy",
        },
    };
    bench_report::print(&runs, &scenario_names, &extras);
    print_cost_model(&runs);
    bench_ai::print(&ai_rows);
    if let Some(a) = &against {
        bench_against::print(&runs, &scenario_names, (&extras.commit, extras.wasm), a);
    }
    let mut report = bench_report::to_json(&runs, &scenario_names, &extras);
    if let Some(map) = report.as_object_mut() {
        map.insert(
            "personalization_home".into(),
            serde_json::to_value(&ai_rows).unwrap_or_default(),
        );
        if let Some(a) = &against {
            map.insert(
                "against".into(),
                bench_against::to_json(&runs, &scenario_names, a),
            );
        }
    }
    let out = target_dir(&root).join("bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let path = out.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| format!("serializing the report: {e}"))?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("\nreport: {}", path.display());

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

/// The four scenarios, the same requests for both systems.
fn scenarios(handles: Arc<Vec<String>>, variant: String) -> Vec<Scenario> {
    vec![
        Scenario {
            name: "home",
            label: "home page",
            request: Box::new(|_| ("GET", "/".to_owned(), None)),
            page_view: true,
        },
        Scenario {
            name: "collection",
            label: "collection page (24, pages 1–10)",
            request: Box::new(|i| ("GET", format!("/collections/all?page={}", 1 + i % 10), None)),
            page_view: true,
        },
        Scenario {
            name: "product",
            label: "product page (48 products in turn)",
            request: Box::new(move |i| {
                (
                    "GET",
                    format!("/products/{}", handles[i % handles.len()]),
                    None,
                )
            }),
            page_view: true,
        },
        Scenario {
            name: "cart_add",
            label: "cart add (JSON API)",
            request: Box::new(move |_| {
                (
                    "POST",
                    "/api/cart".to_owned(),
                    Some(format!(
                        r#"{{"op":"add","variant_id":"{variant}","quantity":1}}"#
                    )),
                )
            }),
            page_view: false,
        },
    ]
}

/// Starts a floor (`FLOOR`: bench/floor-js, `FLOOR_RS`: bench/floor-rs, or `NULL`:
/// bench/null-js) on a runtime of its own (`wrangler dev`, or workerd alone with `--bare`).
fn start_floor(
    root: &Path,
    work: &Path,
    env_file: &Path,
    system: &'static str,
    runtime: Runtime,
) -> Result<(Wrangler, Target), String> {
    let (dir, label) = match system {
        FLOOR_RS => (bench_systems::floor_rs_dir(root), "floor (Rust)"),
        NULL => (bench_systems::null_dir(root), "null Worker"),
        _ => (bench_systems::floor_dir(root), "floor"),
    };
    let t = step::start(&format!("starting the {label} ({})", dir.display()));
    let timeout = Duration::from_secs(120);
    let wrangler = Wrangler::start_system(root, &dir, work, env_file, system, runtime, timeout)?;
    let target = Target::of_wrangler(system, label, &wrangler, "", "/admin/metrics");
    step::done(&format!("{label} ready"), t);
    Ok((wrangler, target))
}

/// One round of every scenario against one system, with new shoppers (round 0 is the
/// warm-up). Also returns the StoreConfig requests, page views and cart adds of the round.
fn run_round(
    target: &Target,
    scenarios: &[Scenario],
    opts: &Options,
    round: usize,
    clk_tck: u64,
    quiet: bool,
) -> Result<(Vec<Run>, u64, usize, usize), String> {
    let http = agent();
    // Each thread is one shopper with its own cookie (its own Durable Object).
    let cookies = bench_load::new_shoppers(&http, &target.base, opts.concurrency)?;
    let before = target.store_config_requests();
    let mut runs = Vec::new();
    let (mut views, mut adds) = (0, 0);
    for scenario in scenarios {
        let t = (!quiet).then(|| {
            step::start(&format!(
                "round {round}, {}: {}: {} requests, {} at a time",
                target.label, scenario.label, opts.requests, opts.concurrency
            ))
        });
        let tag = format!("bench-r{round}-{}-{}", target.system, scenario.name);
        let offset = file_len(&target.log);
        let cpu0 = target.cpu(clk_tck);
        let r = bench_load::load(target.via(), scenario, opts.requests, &cookies, &tag);
        let cpu1 = target.cpu(clk_tck);
        let logs = bench_logs::window(
            &target.log,
            offset,
            &tag,
            r.requests,
            Duration::from_secs(10),
        );
        let n = r.requests.max(1) as f64;
        let run = Run {
            round,
            system: target.system,
            scenario: scenario.name,
            requests: r.requests,
            errors: r.errors,
            req_s: r.req_s(),
            p50_ms: r.percentile(50.0),
            p95_ms: r.percentile(95.0),
            p99_ms: r.percentile(99.0),
            cpu_ms_per_req: (cpu1.all_ms - cpu0.all_ms) / n,
            cpu_ms_per_req_worker: (cpu1.worker_ms - cpu0.worker_ms) / n,
            rows_read_per_req: LogTotals::per_request(logs.rows_read, r.requests),
            rows_written_per_req: LogTotals::per_request(logs.rows_written, r.requests),
            do_calls_per_req: LogTotals::per_request(logs.do_calls, r.requests),
            log_lines: logs.lines,
        };
        if let Some(t) = t {
            step::done(
                &format!(
                    "{:.0} req/s, p50 {:.1} ms, {:.2} CPU ms/req, {} errors, {} log lines",
                    run.req_s, run.p50_ms, run.cpu_ms_per_req, run.errors, run.log_lines
                ),
                t,
            );
        }
        if scenario.page_view {
            views += r.requests;
        } else {
            adds += r.requests;
        }
        runs.push(run);
    }
    let after = target.store_config_requests();
    Ok((runs, after.saturating_sub(before), views, adds))
}

/// Bytes of the home page, a collection page and a product page on each system, each for a
/// new shopper: (page, WandStore, baseline).
fn page_sizes(
    wandstore: &str,
    baseline: &str,
    handle: &str,
) -> Result<Vec<(&'static str, usize, usize)>, String> {
    let http = agent();
    let pages: [(&'static str, String); 3] = [
        ("home", "/".to_owned()),
        (
            "collection (24, page 2)",
            "/collections/all?page=2".to_owned(),
        ),
        ("product", format!("/products/{handle}")),
    ];
    pages
        .into_iter()
        .map(|(name, path)| {
            let (sw, w) = get(&http, &format!("{wandstore}{path}"))?;
            let (sb, b) = get(&http, &format!("{baseline}{path}"))?;
            if sw != 200 || sb != 200 {
                return Err(format!(
                    "{path} answered {sw} (WandStore) and {sb} (baseline)"
                ));
            }
            Ok((name, w.len(), b.len()))
        })
        .collect()
}

/// The baseline worker's JavaScript sources, concatenated (for their size).
fn baseline_sources(root: &Path) -> Result<Vec<u8>, String> {
    let dir = bench_systems::baseline_dir(root).join("src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for f in files {
        all.extend(std::fs::read(&f).map_err(|e| format!("reading {}: {e}", f.display()))?);
    }
    Ok(all)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// The cost model (`cost_model`) from WandStore's measured medians: the page scenarios in
/// equal parts, and the cart add.
fn print_cost_model(runs: &[bench_report::Run]) {
    let measured = |scenario: &str| {
        let s = bench_report::summarize(runs, scenario, bench_systems::WANDSTORE);
        crate::cost_model::PerRequest {
            do_calls: s.do_calls_per_req.unwrap_or(0.0),
            rows_read: s.rows_read_per_req.unwrap_or(0.0),
            rows_written: s.rows_written_per_req.unwrap_or(0.0),
            cpu_ms: s.cpu_ms_per_req_worker.unwrap_or(0.0),
            p50_ms: s.p50_ms.unwrap_or(0.0),
        }
    };
    let pages = crate::cost_model::mean(&[
        measured("home"),
        measured("collection"),
        measured("product"),
    ]);
    println!(
        "\nCost model (Workers Paid rates, see crates/xtask/src/cost_model.rs), from WandStore's medians above:"
    );
    crate::cost_model::print(
        pages,
        measured("cart_add"),
        crate::cost_model::Traffic::default(),
    );
}

/// Writes the runtime-alone copy of the config in `config_dir` (`bench_runtime_only`) under
/// `work`, and answers its directory.
fn runtime_only_dir(work: &Path, system: &str, config_dir: &Path) -> Result<PathBuf, String> {
    let config = config_dir.join("wrangler.toml");
    let text = std::fs::read_to_string(&config)
        .map_err(|e| format!("reading {}: {e}", config.display()))?;
    let (toml, js) = bench_runtime_only::runtime_only(&text)?;
    let dir = work.join(format!("runtime-only-{system}"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    for (name, body) in [("wrangler.toml", toml), (bench_runtime_only::MAIN, js)] {
        let path = dir.join(name);
        std::fs::write(&path, body).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn the_runtime_is_wrangler_dev_unless_bare_is_asked_for() {
        let dev = options(&args(&["--direct"])).map(|o| (o.runtime, o.direct));
        assert_eq!(dev, Ok((Runtime::Dev, true)));
        let bare = options(&args(&["--bare", "--rounds", "5"])).map(|o| (o.runtime, o.rounds));
        assert_eq!(bare, Ok((Runtime::Bare, 5)));
    }

    #[test]
    fn bare_and_direct_together_are_refused_before_anything_starts() {
        let refused = options(&args(&["--bare", "--direct"])).map(|_| ());
        assert!(refused.is_err_and(|e| e.contains("drop --direct")));
    }

    #[test]
    fn more_cart_adds_per_shopper_than_a_line_holds_are_refused() {
        let refused = options(&args(&["--requests", "721", "--concurrency", "8"])).map(|_| ());
        assert!(refused.is_err_and(|e| e.contains("at most 720")));
        assert!(options(&args(&["--requests", "720", "--concurrency", "8"])).is_ok());
    }
}
