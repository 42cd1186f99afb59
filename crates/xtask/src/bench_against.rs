//! `cargo xtask bench --against DIR`: a second WandStore, built from another checkout, in the
//! same run as this one, so that "did this change make a page slower" is answered by two
//! Workers measured in the same rounds on the same machine state, not by two runs an hour
//! apart on a machine whose speed drifts between them.
//!
//! `DIR` is a checkout of another commit (a `git worktree` is the usual one), bootstrapped and
//! built there first (`cargo xtask bootstrap && cargo xtask build-worker`): the bench runs its
//! `wrangler.toml` and its `crates/worker/build` on this checkout's wrangler and workerd,
//! against the same devshop, and loads it in every round next to this checkout's WandStore, the
//! baseline and the floors, rotating the order. The figures compared are each round's pair:
//! this checkout's CPU per request over the other's, in the same round, and their median over
//! rounds (one slow minute moves both sides of a pair alike).

use super::bench_report::{Run, median, num, opt, summarize};
use super::bench_systems::{self, AGAINST, Target, Upstream, WANDSTORE};
use super::bench_wrangler::{Runtime, Wrangler};
use crate::step;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The other checkout, running.
pub struct Against {
    pub wrangler: Wrangler,
    pub target: Target,
    pub commit: String,
    /// Its Wasm, raw and gzipped.
    pub wasm: (u64, u64),
}

/// Starts the WandStore of `dir` on a `wrangler dev` of its own (this checkout's wrangler and
/// workerd, `dir`'s `wrangler.toml` and build; state under `work`, the bench's secrets in
/// `env_file`), and registers the `demo` store on it against the same devshop as this
/// checkout's. Personalization's gateway is not configured there: the bench's pages ask no
/// model either way (new shoppers have no history to personalize).
pub fn start(
    root: &Path,
    dir: &Path,
    work: &Path,
    env_file: &Path,
    admin: &str,
    upstream: &Upstream,
    runtime: Runtime,
) -> Result<Against, String> {
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("--against {}: {e}", dir.display()))?;
    let commit = short_commit(&dir);
    let t = step::start(&format!(
        "starting the WandStore to compare against ({}, {commit})",
        dir.display()
    ));
    let timeout = Duration::from_secs(300);
    // Starting runs the checkout's [build] command, which rebuilds its Wasm if its sources
    // changed: the size is read after, from the Wasm that runs.
    let wrangler = Wrangler::start_system(root, &dir, work, env_file, AGAINST, runtime, timeout)?;
    let wasm = wasm_sizes(&dir)?;
    let system = (AGAINST, "WandStore (against)");
    let target = bench_systems::registered_wandstore(&wrangler, system, admin, upstream)?;
    step::done("ready", t);
    Ok(Against {
        wrangler,
        target,
        commit,
        wasm,
    })
}

/// The raw and gzipped sizes of the Wasm built under `dir`.
fn wasm_sizes(dir: &Path) -> Result<(u64, u64), String> {
    let wasm_path = super::bench_report::wasm_file(dir).ok_or_else(|| {
        format!(
            "--against {0}: no .wasm under {0}/crates/worker/build after starting it; build it \
             there (cd {0} && cargo xtask bootstrap && cargo xtask build-worker)",
            dir.display()
        )
    })?;
    let bytes =
        std::fs::read(&wasm_path).map_err(|e| format!("reading {}: {e}", wasm_path.display()))?;
    super::bench_report::sizes(&bytes)
}

/// `git rev-parse --short HEAD` in `dir` (empty if git cannot tell).
pub fn short_commit(dir: &Path) -> String {
    Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(dir)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// This checkout's figure over the other's, per round, for rounds that measured both.
fn paired(runs: &[Run], scenario: &str, get: fn(&Run) -> f64) -> Vec<f64> {
    runs.iter()
        .filter(|r| r.scenario == scenario && r.system == WANDSTORE)
        .filter_map(|mine| {
            let theirs = runs
                .iter()
                .find(|r| r.scenario == scenario && r.system == AGAINST && r.round == mine.round)?;
            let b = get(theirs);
            (b > 0.0).then(|| get(mine) / b)
        })
        .collect()
}

/// One scenario's comparison.
struct Row {
    name: &'static str,
    label: &'static str,
    cpu_this: Option<f64>,
    cpu_against: Option<f64>,
    cpu_ratios: Vec<f64>,
    req_s_ratios: Vec<f64>,
}

fn rows(runs: &[Run], scenarios: &[(&'static str, &'static str)]) -> Vec<Row> {
    scenarios
        .iter()
        .map(|(name, label)| Row {
            name,
            label,
            cpu_this: summarize(runs, name, WANDSTORE).cpu_ms_per_req_worker,
            cpu_against: summarize(runs, name, AGAINST).cpu_ms_per_req_worker,
            cpu_ratios: paired(runs, name, |r| r.cpu_ms_per_req_worker),
            req_s_ratios: paired(runs, name, |r| r.req_s),
        })
        .collect()
}

fn range(v: &[f64]) -> String {
    let lo = v.iter().copied().reduce(f64::min);
    let hi = v.iter().copied().reduce(f64::max);
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{lo:.2}–{hi:.2}"),
        _ => "–".into(),
    }
}

