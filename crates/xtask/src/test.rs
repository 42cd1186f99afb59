//! `cargo xtask test`: every check CI runs, in order, cheapest first.

use crate::{bootstrap, build, step};
use std::process::Command;
use std::time::Instant;

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(args).current_dir(crate::paths::root());
    cmd
}

pub fn run(_args: &[String]) -> Result<(), String> {
    let all = Instant::now();
    let t = step::start("bootstrap: toolchain, npm packages, .dev.vars, devshop");
    bootstrap::all()?;
    step::done("ready", t);

    let native_exclude = ["--exclude", "wandstore-worker"];
    let steps: Vec<(&str, Command)> = vec![
        (
            "format check (cargo fmt --check)",
            cargo(&["fmt", "--all", "--check"]),
        ),
        ("clippy, native crates", {
            let mut c = cargo(&["clippy", "--workspace", "--all-targets"]);
            c.args(native_exclude).args(["--", "-D", "warnings"]);
            c
        }),
        (
            "clippy, the Wasm worker",
            cargo(&[
                "clippy",
                "-p",
                "wandstore-worker",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        ("unit tests (native)", {
            let mut c = cargo(&["test", "--workspace"]);
            c.args(native_exclude).args(["--exclude", "wandstore-e2e"]);
            c
        }),
    ];
    for (what, mut cmd) in steps {
        let t = step::start(what);
        step::run(&mut cmd)?;
        step::done("ok", t);
    }

    build::worker_if_stale()?;

    let t =
        step::start("end-to-end tests against the local stack (devshop + wrangler dev / workerd)");
    let devshop = bootstrap::devshop()?;
    step::run(cargo(&["test", "-p", "wandstore-e2e"]).env("WANDSTORE_DEVSHOP_BIN", devshop))?;
    step::done("ok", t);

    eprintln!("\nall checks passed in {:.0}s", all.elapsed().as_secs_f64());
    Ok(())
}
