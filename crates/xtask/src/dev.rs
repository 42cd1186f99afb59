//! `cargo xtask dev`: bootstrap, build, start the local stack, print the URL.

use crate::{bootstrap, build, flag_value, paths, step};
use std::path::PathBuf;
use std::time::Duration;
use wandstore_stack::{Output, Stack, StackOptions, free_port, port_is_free};

/// The port `cargo xtask dev` serves on unless told otherwise (wrangler's own default).
const DEFAULT_PORT: u16 = 8787;

/// How many ports after [`DEFAULT_PORT`] are tried before asking the OS for any free one.
const NEARBY_PORTS: u16 = 20;

pub fn run(args: &[String]) -> Result<(), String> {
    let requested = match flag_value(args, "--port")? {
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("--port {p:?} is not a port number (1-65535)"))?,
        ),
        None => None,
    };
    // Before anything is built or started: a taken port fails now, not minutes later.
    let mut port = choose_port(requested, None)?;
    let root = paths::root();
    let state_dir = flag_value(args, "--state")?
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".wrangler/state"));

    let t = step::start("checking the toolchain");
    bootstrap::all()?;
    step::done("toolchain ready", t);
    build::worker_if_stale()?;
    // The build may have taken minutes: look again.
    port = choose_port(requested, Some(port))?;

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
        // Each in a group of its own: xtask's signal handler stops them, whether the signal
        // is a terminal's Ctrl-C or a SIGTERM to xtask alone.
        own_process_group: true,
        ready_timeout: Duration::from_secs(180),
    })?;
    step::done("stack ready", t);
    let url = stack.url();
    let devshop = stack.devshop_url().unwrap_or("(not running)");
    // A fresh owner token for the themed demo store, so the console can be tried at once.
    let console = match stack
        .admin_token()
        .map(|admin| wandstore_stack::demo_owner_token(&url, admin))
    {
        Some(Ok(token)) => format!(
            "{url}/console   store {}, owner token {token}",
            wandstore_stack::THEMED_DEMO_STORE
        ),
        Some(Err(e)) => format!("{url}/console   (no owner token to show: {e})"),
        None => format!("{url}/console"),
    };
    eprintln!(
        "\n  WandStore is running.\n\n    Open {url}/            the demo store\n         {url}/s/outlet/   the outlet store (with a published demo theme)\n\n    Owner console  {console}\n    Admin API  {url}/admin/stores   (Bearer ADMIN_TOKEN from .dev.vars)\n    devshop    {devshop}   (local Shopify stand-in; faults: {devshop}/_devshop/faults)\n\n  Press Ctrl-C to stop.\n"
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

/// The port to serve on: the one asked for, which must be free; else 8787, or the first free
/// one after it, saying so. `previous` is the port chosen earlier in this run, if any (a
/// second look only speaks up when the answer changes).
fn choose_port(requested: Option<u16>, previous: Option<u16>) -> Result<u16, String> {
    if let Some(port) = requested {
        if port_is_free(port) {
            return Ok(port);
        }
        let other = nearby_free_port(port)
            .map(|p| format!("cargo xtask dev --port {p}"))
            .unwrap_or_else(|_| "cargo xtask dev --port <N>".into());
        return Err(format!(
            "port {port} is already in use on 127.0.0.1: another WandStore, or another \
             program, is listening there.\n  Stop it, or pick another port: {other}"
        ));
    }
    let wanted = previous.unwrap_or(DEFAULT_PORT);
    if port_is_free(wanted) {
        return Ok(wanted);
    }
    let port = nearby_free_port(DEFAULT_PORT)?;
    eprintln!(
        "\n    port {wanted} is already in use on 127.0.0.1 (another WandStore, or another \
         program); using port {port} instead. Choose one with --port N."
    );
    Ok(port)
}

/// The first free port after `port` (up to [`NEARBY_PORTS`] on), else any free port.
fn nearby_free_port(port: u16) -> Result<u16, String> {
    (1..=NEARBY_PORTS)
        .filter_map(|i| port.checked_add(i))
        .find(|p| port_is_free(*p))
        .map(Ok)
        .unwrap_or_else(|| free_port().map_err(|e| format!("finding a free port: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn taken_port() -> (TcpListener, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        let port = listener.local_addr().expect("address").port();
        (listener, port)
    }

    #[test]
    fn a_requested_port_that_is_taken_is_an_error_that_says_how_to_pick_another() {
        let (_held, port) = taken_port();
        let err = choose_port(Some(port), None).expect_err("a taken port must be refused");
        assert!(
            err.contains(&format!("port {port} is already in use")),
            "{err}"
        );
        assert!(err.contains("cargo xtask dev --port "), "{err}");
    }

    #[test]
    fn a_requested_port_that_is_free_is_used() {
        let (held, port) = taken_port();
        drop(held);
        assert_eq!(choose_port(Some(port), None), Ok(port));
    }

    #[test]
    fn a_default_port_that_became_taken_is_replaced_by_a_free_one() {
        let (_held, port) = taken_port();
        let chosen = choose_port(None, Some(port)).expect("some free port");
        assert_ne!(chosen, port);
        assert!(port_is_free(chosen));
    }

    #[test]
    fn a_nearby_free_port_comes_after_the_taken_one_when_it_can() {
        let (_held, port) = taken_port();
        let next = nearby_free_port(port).expect("a free port");
        assert_ne!(next, port);
    }
}
