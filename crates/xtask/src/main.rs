//! `cargo xtask <command>`: the project's own build and run tool.
//!
//! Every command bootstraps what it needs (wasm32 target, worker-build, wasm-bindgen-cli,
//! npm packages, `.dev.vars`) and skips what is already there.

mod bench;
mod bootstrap;
mod build;
mod deploy;
mod dev;
mod lockfile;
mod paths;
mod step;
mod test;
mod tree;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dev [--port N] [--state DIR]   start WandStore locally and print the URL (default port 8787)
  test                           fmt, clippy, unit tests, Wasm build, end-to-end tests
  bench [--concurrency N] [--requests N]
                                 load the local stack's hot paths; criterion render bench
  build-worker                   build the Wasm worker (skipped when up to date)
  deploy [--env NAME] [--dry-run]  test, build and deploy with wrangler
  rollback [--env NAME]          roll the deployed worker back to the previous version
  bootstrap                      install the toolchain pieces only
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((cmd, rest)) => (cmd.as_str(), rest),
        None => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        "dev" => dev::run(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "build-worker" => build::worker_if_stale(),
        "deploy" => deploy::deploy(rest),
        "rollback" => deploy::rollback(rest),
        "bootstrap" => bootstrap::all().map(|_| ()),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
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
