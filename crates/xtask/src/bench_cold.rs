//! Cold starts, measured from outside like everything else here (time inside workerd only
//! advances across I/O), for one system at a time, on its own `wrangler dev` (or, with
//! `--bare`, on workerd alone, timed from workerd's start, after the bundle is built):
//!
//! 1. **Empty state**: wrangler starts on a fresh state directory. From the moment its first
//!    workerd process exists until the first store page answers 200: workerd's start, the
//!    store's registration through the admin API, and a first page that syncs the catalog
//!    from devshop (a store that never synced waits for its upstream).
//! 2. **Restart** (`cold_start_ms` in the report): wrangler is stopped and started again on
//!    the same state directory, so the isolate and every Durable Object instance are gone
//!    while SQLite keeps the store and its catalog, as after an eviction. From the moment
//!    the new workerd exists until the first `GET /` (a new shopper) answers 200: the
//!    runtime's start, the worker's code loading, and the first request through cold
//!    objects, including StoreConfig loading the catalog from SQLite.
//! 3. **The runtime alone** (`runtime_only_ms`): the same system's bindings and no code of
//!    its own (`bench_runtime_only`), on an empty state, from workerd's start until `GET /`
//!    answers. Locally that is workerd starting Miniflare's service for each kind of binding
//!    (R2, rate limits, analytics…), which a deployed Worker never pays; the restart figure
//!    minus this one is the Worker's own cold start: its code loading and its first page.
//!
//! workerd's appearance is polled every 2 ms, the page every 5 ms.

use super::bench_load::agent;
use super::bench_wrangler::{Runtime, Wrangler, WranglerSpec};
use std::path::Path;
use std::time::{Duration, Instant};

/// How to start one system and register its store on an empty state.
pub struct ColdSpec<'a> {
    pub system: &'static str,
    pub root: &'a Path,
    pub config_dir: &'a Path,
    pub env_file: &'a Path,
    /// `wrangler dev`, or the Worker on workerd alone (`--bare`).
    pub runtime: Runtime,
    /// Registers the store at a fresh instance (its base URL).
    pub register: &'a dyn Fn(&str) -> Result<(), String>,
    /// The system's bindings with no code (`bench_runtime_only`), a wrangler.toml's directory.
    pub runtime_only: &'a Path,
}

/// One measurement of both figures, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct ColdStart {
    pub empty_state_ms: f64,
    pub restart_ms: f64,
    pub runtime_only_ms: f64,
}

const START_TIMEOUT: Duration = Duration::from_secs(180);

/// Both figures for one system; `work` holds its state directory and logs (`round` tells
/// the runs apart).
pub fn measure(spec: &ColdSpec<'_>, work: &Path, round: usize) -> Result<ColdStart, String> {
    let state = work.join(format!("cold-{}-{round}", spec.system));
    let runtime_state = work.join(format!("cold-{}-{round}-runtime", spec.system));
    let start = |config_dir: &Path, state_dir: &Path, n: u8| {
        Wrangler::spawn(&WranglerSpec {
            root: spec.root,
            config_dir,
            state_dir,
            env_file: spec.env_file,
            log: &work.join(format!("cold-{}-{round}-{n}.log", spec.system)),
            runtime: spec.runtime,
        })
    };

    let mut w = start(spec.config_dir, &state, 1)?;
    let t0 = w.wait_for_workerd(START_TIMEOUT)?;
    w.wait_live(START_TIMEOUT)?;
    (spec.register)(&w.url()).map_err(|e| format!("{e}{}", w.log_tail()))?;
    first_page(&mut w)?;
    let empty_state_ms = t0.elapsed().as_secs_f64() * 1000.0;
    w.stop();

    let restart_ms = until_first_page(start(spec.config_dir, &state, 2)?)?;
    let runtime_only_ms = until_first_page(start(spec.runtime_only, &runtime_state, 3)?)?;
    Ok(ColdStart {
        empty_state_ms,
        restart_ms,
        runtime_only_ms,
    })
}

/// Milliseconds from the workerd of `w` appearing until its first page, then stops it.
fn until_first_page(mut w: Wrangler) -> Result<f64, String> {
    let t0 = w.wait_for_workerd(START_TIMEOUT)?;
    first_page(&mut w)?;
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    w.stop();
    Ok(ms)
}

/// Polls `GET /` until it answers 200 (a refused connection means workerd is not listening
/// yet).
fn first_page(w: &mut Wrangler) -> Result<(), String> {
    let http = agent();
    let url = format!("{}/", w.url());
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(mut resp) = http.get(&url).call() {
            let _ = resp.body_mut().read_to_vec();
            if resp.status().as_u16() == 200 {
                return Ok(());
            }
        }
        w.check_alive(deadline, START_TIMEOUT, "answer GET / with 200")?;
        std::thread::sleep(Duration::from_millis(5));
    }
}
