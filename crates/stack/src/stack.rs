//! Starting the whole local stack and stopping it.

use crate::demo::register_demo_stores;
use crate::envfile::{read_env_file, write_env_file};
use crate::http_probe::get_status;
use crate::ports::{free_port, port_is_free};
use crate::process::{Output, Proc};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use wandstore_core::store::demo_stores;

/// How to start a stack.
#[derive(Debug, Clone)]
pub struct StackOptions {
    /// The repository root: wrangler.toml and node_modules live here.
    pub root: PathBuf,
    pub port: u16,
    /// Local SQLite Durable Objects and R2 persist here (wrangler's `--persist-to`).
    pub state_dir: PathBuf,
    /// `Output::Dir(dir)`-style logs go to `{dir}/wrangler.log` and `{dir}/devshop.log`.
    pub output: Output,
    /// Put each process in its own group so that stopping it stops every child (wrangler's
    /// workerd too). A terminal's Ctrl-C then reaches only the process that started the
    /// stack, which stops the stack through [`crate::stop_children_on_signals`] (xtask and
    /// the end-to-end tests install it).
    pub own_process_group: bool,
    /// The secrets file wrangler loads (`--env-file`); it must hold `ADMIN_TOKEN` when the
    /// demo stores are registered.
    pub env_file: PathBuf,
    /// The devshop binary; without one, no upstream runs and no store is registered.
    pub devshop_bin: Option<PathBuf>,
    /// How long the stack may take to answer `/health/live`.
    pub ready_timeout: Duration,
}

impl StackOptions {
    /// A test stack: free port, logs and a fresh secrets file in `state_dir` (kept across
    /// restarts on the same directory), plus `extra_vars` (e.g. shorter timeouts).
    pub fn for_tests(
        root: PathBuf,
        state_dir: PathBuf,
        devshop_bin: PathBuf,
        extra_vars: &[(&str, &str)],
    ) -> Result<Self, String> {
        std::fs::create_dir_all(&state_dir)
            .map_err(|e| format!("creating {}: {e}", state_dir.display()))?;
        let env_file = state_dir.join("test.vars");
        if !env_file.exists() {
            let cookie = random_hex(32)?;
            let admin = random_hex(32)?;
            let backup = random_hex(32)?;
            let mut vars = vec![
                ("SHOPPER_COOKIE_SECRET", cookie.as_str()),
                ("ADMIN_TOKEN", admin.as_str()),
                ("BACKUP_SECRET", backup.as_str()),
            ];
            vars.extend_from_slice(extra_vars);
            write_env_file(&env_file, &vars)?;
        }
        Ok(StackOptions {
            root,
            port: free_port().map_err(|e| format!("finding a free port: {e}"))?,
            output: Output::Dir(state_dir.clone()),
            state_dir,
            own_process_group: true,
            env_file,
            devshop_bin: Some(devshop_bin),
            ready_timeout: Duration::from_secs(120),
        })
    }
}

/// Where `cargo build -p devshop` puts the binary (honours `CARGO_TARGET_DIR`).
pub fn default_devshop_bin(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("debug/devshop")
}

/// A running local stack. Dropping it stops it.
pub struct Stack {
    wrangler: Proc,
    devshop: Option<Proc>,
    port: u16,
    devshop_url: Option<String>,
    admin_token: Option<String>,
    /// The Storefront token devshop accepts for each demo shop this run.
    shop_tokens: Vec<(String, String)>,
}

