//! Stopping what this process started, whichever way the process is told to stop.
//!
//! Every child that the stack (or xtask) starts is spawned through [`spawn`], which records
//! it until its owner stops it. [`stop_children_on_signals`] installs a handler for SIGINT,
//! SIGTERM and SIGHUP that stops every recorded child (a whole process group where the child
//! leads one: SIGTERM, then SIGKILL for whatever is left), says so on stderr, and ends the
//! process with the signal it received. From that moment on nothing new is started.
//!
//! This is what makes a SIGTERM sent to `cargo xtask dev` alone (a process manager, an IDE's
//! stop button) stop devshop and wrangler/workerd as well as Ctrl-C in a terminal does.

use signal_hook::consts::{SIGHUP, SIGINT, SIGKILL, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level::{emulate_default_handler, signal_name};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long stopped children get to exit after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(10);

/// Whether a child leads a process group of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The child leads a new process group; stopping it signals the whole group (so
    /// wrangler's workerd goes with wrangler). A terminal's Ctrl-C does not reach it: this
    /// process's handler stops it.
    Own,
    /// The child stays in this process's group (so a terminal's Ctrl-C and the terminal's
    /// input reach it, for interactive commands); stopping it signals the child only.
    Shared,
}

struct Started {
    pid: i32,
    name: String,
    group: Group,
}

struct Registry {
    stopping: bool,
    started: Vec<Started>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    stopping: false,
    started: Vec::new(),
});

fn registry() -> MutexGuard<'static, Registry> {
    // The registry holds plain data: a panic elsewhere while it was locked leaves it usable.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Spawns `cmd` and records the child so that a signal to this process stops it too.
/// Refuses once this process is stopping, so that nothing outlives it.
pub fn spawn(cmd: &mut Command, name: &str, group: Group) -> std::io::Result<Child> {
    if group == Group::Own {
        cmd.process_group(0);
    }
    // Spawning under the lock: the signal handler either sees this child or stops us first.
    let mut reg = registry();
    if reg.stopping {
        return Err(std::io::Error::other(format!(
            "not starting {name}: this process is stopping"
        )));
    }
    let child = cmd.spawn()?;
    if let Ok(pid) = i32::try_from(child.id()) {
        reg.started.push(Started {
            pid,
            name: name.to_owned(),
            group,
        });
    }
    Ok(child)
}

/// Forgets a child that its owner stops (or has waited for) itself.
pub fn forget(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        registry().started.retain(|s| s.pid != pid);
    }
}

/// Whether a signal handler is stopping this process.
pub fn stopping() -> bool {
    registry().stopping
}

/// If a signal handler is stopping this process, waits for it to end the process (it does,
/// once the children are gone); otherwise returns at once. Call it before returning from
/// `main`, so that the process does not end before its children are stopped.
pub fn wait_if_stopping() {
    while stopping() {
        std::thread::park();
    }
}

/// Installs the handler: on SIGINT, SIGTERM or SIGHUP, stops every recorded child, says so
/// on stderr (prefixed with `who`), and ends the process with that signal. Call it once,
/// before starting children.
pub fn stop_children_on_signals(who: &'static str) -> Result<(), String> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| format!("installing the signal handler: {e}"))?;
    std::thread::Builder::new()
        .name("stop-on-signal".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                stop_everything(who, sig);
                // Die of the signal itself, as if there had been no handler, so that a shell
                // or a process manager sees what happened; exit(128 + n) if that fails.
                let _ = emulate_default_handler(sig);
                std::process::exit(128 + sig);
            }
        })
        .map_err(|e| format!("starting the signal thread: {e}"))?;
    Ok(())
}

fn stop_everything(who: &str, sig: i32) {
    let started = {
        let mut reg = registry();
        reg.stopping = true;
        std::mem::take(&mut reg.started)
    };
    let signal = signal_name(sig).unwrap_or("a signal");
    if started.is_empty() {
        say(&format!(
            "\n{who}: {signal} received; nothing of ours was running. Stopped."
        ));
        return;
    }
    let listed: Vec<String> = started
        .iter()
        .map(|s| match s.group {
            Group::Own => format!("{} (process group {})", s.name, s.pid),
            Group::Shared => format!("{} (pid {})", s.name, s.pid),
        })
        .collect();
    say(&format!(
        "\n{who}: {signal} received; stopping {}",
        listed.join(", ")
    ));
    stop_all(&started);
    let names: Vec<&str> = started.iter().map(|s| s.name.as_str()).collect();
    say(&format!(
        "{who}: stopped {}; nothing it started is left running.",
        names.join(", ")
    ));
}

/// A line on stderr. Never panics (unlike `eprintln!`): stderr may be a pipe whose reader
/// the same Ctrl-C just ended (`cargo xtask dev | tee log`), and the children must be
/// stopped all the same.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// SIGTERM to each child (its group where it leads one), a grace period for them to exit
/// (a whole group, not just its leader: a test binary under `cargo test` needs the time to
/// stop its own stacks after cargo has gone), then SIGKILL to each process group for
/// whatever is left of it.
fn stop_all(started: &[Started]) {
    for s in started {
        send(s, SIGTERM);
    }
    let deadline = Instant::now() + GRACE;
    while Instant::now() < deadline && started.iter().any(still_running) {
        std::thread::sleep(Duration::from_millis(50));
    }
    for s in started {
        if s.group == Group::Own || running(s.pid) {
            send(s, SIGKILL);
        }
    }
}

