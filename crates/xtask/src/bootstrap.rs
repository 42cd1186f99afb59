//! Installs what the build needs, once: the wasm32 target, worker-build, wasm-bindgen-cli
//! (the version Cargo.lock pins), the npm packages (wrangler, Node 22) and `.dev.vars`.

use crate::{lockfile, paths, step};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use wandstore_stack::{random_hex, read_env_file, write_env_file};

/// worker-build must match the `worker` crate (both 0.8.7; see Cargo.toml).
pub const WORKER_BUILD_VERSION: &str = "0.8.7";

/// Paths of the installed build tools.
pub struct Toolchain {
    pub worker_build: PathBuf,
    pub wasm_bindgen: PathBuf,
}

/// Everything: toolchain, npm packages, `.dev.vars` and the devshop binary.
pub fn all() -> Result<Toolchain, String> {
    let tools = toolchain()?;
    npm_packages()?;
    dev_vars()?;
    devshop()?;
    Ok(tools)
}

/// Builds the devshop binary (the local Shopify and AI stand-in); a no-op when up to date.
pub fn devshop() -> Result<PathBuf, String> {
    let t = step::start("building devshop (the local Shopify/AI upstream)");
    step::run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["build", "-p", "devshop", "--bin", "devshop"])
            .current_dir(paths::root()),
    )?;
    step::done("devshop ready", t);
    Ok(wandstore_stack::default_devshop_bin(&paths::root()))
}

/// The Rust side: wasm32 target, worker-build and wasm-bindgen-cli.
pub fn toolchain() -> Result<Toolchain, String> {
    wasm_target()?;
    let worker_build = cargo_tool("worker-build", WORKER_BUILD_VERSION, "worker-build", true)?;
    let wasm_bindgen = cargo_tool(
        "wasm-bindgen-cli",
        &locked_version("wasm-bindgen")?,
        "wasm-bindgen",
        // wasm-bindgen-cli's own lockfile does not build with this toolchain; see DESIGN.md.
        false,
    )?;
    Ok(Toolchain {
        worker_build,
        wasm_bindgen,
    })
}

fn wasm_target() -> Result<(), String> {
    let installed = step::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    let t = step::start("installing the wasm32-unknown-unknown target");
    step::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    step::done("target installed", t);
    Ok(())
}

/// A cargo-installed binary at `{tools}/{krate}-{version}/bin/{bin}`, installed if missing.
fn cargo_tool(krate: &str, version: &str, bin: &str, locked: bool) -> Result<PathBuf, String> {
    let root = paths::tools_dir().join(format!("{krate}-{version}"));
    let path = root.join("bin").join(bin);
    if path.is_file() {
        return Ok(path);
    }
    let t = step::start(&format!(
        "installing {krate} {version} into {} (once; takes a few minutes)",
        root.display()
    ));
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--version", version, "--root"])
        .arg(&root)
        .env_remove("CARGO_TARGET_DIR");
    if locked {
        cmd.arg("--locked");
    }
    step::run(&mut cmd)?;
    if !path.is_file() {
        return Err(format!(
            "{krate} installed, but {} is missing",
            path.display()
        ));
    }
    step::done(&format!("{krate} {version} installed"), t);
    Ok(path)
}

/// The version of a package as pinned in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String, String> {
    let lock = fs::read_to_string(paths::root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() != wanted {
            continue;
        }
        if let Some(v) = lines
            .next()
            .and_then(|l| l.trim().strip_prefix("version = \""))
            .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(v.to_owned());
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
///
/// `npm ci` installs exactly what package-lock.json lists and never writes to it, so the
/// README's commands leave tracked files alone. That works on every platform because the
/// lockfile lists all platforms' optional packages (workerd's, esbuild's); a unit test in
/// `lockfile` keeps it so.
pub fn npm_packages() -> Result<(), String> {
    let root = paths::root();
    let marker = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    if paths::node().is_file()
        && paths::wrangler_js().is_file()
        && modified(&marker) >= modified(&lock)
    {
        return Ok(());
    }
    let t =
        step::start("installing npm packages from package-lock.json (wrangler, workerd, Node 22)");
    step::run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root),
    )
    .map_err(|e| {
        let gaps = fs::read_to_string(&lock)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .map(|json| lockfile::gaps(&json))
            .unwrap_or_default();
        if gaps.is_empty() {
            format!("{e}\n(npm comes with Node.js: install Node >= 18 with npm first.)")
        } else {
            format!(
                "{e}\npackage-lock.json is incomplete:\n  {}\nRegenerate it with \
                 `npm install --package-lock-only` and commit it.",
                gaps.join("\n  ")
            )
        }
    })?;
    step::done("npm packages installed", t);
    Ok(())
}

/// The secrets `.dev.vars` must hold for `wrangler dev`.
const DEV_SECRETS: [&str; 3] = ["SHOPPER_COOKIE_SECRET", "ADMIN_TOKEN", "BACKUP_SECRET"];

/// Writes `.dev.vars` with fresh random secrets, or adds the ones an older file lacks.
pub fn dev_vars() -> Result<(), String> {
    let path = paths::root().join(".dev.vars");
    let existing = if path.exists() {
        read_env_file(&path)?
    } else {
        Vec::new()
    };
    let missing: Vec<&str> = DEV_SECRETS
        .iter()
        .copied()
        .filter(|name| !existing.iter().any(|(k, _)| k == name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut vars: Vec<(String, String)> = existing;
    for name in &missing {
        vars.push(((*name).to_owned(), random_hex(32)?));
    }
    let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    write_env_file(&path, &refs)?;
    eprintln!(
        "    wrote {} with new random {}",
        path.display(),
        missing.join(" and ")
    );
    Ok(())
}

/// A file's modification time, or the epoch if it has none.
pub fn modified(path: &Path) -> std::time::SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::UNIX_EPOCH)
}