impl Stack {
    /// Starts devshop (if configured), then `wrangler dev`, waits until it answers
    /// `/health/live`, and registers the demo stores against devshop.
    pub fn start(opts: &StackOptions) -> Result<Stack, String> {
        let node = opts.root.join("node_modules/node/bin/node");
        let wrangler_js = opts.root.join("node_modules/wrangler/bin/wrangler.js");
        // Before anything starts: whatever answers on a taken port is not this stack, and the
        // demo stores must not be registered against it.
        if !port_is_free(opts.port) {
            return Err(format!(
                "127.0.0.1:{} is already in use (another WandStore, or another program, is \
                 listening there): choose another port",
                opts.port
            ));
        }
        for needed in [&node, &wrangler_js] {
            if !needed.is_file() {
                return Err(format!(
                    "{} is missing: run `cargo xtask bootstrap` (or `npm ci`) first",
                    needed.display()
                ));
            }
        }
        std::fs::create_dir_all(&opts.state_dir)
            .map_err(|e| format!("creating {}: {e}", opts.state_dir.display()))?;
        let secrets = read_env_file(&opts.env_file)?;
        let admin_token = secrets
            .iter()
            .find(|(k, _)| k == "ADMIN_TOKEN")
            .map(|(_, v)| v.clone());

        let shop_tokens: Vec<(String, String)> = demo_stores()
            .iter()
            .map(|s| {
                Ok((
                    s.slug.to_string(),
                    format!("devshop-{}-{}", s.slug, random_hex(12)?),
                ))
            })
            .collect::<Result<_, String>>()?;
        // devshop's model endpoints accept this token; the Worker sends it as the gateway's.
        let ai_token = format!("devshop-ai-{}", random_hex(12)?);
        let (devshop, devshop_url) = match &opts.devshop_bin {
            Some(bin) => {
                let (proc, url) = start_devshop(bin, &shop_tokens, &ai_token, opts)?;
                (Some(proc), Some(url))
            }
            None => (None, None),
        };

        let inspector = free_port().map_err(|e| format!("finding a free port: {e}"))?;
        let mut cmd = Command::new(&node);
        cmd.arg(&wrangler_js)
            .args(["dev", "--ip", "127.0.0.1", "--port"])
            .arg(opts.port.to_string())
            .arg("--inspector-port")
            .arg(inspector.to_string())
            .arg("--persist-to")
            .arg(&opts.state_dir)
            .arg("--env-file")
            .arg(&opts.env_file)
            .arg("--show-interactive-dev-session=false")
            .args(devshop_url.iter().flat_map(|url| {
                // Personalization's AI Gateway is devshop's model endpoints.
                [
                    "--var".to_owned(),
                    format!("AI_GATEWAY_BASE_URL:{url}"),
                    "--var".to_owned(),
                    format!("AI_GATEWAY_TOKEN:{ai_token}"),
                ]
            }))
            .current_dir(&opts.root)
            .env("PATH", path_with(&opts.root.join("node_modules/.bin")))
            .env("WRANGLER_SEND_METRICS", "false")
            .stdin(Stdio::null());
        let log = route_output(&mut cmd, &opts.output, "wrangler.log")?;
        let wrangler = Proc::spawn("wrangler dev", &mut cmd, opts.own_process_group, log)?;
        let mut stack = Stack {
            wrangler,
            devshop,
            port: opts.port,
            devshop_url,
            admin_token,
            shop_tokens: shop_tokens.clone(),
        };
        stack.wait_ready(opts.ready_timeout)?;
        if let Some(devshop_url) = &stack.devshop_url {
            let admin = stack.admin_token.clone().ok_or_else(|| {
                format!(
                    "{} has no ADMIN_TOKEN; cannot register the demo stores",
                    opts.env_file.display()
                )
            })?;
            register_demo_stores(&stack.url(), &admin, devshop_url, |slug| {
                shop_tokens
                    .iter()
                    .find(|(s, _)| s == slug)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default()
            })
            .map_err(|e| format!("{e}{}", stack.wrangler.log_tail()))?;
        }
        Ok(stack)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.wrangler.exited() {
                return Err(format!(
                    "wrangler dev exited during start-up ({status}){}",
                    self.wrangler.log_tail()
                ));
            }
            if matches!(
                get_status(self.port, "/health/live", Duration::from_secs(2)),
                Ok(200)
            ) {
                // Only ours if wrangler still runs: one that failed to listen exits, and the
                // answer came from someone else.
                if let Some(status) = self.wrangler.exited() {
                    return Err(format!(
                        "wrangler dev exited during start-up ({status}) while something else \
                         answered on port {}{}",
                        self.port,
                        self.wrangler.log_tail()
                    ));
                }
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the stack did not answer /health/live within {timeout:?}{}",
                    self.wrangler.log_tail()
                ));
            }
            // Readiness polling: wrangler gives no other signal that it is serving.
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

    /// devshop's base URL, if it runs.
    pub fn devshop_url(&self) -> Option<&str> {
        self.devshop_url.as_deref()
    }

    /// The private Storefront token devshop accepts for a demo shop (`demo`, `outlet`).
    pub fn shop_token(&self, shop: &str) -> Option<&str> {
        self.shop_tokens
            .iter()
            .find(|(s, _)| s == shop)
            .map(|(_, t)| t.as_str())
    }

    /// The admin token the stack was started with.
    pub fn admin_token(&self) -> Option<&str> {
        self.admin_token.as_deref()
    }

    /// Waits for wrangler to exit by itself (`cargo xtask dev`).
    pub fn wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        self.wrangler.wait()
    }

    /// The end of wrangler's log, for error messages.
    pub fn log_tail(&self) -> String {
        self.wrangler.log_tail()
    }

    /// Stops wrangler and devshop with everything they started.
    pub fn stop(&mut self) {
        self.wrangler.stop();
        if let Some(d) = self.devshop.as_mut() {
            d.stop();
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.stop();
    }
}

