//! `cargo xtask <command>`: the project's own build and run tool.
//!
//! Every command bootstraps what it needs (wasm32 target, worker-build, wasm-bindgen-cli,
//! npm packages, `.dev.vars`) and skips what is already there.

mod bench;
mod bootstrap;
mod build;
mod code_usage;
mod cost_model;
mod deploy;
mod deploy_manifest;
mod deploy_plan;
mod dev;
mod duration_arg;
mod http_get;
mod http_json;
mod lockfile;
mod monitor;
mod monitor_rules;
mod paths;
mod preflight;
mod restore;
mod step;
mod test;
mod tree;
mod wrangler_config;
mod wrangler_output;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dev [--port N] [--state DIR]   start WandStore locally and print the URL (port 8787, or
                                 the next free one if 8787 is taken; --port N insists on N)
  test                           fmt, clippy, unit tests, Wasm build, end-to-end tests
  bench [--concurrency N] [--requests N] [--rounds N] [--against DIR] [--direct | --bare]
                                 WandStore side by side with the JavaScript baseline;
                                 criterion render bench; --against DIR also runs the
                                 WandStore built in another checkout in the same rounds;
                                 --direct skips wrangler dev's proxy; --bare runs every
                                 Worker on workerd alone (no dev proxy, entry worker,
                                 middleware or inspector), as deployed
  build-worker                   build the Wasm worker (skipped when up to date)
  deploy --env staging|production [--dry-run] [--skip-tests] [--skip-build] [--all-at-once]
         [--url URL] [--smoke-store SLUG] [--steps 10,100] [--probes N] [--probe-interval 5s]
                                 preflight, test, build, upload, then a gradual rollout
                                 (10 % -> 100 %) probing /health/ready and a store page at
                                 each step; any failure rolls back by itself. --all-at-once:
                                 `wrangler deploy` (first deploy, a migration), probed, no
                                 automatic rollback. --dry-run prints the plan offline.
                                 WANDSTORE_WRANGLER=path picks the wrangler executable
  rollback --env staging|production
                                 roll the deployed worker back to the previous version
  monitor --url URL [--interval 30s] [--webhook URL] [--admin-token-env NAME] [--once]
                                 poll /health and the admin metrics; report state changes
                                 and latency; post Slack-compatible alerts to the webhook
  restore --backup ID --store SLUG [--url URL] [--timeout 30m]
                                 restore a store from a backup (POST /admin/stores/SLUG/restore,
                                 then poll its status until done; token: $ADMIN_TOKEN, or
                                 .dev.vars for a local URL)
  backups [--url URL]            list the backups (GET /admin/backups)
  bootstrap                      install the toolchain pieces only
";

fn main() -> ExitCode {
    // Whatever way xtask is stopped (Ctrl-C, SIGTERM, SIGHUP), the processes it started stop
    // with it, and it says so.
    if let Err(e) = wandstore_stack::stop_children_on_signals("xtask") {
        eprintln!("xtask: {e}; stopping xtask may leave its child processes running");
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = run_command(cmd, rest);
    // If a signal arrived, its handler is stopping the children and then ends xtask; the
    // command's own view of its children's end (an error, most likely) is beside the point.
    wandstore_stack::wait_if_stopping();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_command(cmd: &str, rest: &[String]) -> Result<(), String> {
    match cmd {
        "dev" => dev::run(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "build-worker" => build::worker_if_stale(),
        "deploy" => deploy::deploy(rest),
        "rollback" => deploy::rollback(rest),
        "restore" => restore::restore(rest),
        "backups" => restore::list(rest),
        "monitor" => monitor::run(rest),
        "bootstrap" => bootstrap::all().map(|_| ()),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

/// The value after `--name` in `args`, if present.
pub fn flag_value(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
    }
}
