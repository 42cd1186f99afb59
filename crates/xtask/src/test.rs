//! `cargo xtask test`: every check CI runs, in order, cheapest first.

use crate::{bootstrap, build, step, tree};
use std::process::Command;
use std::time::Instant;

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(args).current_dir(crate::paths::root());
    cmd
}

pub fn run(_args: &[String]) -> Result<(), String> {
    let all = Instant::now();
    let before = tree::snapshot()?;
    let t = step::start("bootstrap: toolchain, npm packages, .dev.vars, devshop");
    bootstrap::all()?;
    step::done("ready", t);

    // The Wasm crates: the worker and the bench's Rust floor (both built for wasm32 only).
    let native_exclude = [
        "--exclude",
        "wandstore-worker",
        "--exclude",
        "wandstore-floor-rs",
    ];
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
            "clippy, the Wasm worker and the bench's Rust floor",
            cargo(&[
                "clippy",
                "-p",
                "wandstore-worker",
                "-p",
                "wandstore-floor-rs",
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
        (
            "unit tests of the Worker's JavaScript glue (node --test)",
            js_tests()?,
        ),
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
    let mut e2e = cargo(&["test", "-p", "wandstore-e2e"]);
    e2e.env("WANDSTORE_DEVSHOP_BIN", devshop);
    // The end-to-end tests run `xtask dev` as a user would: this very binary, as it is on
    // disk now (the unit tests above rebuilt it for xtask's own integration tests).
    if let Ok(me) = std::env::current_exe() {
        e2e.env("WANDSTORE_XTASK_BIN", on_disk(me));
    }
    step::run(&mut e2e)?;
    step::done("ok", t);

    let t = step::start("the work tree is as the run found it (git status)");
    tree_unchanged(&before)?;
    step::done("ok", t);

    eprintln!("\nall checks passed in {:.0}s", all.elapsed().as_secs_f64());
    Ok(())
}

/// `node --test` over the Worker's JavaScript modules' tests (`crates/worker/js/*.test.mjs`),
/// on the Node the bootstrap installed.
fn js_tests() -> Result<Command, String> {
    let dir = crate::paths::root().join("crates/worker/js");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut tests: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    tests.sort();
    let mut cmd = Command::new(crate::paths::node());
    cmd.arg("--test")
        .args(tests)
        .current_dir(crate::paths::root());
    Ok(cmd)
}

/// The path of a running binary that was replaced on disk while it ran: Linux reports it as
/// `{path} (deleted)`; the file now at `{path}` is its rebuilt self.
fn on_disk(exe: std::path::PathBuf) -> std::path::PathBuf {
    match exe.to_str().and_then(|p| p.strip_suffix(" (deleted)")) {
        Some(path) => std::path::PathBuf::from(path),
        None => exe,
    }
}

/// Fails (in CI) or warns (elsewhere) if the run changed a tracked file or left a new file
/// that git does not ignore. CI works on a fresh clone, so any change is the commands' own;
/// on a developer's machine it may be their editing during the run.
fn tree_unchanged(before: &tree::Snapshot) -> Result<(), String> {
    if !before.is_git() {
        eprintln!("    not a git work tree: nothing to compare");
        return Ok(());
    }
    let changed = before.changed(&tree::snapshot()?);
    if changed.is_empty() {
        return Ok(());
    }
    let report = format!(
        "these files changed while `cargo xtask test` ran:\n      {}\n    \
         The README's commands must leave tracked files alone and new files ignored.",
        changed.join("\n      ")
    );
    if in_ci() {
        Err(report)
    } else {
        eprintln!(
            "    warning: {report}\n    (CI fails on this; if you edited them during the run, ignore this.)"
        );
        Ok(())
    }
}

/// Whether this runs in CI (`CI` set, as CI services and .ci/run's caller do).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[cfg(test)]
mod tests {
    use super::on_disk;
    use std::path::PathBuf;

    #[test]
    fn a_replaced_binary_is_run_from_its_path() {
        assert_eq!(
            on_disk(PathBuf::from("/t/debug/xtask (deleted)")),
            PathBuf::from("/t/debug/xtask")
        );
        assert_eq!(
            on_disk(PathBuf::from("/t/debug/xtask")),
            PathBuf::from("/t/debug/xtask")
        );
    }
}
