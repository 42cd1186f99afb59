//! `cargo xtask dev` run as a newcomer (or a process manager) runs it: the built xtask
//! binary, its URL line read from stdout, its messages kept for assertions.

use crate::harness::repo_root;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use wandstore_stack::shutdown::{self, Group};

/// The xtask binary: `$WANDSTORE_XTASK_BIN` (`cargo xtask test` sets it to itself), else
/// the one `cargo xtask` builds.
pub fn xtask_bin() -> PathBuf {
    std::env::var_os("WANDSTORE_XTASK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo_root().join("target"))
                .join("debug/xtask")
        })
}

/// A running `xtask dev` with its own state directory. Dropping it stops it (SIGTERM, then
/// SIGKILL) if a test left it running.
pub struct DevRun {
    child: Option<Child>,
    pid: i32,
    lines: Receiver<String>,
    dir: TempDir,
}

impl DevRun {
    /// Starts `xtask dev {args} --state {a fresh directory}`, with stderr in a file and
    /// stdout read line by line.
    pub fn start(args: &[&str]) -> Result<DevRun, String> {
        let bin = xtask_bin();
        if !bin.is_file() {
            return Err(format!(
                "{} is missing: build it with `cargo build -p xtask` (cargo xtask does)",
                bin.display()
            ));
        }
        let dir = tempfile::Builder::new()
            .prefix("wandstore-dev-")
            .tempdir()
            .map_err(|e| format!("creating a temp dir: {e}"))?;
        let stderr = std::fs::File::create(dir.path().join("xtask.err"))
            .map_err(|e| format!("creating xtask.err: {e}"))?;
        let mut cmd = Command::new(&bin);
        cmd.arg("dev")
            .args(args)
            .arg("--state")
            .arg(dir.path().join("state"))
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        // Its own group, as under a process manager; recorded, so that stopping the test run
        // stops it (and it stops its stack).
        let mut child = shutdown::spawn(&mut cmd, "xtask dev", Group::Own)
            .map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let pid = i32::try_from(child.id()).map_err(|e| format!("pid: {e}"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| "xtask's stdout is not piped".to_owned())?;
        let (tx, lines) = channel();
        // wrangler writes to the same stdout: keep reading until every writer is gone.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(DevRun {
            child: Some(child),
            pid,
            lines,
            dir,
        })
    }

    /// xtask's process id.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Waits for the line that holds the store's URL (`http://127.0.0.1:{port}/`), which
    /// `xtask dev` prints once the stack is ready.
    pub fn wait_for_url(&mut self, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left.min(Duration::from_secs(1))) {
                Ok(line) => {
                    let line = line.trim();
                    if line.starts_with("http://127.0.0.1:") && line.ends_with('/') {
                        return Ok(line.to_owned());
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!("xtask dev printed no URL:\n{}", self.stderr()));
                }
            }
            if let Some(status) = self.try_exit() {
                return Err(format!(
                    "xtask dev exited ({status}) before printing a URL:\n{}",
                    self.stderr()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "xtask dev printed no URL within {timeout:?}:\n{}",
                    self.stderr()
                ));
            }
        }
    }

    /// Sends `signal` to xtask alone (not its process group), as a process manager does.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) has no memory-safety preconditions.
        unsafe {
            libc::kill(self.pid, signal);
        }
    }

    /// Waits up to `timeout` for xtask to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_exit() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn try_exit(&mut self) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let status = child.try_wait().ok().flatten()?;
        shutdown::forget(child.id());
        Some(status)
    }

    /// Everything xtask wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("xtask.err")).unwrap_or_default()
    }
}

impl Drop for DevRun {
    fn drop(&mut self) {
        if self.try_exit().is_some() {
            return;
        }
        self.signal(libc::SIGTERM);
        if self.wait_exit(Duration::from_secs(30)).is_none()
            && let Some(child) = self.child.as_mut()
        {
            let _ = child.kill();
            let _ = child.wait();
            shutdown::forget(child.id());
        }
    }
}