fn send(s: &Started, sig: i32) {
    let target = match s.group {
        Group::Own => -s.pid,
        Group::Shared => s.pid,
    };
    // SAFETY: kill(2) has no memory-safety preconditions; a stale pid only yields ESRCH.
    unsafe {
        libc::kill(target, sig);
    }
}

fn still_running(s: &Started) -> bool {
    match s.group {
        Group::Own => group_running(s.pid),
        Group::Shared => running(s.pid),
    }
}

/// Whether any process of group `pgid` still runs (zombies, exited and waiting to be
/// reaped, do not count).
#[cfg(target_os = "linux")]
fn group_running(pgid: i32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return running(pgid);
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .any(|stat| {
            // "pid (name) state ppid pgrp …": the name may hold spaces, so split at the last ')'.
            let mut fields = stat
                .rsplit_once(')')
                .map(|(_, rest)| rest.split_whitespace())
                .into_iter()
                .flatten();
            let state = fields.next();
            let group = fields.nth(1).and_then(|g| g.parse::<i32>().ok());
            group == Some(pgid) && state != Some("Z")
        })
}

/// Elsewhere, the group's leader stands for the group.
#[cfg(not(target_os = "linux"))]
fn group_running(pgid: i32) -> bool {
    running(pgid)
}

/// Whether our child `pid` has not exited yet. Uses WNOWAIT, so an exited child is not
/// reaped and its owner's `wait()` still sees its status.
fn running(pid: i32) -> bool {
    let Ok(id) = libc::id_t::try_from(pid) else {
        return false;
    };
    // SAFETY: siginfo_t is plain data; all-zero is a valid value for waitid to fill in.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid, writable siginfo_t for the duration of the call.
    let r = unsafe {
        libc::waitid(
            libc::P_PID,
            id,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // An error (ECHILD) means it was already reaped. With WNOHANG, si_pid stays 0 while the
    // child runs.
    // SAFETY: waitid filled `info` (or left it zeroed); si_pid reads a plain field.
    r == 0 && unsafe { info.si_pid() } == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_child_is_forgotten_once_its_owner_stops_it() {
        let mut child =
            spawn(Command::new("sleep").arg("30"), "sleeper", Group::Own).expect("spawning sleep");
        let pid = i32::try_from(child.id()).expect("pid");
        assert!(registry().started.iter().any(|s| s.pid == pid));
        assert!(running(pid));
        forget(child.id());
        assert!(!registry().started.iter().any(|s| s.pid == pid));
        let _ = child.kill();
        let _ = child.wait();
        assert!(!running(pid));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_group_member_that_outlives_its_leader_gets_the_grace_period() {
        // Like `cargo test` and its test binary: the leader dies of SIGTERM at once, the
        // member needs a moment to clean up (here: half a second, then a marker file).
        let base = std::env::temp_dir().join(format!(
            "wandstore-grace-{}-{}",
            std::process::id(),
            random_suffix()
        ));
        let (mark, ready) = (base.with_extension("done"), base.with_extension("ready"));
        let mut child = spawn(
            Command::new("sh")
                .args([
                    "-c",
                    "(trap 'sleep 0.5; touch \"$MARK\"; exit 0' TERM; touch \"$READY\"; \
                     while :; do sleep 0.1; done) & exec sleep 30",
                ])
                .env("MARK", &mark)
                .env("READY", &ready),
            "leader",
            Group::Own,
        )
        .expect("spawning sh");
        let pid = i32::try_from(child.id()).expect("pid");
        // The member has set its trap once it made the ready file.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(ready.exists(), "the group member did not start");
        stop_all(&[Started {
            pid,
            name: "leader".into(),
            group: Group::Own,
        }]);
        forget(child.id());
        let _ = child.wait();
        let cleaned_up = mark.exists();
        let _ = std::fs::remove_file(&mark);
        let _ = std::fs::remove_file(&ready);
        assert!(cleaned_up, "the member was killed before it could clean up");
        assert!(!group_running(pid));
    }

    fn random_suffix() -> String {
        crate::random_hex(8).expect("random bytes")
    }

    /// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
    #[cfg(target_os = "linux")]
    fn alive(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                let after_name = stat.rsplit_once(')')?.1;
                after_name.split_whitespace().next().map(|s| s != "Z")
            })
            .unwrap_or(false)
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn stopping_a_group_stops_its_grandchildren_and_leaves_the_status_to_the_owner() {
        use std::io::{BufRead, BufReader};
        // A shell leading its own group with a grandchild in the same group, like wrangler
        // and workerd.
        let mut child = spawn(
            Command::new("sh")
                .args(["-c", "sleep 30 & echo $!; wait"])
                .stdout(std::process::Stdio::piped()),
            "shell",
            Group::Own,
        )
        .expect("spawning sh");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("reading the grandchild's pid");
        let grandchild = line.trim().to_owned();
        assert!(alive(&grandchild), "sleep {grandchild} should run");
        let pid = i32::try_from(child.id()).expect("pid");
        let started = [Started {
            pid,
            name: "shell".into(),
            group: Group::Own,
        }];
        stop_all(&started);
        forget(child.id());
        // The owner still gets the exit status: stop_all did not reap the child.
        let status = child.wait().expect("waiting for sh");
        assert!(!status.success());
        // A killed process needs a moment to be gone; a few seconds is plenty.
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive(&grandchild) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            !alive(&grandchild),
            "sleep {grandchild} in sh's group survived"
        );
    }
}
