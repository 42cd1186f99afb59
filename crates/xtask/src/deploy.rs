//! `cargo xtask deploy` and `cargo xtask rollback`: the shell around [`crate::deploy_plan`].
//! It runs each action the machine hands it (reading files, calling wrangler, probing the
//! deployed URL, waiting) and reports the outcome; every decision is the machine's.
//!
//! wrangler is `node_modules/wrangler` run with the pinned Node, or the executable named by
//! `WANDSTORE_WRANGLER` (the tests' stand-in, or a wrangler of your own).

use crate::deploy_manifest::{self, Manifest, Target};
use crate::deploy_plan::{Action, Deploy, Event, Settings};
use crate::wrangler_config::WranglerConfig;
use crate::{bootstrap, build, code_usage, duration_arg, flag_value, http_get, paths, preflight};
use crate::{step, test, wrangler_output};
use std::process::Command;
use std::time::Duration;

/// Names a wrangler executable to use instead of `node_modules/wrangler`.
pub const WRANGLER_ENV: &str = "WANDSTORE_WRANGLER";

/// The header that sends a request to one version during a gradual rollout.
const VERSION_OVERRIDE: &str = "Cloudflare-Workers-Version-Overrides";

/// How long one probe request may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

const USAGE: &str = "cargo xtask deploy --env staging|production [--dry-run] [--skip-tests] \
[--skip-build] [--all-at-once] [--url URL] [--smoke-store SLUG] [--steps 10,100] \
[--probes N] [--probe-interval 5s]";

/// A wrangler command, run from the repository root.
fn wrangler() -> Command {
    let mut cmd = match std::env::var_os(WRANGLER_ENV) {
        Some(bin) => Command::new(bin),
        None => {
            let mut c = Command::new(paths::node());
            c.arg(paths::wrangler_js());
            c
        }
    };
    cmd.current_dir(paths::root())
        .env("WRANGLER_SEND_METRICS", "false");
    cmd
}

