//! One child process (and, optionally, its whole process group), stopped on drop.

use crate::shutdown::{self, Group};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// Where a process's output goes.
#[derive(Debug, Clone)]
pub enum Output {
    /// The terminal (for `cargo xtask dev`).
    Inherit,
    /// Log files in this directory (`wrangler.log`, `devshop.log`), shown when something
    /// fails (for tests).
    Dir(PathBuf),
}

/// A started child. With `group`, it leads its own process group and stopping it stops
/// everything it spawned (wrangler's workerd, for instance). Either way a signal to this
/// process stops it too, once [`crate::stop_children_on_signals`] is installed.
pub struct Proc {
    pub name: &'static str,
    child: Option<Child>,
    group: bool,
    log: Option<PathBuf>,
}

impl Proc {
    /// Starts `cmd` (with `group`, as the leader of a new process group).
    pub fn spawn(
        name: &'static str,
        cmd: &mut Command,
        group: bool,
        log: Option<PathBuf>,
    ) -> Result<Self, String> {
        let kind = if group { Group::Own } else { Group::Shared };
        let child =
            shutdown::spawn(cmd, name, kind).map_err(|e| format!("starting {name}: {e}"))?;
        Ok(Proc {
            name,
            child: Some(child),
            group,
            log,
        })
    }

    /// The process id (the process group id too, with `group`), while it has not been stopped.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The child's stdout, if it was piped and not taken yet.
    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.child.as_mut().and_then(|c| c.stdout.take())
    }

    /// The exit status if the process has ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Waits for the process to exit by itself.
    pub fn wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        match self.child.as_mut() {
            Some(child) => child.wait().map(Some),
            None => Ok(None),
        }
    }

    /// The last lines of the process's log file, for error messages.
    pub fn log_tail(&self) -> String {
        let Some(path) = &self.log else {
            return String::new();
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("\n--- last lines of {} ---\n{tail}", path.display())
    }

    /// SIGTERM, then SIGKILL after 10 s; with a group, the whole group.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        shutdown::forget(child.id());
        let Ok(pid) = i32::try_from(child.id()) else {
            let _ = child.kill();
            let _ = child.wait();
            return;
        };
        let target = if self.group { -pid } else { pid };
        signal(target, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut exited = false;
        while !exited && Instant::now() < deadline {
            exited = matches!(child.try_wait(), Ok(Some(_)));
            if !exited {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Whatever is left of the group goes too; a lone child only if it hung.
        if self.group || !exited {
            signal(target, libc::SIGKILL);
        }
        let _ = child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

fn signal(target: i32, sig: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions; a stale pid only yields ESRCH.
    unsafe {
        libc::kill(target, sig);
    }
}
