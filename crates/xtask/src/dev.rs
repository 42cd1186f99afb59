//! `cargo xtask dev`: bootstrap, build, start the local stack, print the URL.

use crate::{bootstrap, build, flag_value, paths, step};
use std::path::PathBuf;
use std::time::Duration;
use wandstore_stack::{Output, Stack, StackOptions};

pub fn run(args: &[String]) -> Result<(), String> {
    let port = match flag_value(args, "--port")? {
        Some(p) => p
            .parse()
            .map_err(|_| format!("--port {p:?} is not a port number"))?,
        None => 8787,
    };
    let root = paths::root();
    let state_dir = flag_value(args, "--state")?
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".wrangler/state"));

    let t = step::start("checking the toolchain");
    bootstrap::all()?;
    step::done("toolchain ready", t);
    build::worker_if_stale()?;

    let t = step::start(&format!(
        "starting wrangler dev on 127.0.0.1:{port} (state in {})",
        state_dir.display()
    ));
    let mut stack = Stack::start(&StackOptions {
        env_file: root.join(".dev.vars"),
        devshop_bin: Some(wandstore_stack::default_devshop_bin(&root)),
        root,
        port,
        state_dir,
        output: Output::Inherit,
        own_process_group: false,
        ready_timeout: Duration::from_secs(180),
    })?;
    step::done("stack ready", t);
    let url = stack.url();
    let devshop = stack.devshop_url().unwrap_or("(not running)");
    eprintln!(
        "\n  WandStore is running.\n\n    Open {url}/            the demo store\n         {url}/s/outlet/   the outlet store\n\n    Admin API  {url}/admin/stores   (Bearer ADMIN_TOKEN from .dev.vars)\n    devshop    {devshop}   (local Shopify stand-in; faults: {devshop}/_devshop/faults)\n\n  Press Ctrl-C to stop.\n"
    );
    println!("{url}/");
    let status = stack
        .wait()
        .map_err(|e| format!("waiting for wrangler: {e}"))?;
    match status {
        Some(s) if !s.success() => Err(format!("wrangler dev exited: {s}")),
        _ => Ok(()),
    }
}