/// The printed comparison.
pub fn print(
    runs: &[Run],
    scenarios: &[(&'static str, &'static str)],
    this: (&str, (u64, u64)),
    against: &Against,
) {
    println!(
        "\nThis checkout ({}) against {} in the same rounds: user-worker CPU ms/req (medians), and this / that per round (median, range):\n",
        this.0, against.commit
    );
    println!(
        "| scenario | CPU this | CPU against | CPU this / against (median of rounds) | per-round range | req/s this / against (median) |"
    );
    println!("|---|---|---|---|---|---|");
    for row in rows(runs, scenarios) {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.label,
            num(row.cpu_this, 2),
            num(row.cpu_against, 2),
            num(median(&row.cpu_ratios), 2),
            range(&row.cpu_ratios),
            num(median(&row.req_s_ratios), 2),
        );
    }
    println!(
        "\nWasm: this {} B raw, {} B gzipped; against {} B raw, {} B gzipped",
        this.1.0, this.1.1, against.wasm.0, against.wasm.1
    );
}

/// The comparison for `report.json`'s `against` field.
pub fn to_json(
    runs: &[Run],
    scenarios: &[(&'static str, &'static str)],
    against: &Against,
) -> Value {
    json!({
        "commit": against.commit,
        "wasm": { "raw_bytes": against.wasm.0, "gzip_bytes": against.wasm.1 },
        "scenarios": rows(runs, scenarios).iter().map(|r| json!({
            "name": r.name,
            "cpu_ms_per_req_worker": opt(r.cpu_this),
            "against_cpu_ms_per_req_worker": opt(r.cpu_against),
            "cpu_ratio_median": opt(median(&r.cpu_ratios)),
            "cpu_ratios": r.cpu_ratios.iter().map(|x| opt(Some(*x))).collect::<Vec<_>>(),
            "req_s_ratio_median": opt(median(&r.req_s_ratios)),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(system: &'static str, round: usize, cpu: f64, req_s: f64) -> Run {
        Run {
            round,
            system,
            scenario: "home",
            requests: 10,
            errors: 0,
            req_s,
            p50_ms: 1.0,
            p95_ms: 1.0,
            p99_ms: 1.0,
            cpu_ms_per_req: cpu,
            cpu_ms_per_req_worker: cpu,
            rows_read_per_req: None,
            rows_written_per_req: None,
            do_calls_per_req: None,
            log_lines: 10,
        }
    }

    #[test]
    fn pairs_are_taken_within_a_round() {
        let runs = vec![
            run(WANDSTORE, 1, 1.0, 100.0),
            run(AGAINST, 1, 2.0, 50.0),
            // A slow round moves both sides: the pair's ratio is what counts.
            run(WANDSTORE, 2, 3.0, 40.0),
            run(AGAINST, 2, 4.0, 20.0),
            // A round the other side did not run is left out.
            run(WANDSTORE, 3, 9.0, 1.0),
        ];
        let cpu = paired(&runs, "home", |r| r.cpu_ms_per_req_worker);
        assert_eq!(cpu, vec![0.5, 0.75]);
        assert_eq!(paired(&runs, "home", |r| r.req_s), vec![2.0, 2.0]);
        assert!(paired(&runs, "collection", |r| r.req_s).is_empty());
        assert_eq!(range(&cpu), "0.50–0.75");
        assert_eq!(range(&[]), "–");
    }

    #[test]
    fn a_zero_figure_on_the_other_side_is_no_ratio() {
        let runs = vec![run(WANDSTORE, 1, 1.0, 0.0), run(AGAINST, 1, 0.0, 0.0)];
        assert!(paired(&runs, "home", |r| r.cpu_ms_per_req_worker).is_empty());
    }
}
