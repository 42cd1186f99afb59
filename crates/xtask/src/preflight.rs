//! The deploy's preflight: wrangler.toml's target environment against deploy/manifest.toml
//! (what the code uses), the code itself and the environment's secrets. Pure: every check
//! answers the problems it found, empty when the environment may be deployed.

use crate::code_usage::Usage;
use crate::deploy_manifest::Manifest;
use crate::wrangler_config::{Section, WranglerConfig};
use std::collections::BTreeSet;

/// The `ENVIRONMENT` value that marks local development.
pub const DEVELOPMENT: &str = "development";

/// Everything wrong with deploying `env`. `secrets` is `wrangler secret list --env env`'s
/// answer, or `None` when it was not asked (a dry run).
pub fn check(
    config: &WranglerConfig,
    manifest: &Manifest,
    usage: &Usage,
    env: &str,
    secrets: Option<&[String]>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if !manifest.environments.contains_key(env) {
        problems.push(format!(
            "{env:?} is not a deployable environment (deploy/manifest.toml [environments]: {})",
            manifest
                .environments
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let Some(section) = config.env.get(env) else {
        problems.push(format!("wrangler.toml has no [env.{env}]"));
        return problems;
    };
    problems.extend(development_values(&config.top, section, env));
    problems.extend(routes(section, env));
    problems.extend(bindings(manifest, section, env));
    problems.extend(vars(manifest, section, env));
    problems.extend(triggers_and_limits(manifest, section, env));
    problems.extend(migrations(config, manifest, section, env));
    problems.extend(code_problems(manifest, usage));
    if let Some(secrets) = secrets {
        problems.extend(secret_problems(manifest, secrets, env));
    }
    problems
}

/// Refuses development values: `ENVIRONMENT` other than the env's name, a local
/// `BASE_DOMAIN`, workers.dev, or the top level's own worker name, buckets or dataset.
fn development_values(top: &Section, s: &Section, env: &str) -> Vec<String> {
    let mut p = Vec::new();
    match s.var("ENVIRONMENT") {
        Some(v) if v == env => {}
        Some(v) => p.push(format!(
            "[env.{env}.vars] ENVIRONMENT is {v:?}: it must be {env:?}{}",
            if v == DEVELOPMENT {
                " (development values never ship)"
            } else {
                ""
            }
        )),
        None => p.push(format!("[env.{env}.vars] must set ENVIRONMENT = {env:?}")),
    }
    match s.var("BASE_DOMAIN") {
        Some(d) if is_public_domain(d) && Some(d) != top.var("BASE_DOMAIN") => {}
        Some(d) => p.push(format!(
            "[env.{env}.vars] BASE_DOMAIN {d:?} is not a public domain of its own (the top \
             level's is {:?})",
            top.var("BASE_DOMAIN").unwrap_or("")
        )),
        None => p.push(format!("[env.{env}.vars] must set BASE_DOMAIN")),
    }
    match (&s.name, &top.name) {
        (None, _) => p.push(format!("[env.{env}] must name its worker (name = \"…\")")),
        (Some(n), Some(t)) if n == t => p.push(format!(
            "[env.{env}] name {n:?} is the development worker's name"
        )),
        _ => {}
    }
    if s.workers_dev != Some(false) {
        p.push(format!(
            "[env.{env}] must set workers_dev = false (it serves on its routes only)"
        ));
    }
    let top_buckets: BTreeSet<_> = top
        .r2_buckets
        .iter()
        .filter_map(|b| b.bucket_name.as_ref())
        .collect();
    for b in &s.r2_buckets {
        match &b.bucket_name {
            Some(name) if top_buckets.contains(name) => p.push(format!(
                "[env.{env}] R2 {}: bucket {name:?} is the development bucket",
                b.binding
            )),
            Some(_) => {}
            None => p.push(format!("[env.{env}] R2 {} names no bucket", b.binding)),
        }
    }
    let top_sets: BTreeSet<_> = top
        .analytics_engine_datasets
        .iter()
        .filter_map(|d| d.dataset.as_ref())
        .collect();
    for d in &s.analytics_engine_datasets {
        if d.dataset.as_ref().is_some_and(|n| top_sets.contains(n)) {
            p.push(format!(
                "[env.{env}] analytics {}: the dataset is the development one",
                d.binding
            ));
        }
    }
    p
}

/// A domain name with a dot that is not local (`localhost`, `.localhost`, `.local`,
/// `.test`, `.internal`, an IP).
fn is_public_domain(d: &str) -> bool {
    let d = d.trim().to_ascii_lowercase();
    let local = [
        "localhost",
        ".localhost",
        ".local",
        ".test",
        ".internal",
        ".invalid",
    ];
    !d.is_empty()
        && d.contains('.')
        && d.parse::<std::net::IpAddr>().is_err()
        && !local
            .iter()
            .any(|l| d == l.trim_start_matches('.') || d.ends_with(l))
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// The wildcard route `*.{BASE_DOMAIN}/*`, with its zone.
fn routes(s: &Section, env: &str) -> Vec<String> {
    let Some(base) = s.var("BASE_DOMAIN") else {
        return vec![];
    };
    let wildcard = format!("*.{base}/*");
    let routes = s.all_routes();
    match routes.iter().find(|r| r.pattern() == wildcard) {
        Some(r) if r.has_zone() => vec![],
        Some(_) => vec![format!(
            "[env.{env}] route {wildcard:?} needs its zone_name"
        )],
        None => vec![format!(
            "[env.{env}] must route {wildcard:?} (stores answer at {{slug}}.{base})"
        )],
    }
}

/// Set differences in both directions: `wanted` missing from `declared`, and `declared`
/// that nothing uses.
fn same_set<'a>(
    what: &str,
    env: &str,
    wanted: impl IntoIterator<Item = &'a String>,
    declared: impl IntoIterator<Item = &'a String>,
) -> Vec<String> {
    let wanted: BTreeSet<&String> = wanted.into_iter().collect();
    let declared: BTreeSet<&String> = declared.into_iter().collect();
    let mut p = Vec::new();
    for missing in wanted.difference(&declared) {
        p.push(format!(
            "[env.{env}] does not declare {what} {missing} (the code uses it)"
        ));
    }
    for unused in declared.difference(&wanted) {
        p.push(format!(
            "[env.{env}] declares {what} {unused}, which the code does not use \
             (deploy/manifest.toml)"
        ));
    }
    p
}

fn bindings(m: &Manifest, s: &Section, env: &str) -> Vec<String> {
    let b = &m.bindings;
    let mut p = Vec::new();
    let dos = &s.durable_objects.bindings;
    p.extend(same_set(
        "Durable Object binding",
        env,
        m.durable_objects.keys(),
        dos.iter().map(|d| &d.name),
    ));
    for d in dos {
        if let Some(class) = m.durable_objects.get(&d.name)
            && class != &d.class_name
        {
            p.push(format!(
                "[env.{env}] binds {} to class {}, the code expects {class}",
                d.name, d.class_name
            ));
        }
        if let Some(script) = &d.script_name {
            p.push(format!(
                "[env.{env}] binds {} to another worker ({script}): its objects would not be \
                 this environment's",
                d.name
            ));
        }
    }
    p.extend(same_set(
        "R2 bucket",
        env,
        &b.r2_buckets,
        s.r2_buckets.iter().map(|r| &r.binding),
    ));
    p.extend(same_set(
        "rate limit",
        env,
        &b.ratelimits,
        s.ratelimits.iter().map(|r| &r.name),
    ));
    for r in &s.ratelimits {
        match (&r.namespace_id, &r.simple) {
            (Some(_), Some(l)) if matches!(l.period, 10 | 60) && l.limit > 0 => {}
            _ => p.push(format!(
                "[env.{env}] rate limit {} needs a namespace_id and simple = {{ limit > 0, \
                 period = 10 or 60 }}",
                r.name
            )),
        }
    }
    p.extend(same_set(
        "Analytics Engine dataset",
        env,
        &b.analytics_engine_datasets,
        s.analytics_engine_datasets.iter().map(|d| &d.binding),
    ));
    p.extend(same_set(
        "KV namespace",
        env,
        &b.kv_namespaces,
        s.kv_namespaces.iter().map(|k| &k.binding),
    ));
    for k in s.kv_namespaces.iter().filter(|k| k.id.is_none()) {
        p.push(format!(
            "[env.{env}] KV namespace {} needs its id",
            k.binding
        ));
    }
    p
}

fn vars(m: &Manifest, s: &Section, env: &str) -> Vec<String> {
    let mut p = Vec::new();
    for name in &m.vars.required {
        if s.var(name).is_none_or(|v| v.trim().is_empty()) {
            p.push(format!("[env.{env}.vars] must set {name}"));
        }
    }
    for name in s.vars.keys() {
        if !m.vars.required.contains(name) && !m.vars.optional.contains(name) {
            p.push(format!(
                "[env.{env}.vars] {name} is not a var the code reads (deploy/manifest.toml)"
            ));
        }
        if m.secrets.required.contains(name) || m.secrets.optional.contains(name) {
            p.push(format!(
                "[env.{env}.vars] {name} is a secret: set it with `wrangler secret put {name} \
                 --env {env}`, never in wrangler.toml"
            ));
        }
    }
    p
}

fn triggers_and_limits(m: &Manifest, s: &Section, env: &str) -> Vec<String> {
    let mut p = Vec::new();
    match &s.triggers {
        Some(t) => p.extend(same_set("cron", env, &m.crons, &t.crons)),
        None => p.push(format!(
            "[env.{env}.triggers] must declare crons = {:?}",
            m.crons
        )),
    }
    if s.limits.as_ref().and_then(|l| l.cpu_ms).is_none() {
        p.push(format!("[env.{env}.limits] must declare cpu_ms"));
    }
    p
}

/// Migrations are additive and the manifest's tags are exactly wrangler.toml's, in order;
/// every bound class is created by one, and every created class is bound.
fn migrations(c: &WranglerConfig, m: &Manifest, s: &Section, env: &str) -> Vec<String> {
    let list = c.migrations(env);
    let mut p = Vec::new();
    let tags: Vec<&String> = list.iter().map(|x| &x.tag).collect();
    let expected: Vec<&String> = m.migrations.iter().collect();
    if tags != expected {
        p.push(format!(
            "migration tags in wrangler.toml {tags:?} differ from deploy/manifest.toml \
             {expected:?}: tags already deployed never change; a new one is added at the end \
             of both"
        ));
    }
    let mut created = BTreeSet::new();
    for x in list {
        if !x.deleted_classes.is_empty()
            || !x.renamed_classes.is_empty()
            || !x.transferred_classes.is_empty()
        {
            p.push(format!(
                "migration {} deletes, renames or transfers classes: migrations must be \
                 additive (rollbacks cannot cross them)",
                x.tag
            ));
        }
        for class in x.new_sqlite_classes.iter().chain(&x.new_classes) {
            if !created.insert(class.clone()) {
                p.push(format!("migration {} creates {class} again", x.tag));
            }
        }
    }
    let bound: BTreeSet<String> = s
        .durable_objects
        .bindings
        .iter()
        .map(|d| d.class_name.clone())
        .collect();
    for class in bound.difference(&created) {
        p.push(format!(
            "[env.{env}] binds class {class}, which no migration creates"
        ));
    }
    for class in created.difference(&bound) {
        p.push(format!(
            "migrations create class {class}, which [env.{env}] does not bind"
        ));
    }
    p
}

/// The manifest against the code: a name the code reads that is not listed, or a listed
/// name that appears nowhere in the code.
pub fn code_problems(m: &Manifest, usage: &Usage) -> Vec<String> {
    let listed: BTreeSet<&str> = m.names().into_iter().collect();
    let mut p = Vec::new();
    for name in &usage.used {
        if !listed.contains(name.as_str()) {
            p.push(format!(
                "the code reads {name} from its environment, but deploy/manifest.toml does \
                 not list it"
            ));
        }
    }
    for name in listed {
        if !usage.literals.contains(name) {
            p.push(format!(
                "deploy/manifest.toml lists {name}, which appears nowhere in the code"
            ));
        }
    }
    p
}

/// Required secrets are set; no secret is set that the code does not read.
pub fn secret_problems(m: &Manifest, secrets: &[String], env: &str) -> Vec<String> {
    let mut p = Vec::new();
    for name in &m.secrets.required {
        if !secrets.contains(name) {
            p.push(format!(
                "secret {name} is not set for {env}: `wrangler secret put {name} --env {env}`"
            ));
        }
    }
    for name in secrets {
        if !m.secrets.required.contains(name) && !m.secrets.optional.contains(name) {
            p.push(format!(
                "secret {name} is set for {env} but the code does not read it: \
                 `wrangler secret delete {name} --env {env}` (or list it in deploy/manifest.toml)"
            ));
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_manifest::PATH;

    fn manifest() -> Manifest {
        Manifest::parse(&std::fs::read_to_string(crate::paths::root().join(PATH)).unwrap()).unwrap()
    }

    fn repo_config() -> String {
        std::fs::read_to_string(crate::paths::root().join("wrangler.toml")).unwrap()
    }

    /// Usage that matches the manifest exactly.
    fn usage(m: &Manifest) -> Usage {
        let names: BTreeSet<String> = m.names().into_iter().map(String::from).collect();
        Usage {
            used: names.clone(),
            literals: names,
        }
    }

    fn secrets(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn problems_with(config: &str, env: &str, s: Option<&[String]>) -> Vec<String> {
        let m = manifest();
        let c = WranglerConfig::parse(config).unwrap();
        check(&c, &m, &usage(&m), env, s)
    }

    #[test]
    fn both_repository_environments_pass() {
        let s = secrets(&["ADMIN_TOKEN", "SHOPPER_COOKIE_SECRET", "BACKUP_SECRET"]);
        for env in ["staging", "production"] {
            let p = problems_with(&repo_config(), env, Some(&s));
            assert!(p.is_empty(), "{env}: {p:#?}");
        }
    }

    #[test]
    fn the_top_level_and_unknown_environments_are_not_deployable() {
        let p = problems_with(&repo_config(), "dev", None);
        assert!(
            p.iter().any(|x| x.contains("not a deployable environment")),
            "{p:?}"
        );
        assert!(p.iter().any(|x| x.contains("no [env.dev]")), "{p:?}");
    }

    #[test]
    fn development_values_in_a_target_are_refused() {
        let config = repo_config()
            .replace(
                "ENVIRONMENT = \"production\"",
                "ENVIRONMENT = \"development\"",
            )
            .replace(
                "BASE_DOMAIN = \"wandstore.dev\"",
                "BASE_DOMAIN = \"wandstore.localhost\"",
            )
            .replace(
                "bucket_name = \"wandstore-themes\"",
                "bucket_name = \"wandstore-dev-themes\"",
            );
        let p = problems_with(&config, "production", None);
        let has = |s: &str| p.iter().any(|x| x.contains(s));
        assert!(has("development values never ship"), "{p:#?}");
        assert!(
            has("\"wandstore.localhost\" is not a public domain"),
            "{p:#?}"
        );
        assert!(has("is the development bucket"), "{p:#?}");
        // The wildcard route no longer matches the (wrong) BASE_DOMAIN either.
        assert!(has("must route \"*.wandstore.localhost/*\""), "{p:#?}");
    }

    #[test]
    fn local_and_odd_domains_are_not_public() {
        for bad in [
            "",
            "localhost",
            "a.localhost",
            "shop.local",
            "127.0.0.1",
            "x.test",
            "nodot",
            "a b.com",
        ] {
            assert!(!is_public_domain(bad), "{bad:?}");
        }
        for good in [
            "wandstore.dev",
            "staging.wandstore.dev",
            "shop-1.example.com",
        ] {
            assert!(is_public_domain(good), "{good:?}");
        }
    }

    #[test]
    fn missing_and_unused_bindings_are_both_problems() {
        let config = repo_config()
            .replacen(
                "[[env.staging.r2_buckets]]\nbinding = \"BACKUPS\"",
                "[[env.staging.r2_buckets]]\nbinding = \"OLD_BACKUPS\"",
                1,
            )
            .replacen(
                "class_name = \"AbuseGuard\"",
                "class_name = \"AbuseGuard2\"",
                2,
            );
        let p = problems_with(&config, "staging", None);
        let has = |s: &str| p.iter().any(|x| x.contains(s));
        assert!(has("does not declare R2 bucket BACKUPS"), "{p:#?}");
        assert!(
            has("declares R2 bucket OLD_BACKUPS, which the code does not use"),
            "{p:#?}"
        );
        assert!(has("binds ABUSE_GUARD to class AbuseGuard2"), "{p:#?}");
        assert!(
            has("binds class AbuseGuard2, which no migration creates"),
            "{p:#?}"
        );
    }

    #[test]
    fn crons_limits_vars_and_routes_are_checked() {
        let config = repo_config()
            .replacen(
                "[env.staging.triggers]\ncrons = [\"*/15 * * * *\", \"0 * * * *\"]",
                "[env.staging.triggers]\ncrons = [\"0 * * * *\", \"5 * * * *\"]",
                1,
            )
            .replacen("[env.staging.limits]\n", "[env.staging.nolimits]\n", 1)
            .replacen(
                "SECURITY_CONTACT = \"mailto:security@wandstore.dev\"",
                "SHOPPER_COOKIE_SECRET = \"oops\"",
                1,
            )
            .replacen(
                "{ pattern = \"*.staging.wandstore.dev/*\", zone_name = \"wandstore.dev\" }",
                "\"*.staging.wandstore.dev/*\"",
                1,
            );
        let p = problems_with(&config, "staging", None);
        let has = |s: &str| p.iter().any(|x| x.contains(s));
        assert!(has("does not declare cron */15 * * * *"), "{p:#?}");
        assert!(has("declares cron 5 * * * *"), "{p:#?}");
        assert!(has("[env.staging.limits] must declare cpu_ms"), "{p:#?}");
        assert!(has("SHOPPER_COOKIE_SECRET is a secret"), "{p:#?}");
        assert!(has("needs its zone_name"), "{p:#?}");
    }

    #[test]
    fn non_additive_or_rewritten_migrations_are_refused() {
        let config = repo_config().replacen(
            "tag = \"v3\"\nnew_sqlite_classes = [\"AbuseGuard\"]",
            "tag = \"v3\"\nnew_sqlite_classes = [\"AbuseGuard\"]\n\n[[migrations]]\ntag = \"v4\"\ndeleted_classes = [\"StoreRegistry\"]",
            1,
        );
        let p = problems_with(&config, "production", None);
        let has = |s: &str| p.iter().any(|x| x.contains(s));
        assert!(has("migration v4 deletes, renames or transfers"), "{p:#?}");
        assert!(has("differ from deploy/manifest.toml"), "{p:#?}");

        let renamed = repo_config().replacen("tag = \"v2\"", "tag = \"v2-new\"", 1);
        let p = problems_with(&renamed, "production", None);
        assert!(
            p.iter()
                .any(|x| x.contains("tags already deployed never change")),
            "{p:#?}"
        );
    }

    #[test]
    fn secrets_must_be_set_and_used() {
        let m = manifest();
        assert!(
            secret_problems(
                &m,
                &secrets(&["ADMIN_TOKEN", "SHOPPER_COOKIE_SECRET", "BACKUP_SECRET"]),
                "p"
            )
            .is_empty()
        );
        assert!(
            secret_problems(
                &m,
                &secrets(&[
                    "ADMIN_TOKEN",
                    "SHOPPER_COOKIE_SECRET",
                    "SHOPPER_COOKIE_SECRET_PREVIOUS",
                    "BACKUP_SECRET"
                ]),
                "p"
            )
            .is_empty()
        );
        let p = secret_problems(
            &m,
            &secrets(&["ADMIN_TOKEN", "BACKUP_SECRET", "LEGACY_KEY"]),
            "staging",
        );
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p[0].contains("wrangler secret put SHOPPER_COOKIE_SECRET --env staging"));
        assert!(p[1].contains("LEGACY_KEY"));
    }

    #[test]
    fn code_and_manifest_disagreements_are_named() {
        let m = manifest();
        let mut u = usage(&m);
        u.used.insert("NEW_BUCKET".into());
        u.literals.remove("RL_SEARCH");
        let p = code_problems(&m, &u);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p.iter().any(|x| x.contains("reads NEW_BUCKET")));
        assert!(
            p.iter()
                .any(|x| x.contains("lists RL_SEARCH, which appears nowhere"))
        );
    }
}
