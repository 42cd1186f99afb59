//! `cargo xtask deploy` and `cargo xtask rollback`: wrangler against the real Cloudflare account.

use crate::{bootstrap, build, flag_value, paths, step, test};
use std::process::Command;

fn wrangler(args: &[&str], env: Option<&str>) -> Result<(), String> {
    let root = paths::root();
    let mut cmd = Command::new(paths::node());
    cmd.arg(paths::wrangler_js()).args(args).current_dir(&root);
    if let Some(env) = env {
        cmd.args(["--env", env]);
    }
    step::run_interactive(&mut cmd)
}

/// Runs the whole test suite, builds, and deploys (to `--env NAME` if given).
/// `--dry-run` builds and checks the bundle without uploading.
pub fn deploy(args: &[String]) -> Result<(), String> {
    let env = flag_value(args, "--env")?;
    let dry_run = args.iter().any(|a| a == "--dry-run");
    if !args.iter().any(|a| a == "--skip-tests") {
        test::run(&[])?;
    }
    bootstrap::all()?;
    build::worker_if_stale()?;
    let t = step::start(&format!(
        "deploying to {}{}",
        env.as_deref().unwrap_or("production"),
        if dry_run { " (dry run)" } else { "" }
    ));
    let mut wargs = vec!["deploy"];
    if dry_run {
        wargs.push("--dry-run");
    }
    wrangler(&wargs, env.as_deref())?;
    step::done("deployed", t);
    Ok(())
}

/// Rolls the worker back to its previous deployment.
pub fn rollback(args: &[String]) -> Result<(), String> {
    let env = flag_value(args, "--env")?;
    bootstrap::npm_packages()?;
    wrangler(&["rollback"], env.as_deref())
}
