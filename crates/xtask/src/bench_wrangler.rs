//! A `wrangler dev` the benchmark starts itself (the JavaScript baseline, and the cold-start
//! runs of both systems), with the same wrangler and workerd as the WandStore stack, in its
//! own process group so that stopping it stops its workerd processes too; or, with `--bare`,
//! the same Worker on workerd alone (`bench/shared/bare.mjs`: its deploy bundle and bindings,
//! none of wrangler dev's proxy, entry worker, middleware and inspector).

use super::bench_proc::workerds_under;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wandstore_stack::{Proc, free_port, get_status};

/// What to start.
pub struct WranglerSpec<'a> {
    /// The repository root (node_modules lives here).
    pub root: &'a Path,
    /// The directory holding the `wrangler.toml` to run (wrangler runs from here).
    pub config_dir: &'a Path,
    pub state_dir: &'a Path,
    pub env_file: &'a Path,
    /// stdout and stderr (the request log lines) go here.
    pub log: &'a Path,
    pub runtime: Runtime,
}

/// How a system is served.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Runtime {
    /// `wrangler dev`: its proxy, Miniflare's entry worker, dev middleware, an inspector.
    Dev,
    /// `bench/shared/bare.mjs`: the deploy bundle on workerd, a socket straight into the Worker.
    Bare,
}

impl Runtime {
    /// What runs the Worker, for messages.
    pub fn command(self) -> &'static str {
        match self {
            Runtime::Dev => "wrangler dev",
            Runtime::Bare => "bench/shared/bare.mjs",
        }
    }
}

/// A running `wrangler dev` (or `bare.mjs`). Dropping it stops it and its workerd processes.
pub struct Wrangler {
    proc: Proc,
    runtime: Runtime,
    pub pid: u32,
    pub port: u16,
    pub log: PathBuf,
}

impl Wrangler {
    /// Starts wrangler on a free port; returns at once (see [`Wrangler::wait_for_workerd`] and
    /// [`Wrangler::wait_live`]).
    pub fn spawn(spec: &WranglerSpec<'_>) -> Result<Wrangler, String> {
        let node = spec.root.join("node_modules/node/bin/node");
        let wrangler_js = spec.root.join("node_modules/wrangler/bin/wrangler.js");
        let port = free_port().map_err(|e| format!("finding a free port: {e}"))?;
        std::fs::create_dir_all(spec.state_dir)
            .map_err(|e| format!("creating {}: {e}", spec.state_dir.display()))?;
        let out =
            File::create(spec.log).map_err(|e| format!("creating {}: {e}", spec.log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("opening {}: {e}", spec.log.display()))?;
        let bin = spec.root.join("node_modules/.bin");
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
            .map_err(|e| format!("building PATH: {e}"))?;
        let mut cmd = Command::new(&node);
        match spec.runtime {
            Runtime::Dev => cmd
                .arg(&wrangler_js)
                .args(["dev", "--ip", "127.0.0.1", "--port"])
                .arg(port.to_string())
                .arg("--inspector-port")
                .arg(
                    free_port()
                        .map_err(|e| format!("finding a free port: {e}"))?
                        .to_string(),
                )
                .arg("--persist-to")
                .arg(spec.state_dir)
                .arg("--env-file")
                .arg(spec.env_file)
                .arg("--show-interactive-dev-session=false"),
            Runtime::Bare => cmd
                .arg(spec.root.join("bench/shared/bare.mjs"))
                .arg(spec.config_dir)
                .arg(port.to_string())
                .arg(spec.state_dir)
                .arg(spec.env_file),
        };
        cmd.current_dir(spec.config_dir)
            .env("PATH", path)
            .env("WRANGLER_SEND_METRICS", "false")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        // Its own process group (so stopping it stops workerd too), stopped on a signal.
        let proc = Proc::spawn("wrangler", &mut cmd, true, Some(spec.log.to_path_buf()))
            .map_err(|e| format!("in {}: {e}", spec.config_dir.display()))?;
        let pid = proc
            .pid()
            .ok_or_else(|| "wrangler stopped as soon as it started".to_owned())?;
        Ok(Wrangler {
            proc,
            runtime: spec.runtime,
            pid,
            port,
            log: spec.log.to_path_buf(),
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls (every 2 ms) until a workerd process runs under this wrangler; the instant it
    /// was first seen.
    pub fn wait_for_workerd(&mut self, timeout: Duration) -> Result<Instant, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if !workerds_under(self.pid, self.port).is_empty() {
                return Ok(Instant::now());
            }
            self.check_alive(deadline, timeout, "start workerd")?;
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Starts the Worker of `config_dir` as the bench's `system` on `runtime`: its state in
    /// `work/{system}`, its log in `work/{system}-wrangler.log`, and waits (up to `timeout`)
    /// until it answers `/health/live`.
    pub fn start_system(
        root: &Path,
        config_dir: &Path,
        work: &Path,
        env_file: &Path,
        system: &str,
        runtime: Runtime,
        timeout: Duration,
    ) -> Result<Wrangler, String> {
        let mut wrangler = Wrangler::spawn(&WranglerSpec {
            root,
            config_dir,
            state_dir: &work.join(system),
            env_file,
            log: &work.join(format!("{system}-wrangler.log")),
            runtime,
        })?;
        wrangler.wait_live(timeout)?;
        Ok(wrangler)
    }

    /// Polls `/health/live` (every 5 ms) until it answers 200.
    pub fn wait_live(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if matches!(
                get_status(self.port, "/health/live", Duration::from_secs(2)),
                Ok(200)
            ) {
                return Ok(());
            }
            self.check_alive(deadline, timeout, "answer /health/live")?;
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// An error if wrangler exited or the deadline passed.
    pub fn check_alive(
        &mut self,
        deadline: Instant,
        timeout: Duration,
        what: &str,
    ) -> Result<(), String> {
        if let Some(status) = self.proc.exited() {
            return Err(format!(
                "{} exited ({status}){}",
                self.runtime.command(),
                self.proc.log_tail()
            ));
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{} did not {what} within {timeout:?}{}",
                self.runtime.command(),
                self.proc.log_tail()
            ));
        }
        Ok(())
    }

    pub fn log_tail(&self) -> String {
        self.proc.log_tail()
    }

    /// Stops wrangler and its workerd processes (SIGTERM to the group, then SIGKILL).
    pub fn stop(&mut self) {
        self.proc.stop();
    }
}