fn start_devshop(
    bin: &Path,
    tokens: &[(String, String)],
    ai_token: &str,
    opts: &StackOptions,
) -> Result<(Proc, String), String> {
    if !bin.is_file() {
        return Err(format!(
            "{} is missing: build it with `cargo build -p devshop` (cargo xtask does this)",
            bin.display()
        ));
    }
    let mut cmd = Command::new(bin);
    cmd.args(["--host", "127.0.0.1", "--port", "0", "--ai-token", ai_token]);
    for (shop, token) in tokens {
        cmd.arg("--private-token").arg(format!("{shop}={token}"));
    }
    let log = match &opts.output {
        Output::Inherit => {
            cmd.arg("--quiet");
            None
        }
        Output::Dir(dir) => {
            let path = dir.join("devshop.log");
            let file =
                File::create(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
            cmd.stderr(file);
            Some(path)
        }
    };
    cmd.stdout(Stdio::piped()).stdin(Stdio::null());
    let mut proc = Proc::spawn("devshop", &mut cmd, opts.own_process_group, log)?;
    let stdout = proc
        .take_stdout()
        .ok_or_else(|| "devshop's stdout is not piped".to_owned())?;
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    let read = reader.read_line(&mut line).unwrap_or(0);
    // Keep draining stdout so devshop never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("devshop listening on ")
        .map(str::to_owned)
        .filter(|_| read > 0)
        .ok_or_else(|| format!("devshop did not start: {line:?}{}", proc.log_tail()))?;
    if proc.exited().is_some() {
        return Err(format!("devshop exited during start-up{}", proc.log_tail()));
    }
    Ok((proc, url))
}

fn route_output(cmd: &mut Command, output: &Output, name: &str) -> Result<Option<PathBuf>, String> {
    match output {
        Output::Inherit => Ok(None),
        Output::Dir(dir) => {
            let path = dir.join(name);
            let file =
                File::create(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
            let err = file
                .try_clone()
                .map_err(|e| format!("opening {}: {e}", path.display()))?;
            cmd.stdout(file).stderr(err);
            Ok(Some(path))
        }
    }
}

/// `n` random bytes from the OS, as hex.
pub fn random_hex(n: usize) -> Result<String, String> {
    use std::io::Read;
    let mut buf = vec![0u8; n];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| format!("reading /dev/urandom: {e}"))?;
    Ok(hex::encode(buf))
}

fn path_with(dir: &Path) -> std::ffi::OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&current)))
        .unwrap_or(current)
}
