//! Starting `wrangler dev` and stopping it with everything it spawned.

use crate::http_probe::get_status;
use crate::ports::free_port;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Where the stack's own output goes.
#[derive(Debug, Clone)]
pub enum Output {
    /// The terminal (for `cargo xtask dev`).
    Inherit,
    /// A log file, shown when something fails (for tests).
    File(PathBuf),
}

/// How to start a stack.
#[derive(Debug, Clone)]
pub struct StackOptions {
    /// The repository root: wrangler.toml and node_modules live here.
    pub root: PathBuf,
    pub port: u16,
    /// Local SQLite Durable Objects and R2 persist here (wrangler's `--persist-to`).
    pub state_dir: PathBuf,
    pub output: Output,
    /// Put the stack in its own process group so that stopping it stops every child.
    /// `cargo xtask dev` leaves this off so that Ctrl-C reaches the whole group.
    pub own_process_group: bool,
    /// Extra `--var NAME:VALUE` bindings.
    pub vars: Vec<(String, String)>,
    /// How long the stack may take to answer `/health/live`.
    pub ready_timeout: Duration,
}

impl StackOptions {
    /// Options for a test stack on free ports with the given state directory.
    pub fn for_tests(root: PathBuf, state_dir: PathBuf) -> std::io::Result<Self> {
        let log = state_dir.join("stack.log");
        Ok(StackOptions {
            root,
            port: free_port()?,
            state_dir,
            output: Output::File(log),
            own_process_group: true,
            vars: Vec::new(),
            ready_timeout: Duration::from_secs(120),
        })
    }
}

/// A running local stack. Dropping it stops it.
pub struct Stack {
    child: Option<Child>,
    port: u16,
    group: bool,
    log: Option<PathBuf>,
}

impl Stack {
    /// Starts `wrangler dev` and waits until it answers `/health/live` with 200.
    pub fn start(opts: &StackOptions) -> Result<Stack, String> {
        let node = opts.root.join("node_modules/node/bin/node");
        let wrangler = opts.root.join("node_modules/wrangler/bin/wrangler.js");
        for needed in [&node, &wrangler] {
            if !needed.is_file() {
                return Err(format!(
                    "{} is missing: run `cargo xtask bootstrap` (or `npm ci`) first",
                    needed.display()
                ));
            }
        }
        std::fs::create_dir_all(&opts.state_dir)
            .map_err(|e| format!("creating {}: {e}", opts.state_dir.display()))?;
        let inspector = free_port().map_err(|e| format!("finding a free port: {e}"))?;

        let mut cmd = Command::new(&node);
        cmd.arg(&wrangler)
            .args(["dev", "--ip", "127.0.0.1", "--port"])
            .arg(opts.port.to_string())
            .arg("--inspector-port")
            .arg(inspector.to_string())
            .arg("--persist-to")
            .arg(&opts.state_dir)
            .arg("--show-interactive-dev-session=false")
            .current_dir(&opts.root)
            .env("PATH", path_with(&opts.root.join("node_modules/.bin")))
            .env("WRANGLER_SEND_METRICS", "false")
            .stdin(Stdio::null());
        for (name, value) in &opts.vars {
            cmd.arg("--var").arg(format!("{name}:{value}"));
        }
        let log = match &opts.output {
            Output::Inherit => None,
            Output::File(path) => {
                let file =
                    File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
                let err = file
                    .try_clone()
                    .map_err(|e| format!("opening {}: {e}", path.display()))?;
                cmd.stdout(file).stderr(err);
                Some(path.clone())
            }
        };
        if opts.own_process_group {
            cmd.process_group(0);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("starting wrangler dev: {e}"))?;
        let mut stack = Stack {
            child: Some(child),
            port: opts.port,
            group: opts.own_process_group,
            log,
        };
        stack.wait_ready(opts.ready_timeout)?;
        Ok(stack)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(format!(
                    "wrangler dev exited during start-up ({status}){}",
                    self.log_tail()
                ));
            }
            if matches!(
                get_status(self.port, "/health/live", Duration::from_secs(2)),
                Ok(200)
            ) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the stack did not answer /health/live within {timeout:?}{}",
                    self.log_tail()
                ));
            }
            // Readiness polling: the stack gives no other signal that it is serving.
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:{port}`
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits for the stack to exit by itself (`cargo xtask dev`).
    pub fn wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        match self.child.as_mut() {
            Some(child) => child.wait().map(Some),
            None => Ok(None),
        }
    }

    /// The last lines the stack wrote to its log file, for error messages.
    pub fn log_tail(&self) -> String {
        let Some(path) = &self.log else {
            return String::new();
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("\n--- last lines of {} ---\n{tail}", path.display())
    }

    /// Stops the stack and every process it started: SIGTERM, then SIGKILL after 10 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
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
        // Whatever is left of the group (workerd) goes too; a lone child only if it hung.
        if self.group || !exited {
            signal(target, libc::SIGKILL);
        }
        let _ = child.wait();
    }
}

impl Drop for Stack {
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

fn path_with(dir: &std::path::Path) -> std::ffi::OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&current)))
        .unwrap_or(current)
}
