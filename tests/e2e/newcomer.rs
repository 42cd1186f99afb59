//! A newcomer's first run of `cargo xtask dev` has no surprises: a taken port is refused
//! before anything starts (or, when no port was asked for, another one is used), and however
//! xtask is stopped, the processes it started stop with it.
//!
//! These run the built xtask binary itself, each with a state directory of its own, next to
//! the shared stack.

// Test code (this harness-less target is not built with cfg(test), which is where the
// workspace's clippy.toml allows them): a failed expectation is a failed test.
#![allow(clippy::expect_used, reason = "test code")]

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read};
use std::net::TcpListener;
use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};
use wandstore_e2e::DevRun;
use wandstore_e2e::procs::{self, ProcInfo};
use wandstore_stack::{free_port, get_status, port_is_free};

/// A test that starts its own `xtask dev`.
pub type Test = fn();

pub const TESTS: &[(&str, Test)] = &[
    (
        "newcomer::dev_on_a_taken_port_fails_fast_and_says_how_to_pick_another",
        dev_on_a_taken_port_fails_fast_and_says_how_to_pick_another,
    ),
    (
        "newcomer::sigterm_to_xtask_alone_stops_every_process_it_started",
        sigterm_to_xtask_alone_stops_every_process_it_started,
    ),
    (
        "newcomer::dev_without_a_port_moves_off_a_taken_8787_and_sigint_stops_it",
        dev_without_a_port_moves_off_a_taken_8787_and_sigint_stops_it,
    ),
];

/// How long a stack may take to be ready (the worker is built already).
const READY: Duration = Duration::from_secs(240);

fn dev_on_a_taken_port_fails_fast_and_says_how_to_pick_another() {
    // Something else listens on the port (another WandStore, say).
    let other = TcpListener::bind("127.0.0.1:0").expect("binding a port");
    let port = other.local_addr().expect("address").port();
    let started = Instant::now();
    let mut run = DevRun::start(&["--port", &port.to_string()]).expect("starting xtask dev");
    let status = run
        .wait_exit(Duration::from_secs(60))
        .expect("xtask dev should give up on a taken port");
    let took = started.elapsed();
    let err = run.stderr();
    assert!(!status.success(), "xtask dev should fail: {status}\n{err}");
    assert!(
        err.contains(&format!("port {port} is already in use")),
        "the message should say the port is taken:\n{err}"
    );
    assert!(
        err.contains("cargo xtask dev --port "),
        "the message should say how to pick another port:\n{err}"
    );
    // Fast: before bootstrapping, building or starting anything.
    assert!(
        !err.contains("==> "),
        "xtask dev went on to other steps:\n{err}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?} to fail");
    // It never talked HTTP to the program on that port (no demo store registration).
    other.set_nonblocking(true).expect("non-blocking");
    loop {
        match other.accept() {
            Ok((mut conn, _)) => {
                conn.set_read_timeout(Some(Duration::from_secs(2)))
                    .expect("read timeout");
                let mut buf = [0u8; 64];
                let n = conn.read(&mut buf).unwrap_or(0);
                assert_eq!(
                    n,
                    0,
                    "xtask dev sent a request to the program on the taken port: {:?}",
                    String::from_utf8_lossy(&buf[..n])
                );
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("accepting: {e}"),
        }
    }
}

fn sigterm_to_xtask_alone_stops_every_process_it_started() {
    let port = free_port().expect("a free port");
    let mut run = DevRun::start(&["--port", &port.to_string()]).expect("starting xtask dev");
    let url = run.wait_for_url(READY).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(url, format!("http://127.0.0.1:{port}/"));
    assert_eq!(
        get_status(port, "/health/live", Duration::from_secs(10)).ok(),
        Some(200)
    );
    stop_and_check(&mut run, libc::SIGTERM, "SIGTERM");
    assert!(
        port_is_free(port),
        "port {port} is still taken after the stop"
    );
}

fn dev_without_a_port_moves_off_a_taken_8787_and_sigint_stops_it() {
    // Hold 8787 unless something else already does: either way it is taken.
    let _held = TcpListener::bind("127.0.0.1:8787").ok();
    assert!(!port_is_free(8787));
    let mut run = DevRun::start(&[]).expect("starting xtask dev");
    let url = run.wait_for_url(READY).unwrap_or_else(|e| panic!("{e}"));
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("not a local URL: {url}"));
    assert_ne!(port, 8787);
    let err = run.stderr();
    assert!(
        err.contains("port 8787 is already in use")
            && err.contains(&format!("using port {port} instead")),
        "xtask dev should say which port it uses instead:\n{err}"
    );
    assert_eq!(
        get_status(port, "/health/live", Duration::from_secs(10)).ok(),
        Some(200)
    );
    // A new user can try the owner console at once: dev names the store and a fresh owner
    // token, which owns the outlet store and its published demo theme.
    let token = err
        .split("owner token ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("xtask dev should print an owner token:\n{err}"));
    assert!(
        err.contains("/console") && token.starts_with("wso_"),
        "{err}"
    );
    let theme = wandstore_e2e::Client::new(&url).send(
        "GET",
        "/admin/stores/outlet/theme",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(theme.status, 200, "{}", theme.body);
    assert!(
        theme.json()["published"]["version"].as_u64().is_some(),
        "{}",
        theme.body
    );
    stop_and_check(&mut run, libc::SIGINT, "SIGINT");
}

/// Sends `signal` to xtask alone and checks that xtask ends of it, says that it stopped
/// devshop and wrangler, and that nothing it started (devshop, wrangler's node, workerd)
/// nor anything in their process groups still runs.
fn stop_and_check(run: &mut DevRun, signal: i32, name: &str) {
    let started = procs::descendants(run.pid());
    let names: BTreeSet<&str> = started.iter().map(|p| p.name.as_str()).collect();
    for needed in ["devshop", "node", "workerd"] {
        assert!(
            names.contains(needed),
            "no {needed} among xtask's processes: {started:?}"
        );
    }
    let groups: BTreeSet<i32> = started.iter().map(|p| p.pgid).collect();
    assert!(
        !groups.contains(&run.pid()),
        "the stack should run in process groups of its own, not xtask's: {started:?}"
    );

    run.signal(signal);
    let status = run.wait_exit(Duration::from_secs(60));
    // What is left running first: a failure must not leave it behind.
    let left = procs::wait_until_gone(&started, &groups, Duration::from_secs(30));
    kill_all(&left);
    let err = run.stderr();
    assert!(
        left.is_empty(),
        "still running after xtask got {name}: {left:?}\n{err}"
    );
    let status = status.unwrap_or_else(|| panic!("xtask still runs 60 s after {name}:\n{err}"));
    assert_eq!(
        status.signal(),
        Some(signal),
        "xtask should end of the {name} it got ({status}):\n{err}"
    );
    assert!(
        err.contains(&format!("{name} received; stopping")),
        "xtask should say it is stopping:\n{err}"
    );
    assert!(
        err.contains("stopped devshop, wrangler dev"),
        "xtask should say what it stopped:\n{err}"
    );
}

/// SIGKILL to what a failed test left running, and to its process group.
fn kill_all(left: &[ProcInfo]) {
    // SAFETY: getpgrp(2) and kill(2) have no memory-safety preconditions.
    let ours = unsafe { libc::getpgrp() };
    for p in left {
        unsafe {
            libc::kill(p.pid, libc::SIGKILL);
            if p.pgid != ours && p.pgid > 1 {
                libc::kill(-p.pgid, libc::SIGKILL);
            }
        }
    }
}
