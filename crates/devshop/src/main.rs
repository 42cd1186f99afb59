//! `devshop [--host 127.0.0.1] [--port 0] [--quiet] [--public-url URL]
//!          [--private-token SHOP=TOKEN]… [--public-token SHOP=TOKEN]… [--ai-token TOKEN]`
//!
//! Binds, prints exactly one line `devshop listening on http://HOST:PORT` to stdout, then
//! serves until SIGTERM or Ctrl-C. Requests are logged to stderr unless `--quiet`.
//! Environment overrides (CLI flags win): `DEVSHOP_{DEMO,OUTLET}_{PRIVATE,PUBLIC}_TOKEN`,
//! `DEVSHOP_AI_TOKEN`, `DEVSHOP_PUBLIC_URL`.

use std::io::Write;
use std::process::ExitCode;

use devshop::Config;

const USAGE: &str = "usage: devshop [--host 127.0.0.1] [--port 0] [--quiet] [--public-url URL]
               [--private-token SHOP=TOKEN]... [--public-token SHOP=TOKEN]... [--ai-token TOKEN]";

struct Args {
    host: String,
    port: u16,
    config: Config,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut config = Config::default();
    config.apply_env(|name| std::env::var(name).ok())?;
    let mut host = "127.0.0.1".to_string();
    let mut port = 0u16;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quiet" | "-q" => config.quiet = true,
            "--host" => host = value("--host")?,
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|_| "--port needs a number 0-65535".to_string())?
            }
            "--public-url" => config.public_url = Some(value("--public-url")?),
            "--ai-token" => config.ai_token = value("--ai-token")?,
            "--private-token" | "--public-token" => {
                let spec = value(&flag)?;
                let (shop, token) = spec
                    .split_once('=')
                    .ok_or_else(|| format!("{flag} needs SHOP=TOKEN"))?;
                config.set_token(shop, flag == "--private-token", token)?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(Args { host, port, config }))
}

/// Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is called (not when the
/// future is first polled), so a signal sent right after the address line is handled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("devshop: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("devshop: cannot bind {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("devshop: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shutdown = shutdown_signal();
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "devshop listening on http://{addr}");
        let _ = stdout.flush();
    }
    match devshop::serve_with_shutdown(listener, args.config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("devshop: {e}");
            ExitCode::FAILURE
        }
    }
}
