//! Building the Wasm worker with worker-build, skipped when the output is up to date.

use crate::bootstrap::{self, modified};
use crate::{paths, step};
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// Builds the worker unless its output is newer than every input. wrangler.toml's build
/// command calls this, so `wrangler dev` starts fast when nothing changed.
pub fn worker_if_stale() -> Result<(), String> {
    let tools = bootstrap::toolchain()?;
    bootstrap::npm_packages()?;
    let output = modified(&paths::worker_output());
    let newest = newest_input();
    if paths::worker_output().is_file() && output >= newest {
        eprintln!("    worker is up to date");
        return Ok(());
    }
    let t = step::start("building the Wasm worker (worker-build --release)");
    worker_build(&tools, &paths::root().join("crates/worker"))?;
    step::done("worker built", t);
    Ok(())
}

/// Builds the bench's Rust floor (`bench/floor-rs`) unless its output is newer than its
/// sources and the workspace manifests.
pub fn floor_rs_if_stale() -> Result<(), String> {
    let tools = bootstrap::toolchain()?;
    bootstrap::npm_packages()?;
    let root = paths::root();
    let dir = root.join("bench/floor-rs");
    let output = dir.join("build/index.js");
    let newest = [root.join("Cargo.toml"), root.join("Cargo.lock")]
        .iter()
        .map(|p| modified(p))
        .chain([newest_under(&dir)])
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    if output.is_file() && modified(&output) >= newest {
        return Ok(());
    }
    let t = step::start("building the bench's Rust floor (bench/floor-rs, worker-build --release)");
    worker_build(&tools, &dir)?;
    step::done("Rust floor built", t);
    Ok(())
}

/// `worker-build --release` in `crate_dir`, with this machine's wasm-bindgen and esbuild
/// (worker-build would download both from GitHub otherwise).
fn worker_build(tools: &bootstrap::Toolchain, crate_dir: &Path) -> Result<(), String> {
    let root = paths::root();
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    let node_bin = root.join("node_modules/.bin");
    if let Ok(joined) =
        std::env::join_paths(std::iter::once(node_bin.clone()).chain(std::env::split_paths(&path)))
    {
        path = joined;
    }
    step::run(
        Command::new(&tools.worker_build)
            .arg("--release")
            .current_dir(crate_dir)
            .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
            .env("ESBUILD_BIN", node_bin.join("esbuild"))
            .env("PATH", path),
    )
}

/// The newest modification time among the worker's inputs: the workspace manifests, the
/// templates, and every crate except the native-only ones.
fn newest_input() -> SystemTime {
    let root = paths::root();
    let mut newest = [root.join("Cargo.toml"), root.join("Cargo.lock")]
        .iter()
        .map(|p| modified(p))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    newest = newest.max(newest_under(&root.join("templates")));
    if let Ok(entries) = std::fs::read_dir(root.join("crates")) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if matches!(name.to_str(), Some("xtask" | "devshop")) {
                continue;
            }
            newest = newest.max(newest_under(&entry.path()));
        }
    }
    newest
}

fn newest_under(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return newest;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if matches!(
            name.to_str(),
            Some("build" | "target" | "node_modules" | ".wrangler")
        ) {
            continue;
        }
        newest = newest.max(if path.is_dir() {
            newest_under(&path)
        } else {
            modified(&path)
        });
    }
    newest
}