/// Arguments as a shell would need them typed (those with spaces quoted).
fn shown(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.contains(' ') {
                format!("\"{a}\"")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs wrangler with `args` and `--env env`, answering its stdout (echoed, indented).
fn wrangler_out(args: &[String], env: &str) -> Result<String, String> {
    eprintln!("    $ wrangler {} --env {env}", shown(args));
    let out = step::output(wrangler().args(args).args(["--env", env]))?;
    for line in out.lines().filter(|l| !l.trim().is_empty()) {
        eprintln!("      {line}");
    }
    Ok(out)
}

/// `versions deploy` arguments for a traffic split, with `message` as the deployment's.
fn route_args(split: &[(String, u8)], message: &str) -> Vec<String> {
    let mut args: Vec<String> = vec!["versions".into(), "deploy".into()];
    args.extend(split.iter().map(|(v, p)| format!("{v}@{p}%")));
    args.extend(["--yes".into(), "--message".into(), message.into()]);
    args
}

const ROLLOUT_MESSAGE: &str = "cargo xtask deploy";
const ROLLBACK_MESSAGE: &str = "cargo xtask deploy: automatic rollback";

fn upload_args() -> Vec<String> {
    ["versions", "upload", "--message", "cargo xtask deploy"]
        .map(String::from)
        .to_vec()
}

fn deploy_all_args() -> Vec<String> {
    ["deploy", "--message", ROLLOUT_MESSAGE]
        .map(String::from)
        .to_vec()
}

fn status_args() -> Vec<String> {
    ["deployments", "status", "--json"]
        .map(String::from)
        .to_vec()
}

fn secret_list_args() -> Vec<String> {
    ["secret", "list", "--format", "json"]
        .map(String::from)
        .to_vec()
}

/// What the deploy is aimed at.
struct Aim {
    env: String,
    /// The worker's name in this environment (for the version-override header).
    worker: String,
    target: Target,
}

/// Reads wrangler.toml and the manifest from the repository.
fn load() -> Result<(WranglerConfig, Manifest), String> {
    let root = paths::root();
    let read =
        |p: &str| std::fs::read_to_string(root.join(p)).map_err(|e| format!("reading {p}: {e}"));
    Ok((
        WranglerConfig::parse(&read("wrangler.toml")?)?,
        Manifest::parse(&read(deploy_manifest::PATH)?)?,
    ))
}

/// The preflight: offline checks, and the env's secrets unless `offline`.
fn run_preflight(env: &str, offline: bool) -> Result<(), String> {
    let (config, manifest) = load()?;
    let usage = code_usage::scan_tree(&paths::root())?;
    let secrets = if offline {
        eprintln!(
            "    (dry run: `wrangler secret list` is not asked; the secrets are not checked)"
        );
        None
    } else {
        Some(wrangler_output::secret_names(&wrangler_out(
            &secret_list_args(),
            env,
        )?)?)
    };
    let problems = preflight::check(&config, &manifest, &usage, env, secrets.as_deref());
    if problems.is_empty() {
        eprintln!(
            "    wrangler.toml [env.{env}], deploy/manifest.toml{} agree",
            if offline {
                " and the code"
            } else {
                ", the code and the secrets"
            }
        );
        Ok(())
    } else {
        Err(format!(
            "{} problem(s):\n  - {}",
            problems.len(),
            problems.join("\n  - ")
        ))
    }
}

/// One probe of the new version: `/health/ready` answers 200 and the smoke store's home
/// page answers 200 with HTML (no smoke page when the smoke store is empty: a first deploy,
/// before any store exists).
fn probe(agent: &ureq::Agent, aim: &Aim, version: &str) -> Result<(), String> {
    let pin = [(VERSION_OVERRIDE, format!("{}=\"{version}\"", aim.worker))];
    let url = &aim.target.url;
    let ready = http_get::get(agent, &format!("{url}/health/ready"), &pin)?;
    if ready.status != 200 {
        return Err(format!(
            "/health/ready answered {}: {}",
            ready.status,
            ready.body.chars().take(300).collect::<String>()
        ));
    }
    if aim.target.smoke_store.is_empty() {
        eprintln!("    ready in {} ms (no smoke store)", ready.elapsed_ms);
        return Ok(());
    }
    let page_url = format!("{url}/s/{}/", aim.target.smoke_store);
    let page = http_get::get(agent, &page_url, &pin)?;
    if page.status != 200 || !page.content_type.starts_with("text/html") {
        return Err(format!(
            "smoke test {page_url} answered {} ({})",
            page.status, page.content_type
        ));
    }
    eprintln!(
        "    ready in {} ms, {page_url} in {} ms",
        ready.elapsed_ms, page.elapsed_ms
    );
    Ok(())
}

fn as_event(result: Result<impl Sized, String>) -> Event {
    match result {
        Ok(_) => Event::Ok,
        Err(e) => Event::Failed(e),
    }
}

/// The settings and aim from the command line.
fn parse_args(args: &[String]) -> Result<(Settings, Aim, bool), String> {
    let env = flag_value(args, "--env")?.ok_or_else(|| {
        format!(
            "deploy needs --env: the top level of wrangler.toml is local development and is \
             never deployed.\nusage: {USAGE}"
        )
    })?;
    let has = |f: &str| args.iter().any(|a| a == f);
    let mut settings = Settings::new(&env);
    settings.run_tests = !has("--skip-tests");
    settings.build = !has("--skip-build");
    settings.all_at_once = has("--all-at-once");
    if let Some(steps) = flag_value(args, "--steps")? {
        settings.steps = steps
            .split(',')
            .map(|p| p.trim().trim_end_matches('%').parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("--steps {steps:?}: percentages such as 10,50,100"))?;
    }
    if let Some(n) = flag_value(args, "--probes")? {
        settings.probes_per_step = n
            .parse()
            .map_err(|_| format!("--probes {n:?} is not a number"))?;
    }
    if let Some(d) = flag_value(args, "--probe-interval")? {
        settings.probe_interval_ms =
            u64::try_from(duration_arg::parse(&d)?.as_millis()).unwrap_or(u64::MAX);
    }
    settings.validate()?;
    let (config, manifest) = load()?;
    let mut target = manifest.environments.get(&env).cloned().ok_or_else(|| {
        format!(
            "--env {env:?} is not deployable: deploy/manifest.toml lists {}",
            manifest
                .environments
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    if let Some(url) = flag_value(args, "--url")? {
        target.url = url;
    }
    target.url = target.url.trim_end_matches('/').to_owned();
    if !(target.url.starts_with("https://") || target.url.starts_with("http://")) {
        return Err(format!("--url {:?} must be an http(s) URL", target.url));
    }
    if let Some(store) = flag_value(args, "--smoke-store")? {
        target.smoke_store = store;
    }
    let slug_ok = target
        .smoke_store
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug_ok {
        return Err(format!(
            "smoke store {:?} is not a store slug (lowercase letters, digits, hyphens)",
            target.smoke_store
        ));
    }
    let worker = config
        .env
        .get(&env)
        .and_then(|s| s.name.clone())
        .ok_or_else(|| format!("wrangler.toml [env.{env}] has no name"))?;
    Ok((
        settings,
        Aim {
            env,
            worker,
            target,
        },
        has("--dry-run"),
    ))
}

/// `cargo xtask deploy`: see the module doc and [`crate::deploy_plan`].
pub fn deploy(args: &[String]) -> Result<(), String> {
    let (settings, aim, dry_run) = parse_args(args)?;
    if dry_run {
        return print_plan(&settings, &aim);
    }
    if std::env::var_os(WRANGLER_ENV).is_none() {
        bootstrap::npm_packages()?;
    }
    let agent = http_get::agent(PROBE_TIMEOUT);
    let env = aim.env.clone();
    let mut machine = Deploy::new(settings);
    let mut action = machine.next();
    let outcome = loop {
        let t = step::start(&describe(&action, &aim));
        let event = match &action {
            Action::Done(outcome) => break outcome.clone(),
            Action::Preflight => as_event(run_preflight(&env, false)),
            Action::RunTests => as_event(test::run(&[])),
            Action::Build => as_event(build::worker_if_stale()),
            Action::FindCurrent => {
                match wrangler_out(&status_args(), &env)
                    .and_then(|o| wrangler_output::serving_version(&o))
                {
                    Ok(v) => Event::Current(v),
                    Err(e) => Event::Failed(e),
                }
            }
            Action::DeployAll => match wrangler_out(&deploy_all_args(), &env)
                .and_then(|o| wrangler_output::uploaded_version(&o))
            {
                Ok(v) => Event::Uploaded(v),
                Err(e) => Event::Failed(e),
            },
            Action::Upload => match wrangler_out(&upload_args(), &env)
                .map_err(|e| explain_upload_failure(e, &env))
                .and_then(|o| wrangler_output::uploaded_version(&o))
            {
                Ok(v) => Event::Uploaded(v),
                Err(e) => Event::Failed(e),
            },
            Action::Route(split) => {
                as_event(wrangler_out(&route_args(split, ROLLOUT_MESSAGE), &env))
            }
            Action::Probe { version, .. } => as_event(probe(&agent, &aim, version)),
            Action::Wait(ms) => {
                std::thread::sleep(Duration::from_millis(*ms));
                Event::Ok
            }
            Action::Rollback { to, .. } => as_event(wrangler_out(
                &route_args(&[(to.clone(), 100)], ROLLBACK_MESSAGE),
                &env,
            )),
        };
        match &event {
            Event::Failed(e) => eprintln!("    failed: {e}"),
            _ => step::done("ok", t),
        }
        action = machine.on(event);
    };
    if outcome.succeeded() {
        eprintln!("\n{outcome} ({})", aim.target.url);
        Ok(())
    } else {
        Err(outcome.to_string())
    }
}

/// A failed upload that carries a Durable Object migration gets the way out.
fn explain_upload_failure(e: String, env: &str) -> String {
    if e.to_ascii_lowercase().contains("migration") {
        format!(
            "{e}\n  This release adds a Durable Object migration, which `wrangler versions \
             upload` cannot carry: deploy it all at once with `npx wrangler deploy --env {env}`, \
             or `cargo xtask deploy --env {env} --all-at-once`, then watch it with \
             `cargo xtask monitor`."
        )
    } else {
        e
    }
}

/// What an action does, as the step header (and the dry run's plan).
fn describe(action: &Action, aim: &Aim) -> String {
    let env = &aim.env;
    let wr = |args: Vec<String>| format!("wrangler {} --env {env}", shown(&args));
    match action {
        Action::Preflight => format!(
            "preflight: wrangler.toml [env.{env}] against deploy/manifest.toml, the code, \
             and `{}`",
            wr(secret_list_args())
        ),
        Action::RunTests => "the test suite (cargo xtask test)".into(),
        Action::Build => "the build (cargo xtask build-worker)".into(),
        Action::FindCurrent => format!("the version serving now: {}", wr(status_args())),
        Action::Upload => format!("upload: {}", wr(upload_args())),
        Action::DeployAll => format!(
            "deploy all at once (applies Durable Object migrations; no automatic rollback): {}",
            wr(deploy_all_args())
        ),
        Action::Route(split) => format!("rollout: {}", wr(route_args(split, ROLLOUT_MESSAGE))),
        Action::Probe { version, percent } => format!(
            "probe at {percent}%: GET {0}/health/ready and {0}/s/{1}/ with {VERSION_OVERRIDE}: \
             {2}=\"{version}\"",
            aim.target.url, aim.target.smoke_store, aim.worker
        ),
        Action::Wait(ms) => format!("wait {ms} ms"),
        Action::Rollback { to, reason } => format!(
            "ROLLBACK ({reason}): {}",
            wr(route_args(&[(to.clone(), 100)], ROLLBACK_MESSAGE))
        ),
        Action::Done(outcome) => format!("done: {outcome}"),
    }
}

/// `--dry-run`: the offline preflight, then every action a successful deploy takes.
fn print_plan(settings: &Settings, aim: &Aim) -> Result<(), String> {
    eprintln!(
        "dry run: deploy to {} ({}, worker {}); no network, no wrangler calls",
        aim.env, aim.target.url, aim.worker
    );
    let checked = run_preflight(&aim.env, true);
    println!("plan:");
    let mut n = 0;
    for action in crate::deploy_plan::dry_run(settings) {
        if matches!(action, Action::Wait(_)) {
            continue;
        }
        n += 1;
        println!("  {n:>2}. {}", describe(&action, aim));
    }
    if settings.all_at_once {
        println!(
            "  on a failed probe: no automatic rollback (it may cross a migration); exit non-zero"
        );
    } else {
        println!(
            "  on any failure after the first rollout step: {}",
            describe(
                &Action::Rollback {
                    to: "<current>".into(),
                    reason: "what failed".into()
                },
                aim
            )
        );
    }
    checked.map_err(|e| format!("the preflight would stop this deploy: {e}"))
}

/// `cargo xtask rollback --env NAME`: the previous version back at 100 % (`wrangler
/// rollback`).
pub fn rollback(args: &[String]) -> Result<(), String> {
    let env = flag_value(args, "--env")?
        .ok_or("rollback needs --env staging|production (the top level is never deployed)")?;
    if std::env::var_os(WRANGLER_ENV).is_none() {
        bootstrap::npm_packages()?;
    }
    let mut cmd = wrangler();
    cmd.args(["rollback", "--env", &env]);
    step::run_interactive(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_arguments_name_each_version_and_its_share() {
        let args = route_args(&[("new".into(), 10), ("old".into(), 90)], "m");
        assert_eq!(&args[..4], ["versions", "deploy", "new@10%", "old@90%"]);
        assert!(args.contains(&"--yes".to_owned()));
    }

    #[test]
    fn deploy_refuses_to_run_without_an_environment() {
        let e = parse_args(&["--dry-run".into()]).err().unwrap();
        assert!(e.contains("needs --env"), "{e}");
        let e = parse_args(&["--env".into(), "dev".into()]).err().unwrap();
        assert!(e.contains("not deployable"), "{e}");
        let e = parse_args(&[
            "--env".into(),
            "staging".into(),
            "--steps".into(),
            "10,5".into(),
        ])
        .err()
        .unwrap();
        assert!(e.contains("increasing"), "{e}");
        let bad = |extra: [&str; 2]| {
            let mut a = vec!["--env".to_owned(), "staging".to_owned()];
            a.extend(extra.map(String::from));
            parse_args(&a).err().unwrap_or_default()
        };
        assert!(bad(["--url", "file:///etc/passwd"]).contains("http(s) URL"));
        assert!(bad(["--smoke-store", "../admin"]).contains("not a store slug"));
        assert!(bad(["--probe-interval", "soon"]).contains("not a duration"));
        assert!(bad(["--probes", "-1"]).contains("not a number"));
    }

    #[test]
    fn overrides_reach_the_aim() {
        let (s, aim, dry) = parse_args(
            &[
                "--env",
                "production",
                "--url",
                "http://127.0.0.1:9/",
                "--smoke-store",
                "outlet",
                "--skip-tests",
                "--probe-interval",
                "0s",
                "--dry-run",
            ]
            .map(String::from),
        )
        .unwrap();
        assert!(dry && !s.run_tests && s.build);
        assert_eq!(s.probe_interval_ms, 0);
        assert_eq!(aim.target.url, "http://127.0.0.1:9");
        assert_eq!(aim.target.smoke_store, "outlet");
        assert_eq!(aim.worker, "wandstore");
    }

    #[test]
    fn a_migration_upload_failure_says_how_to_apply_it() {
        let e = explain_upload_failure("Migrations are not supported".into(), "staging");
        assert!(e.contains("npx wrangler deploy --env staging"), "{e}");
        assert_eq!(explain_upload_failure("500".into(), "staging"), "500");
    }
}
