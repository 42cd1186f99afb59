//! What the Worker's code reads from its environment, found by scanning its sources: the
//! names passed to `env.var/secret/bucket/durable_object/rate_limiter/kv/analytics_engine`,
//! `&str` constants and arrays of names in the worker crate, rate-limit binding names
//! (`"RL_…"`) and the vars read through `from_vars` closures (`ms("…")`, `number("…")`).
//! Pure: takes the files' text; deploy.rs and the tests read them.

use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;

/// The directories scanned, relative to the repository root.
pub const SOURCE_DIRS: [&str; 4] = [
    "crates/worker/src",
    "crates/core/src",
    "crates/backup/src",
    "crates/ai/src",
];

/// What the scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Names the code reads from its environment.
    pub used: BTreeSet<String>,
    /// Every upper-case string literal in the code (to tell whether a name appears at all).
    pub literals: BTreeSet<String>,
}

/// One source file: whether it is in the worker crate, and its text.
pub struct Source<'a> {
    pub worker: bool,
    pub text: &'a str,
}

/// Scans sources (test modules, from `#[cfg(test)]` on, are ignored).
pub fn scan(sources: &[Source<'_>]) -> Result<Usage, String> {
    let re = |p: &str| Regex::new(p).map_err(|e| format!("scan pattern {p}: {e}"));
    let env_call = re(
        r#"\.(?:var|secret|bucket|durable_object|rate_limiter|kv|analytics_engine|d1|queue|service)\(\s*"([A-Z][A-Z0-9_]+)"\s*\)"#,
    )?;
    let from_vars = re(r#"\b(?:ms|secs|number|var|flag)\(\s*"([A-Z][A-Z0-9_]+)"\s*\)"#)?;
    let rate_binding = re(r#""(RL_[A-Z0-9_]+)""#)?;
    let str_const = re(r#"const [A-Z][A-Z0-9_]*: &str = "([A-Z][A-Z0-9_]+)""#)?;
    let str_array = re(r#"const [A-Z][A-Z0-9_]*: \[&str; \d+\] = \[([^\]]*)\]"#)?;
    let literal = re(r#""([A-Z][A-Z0-9_]{2,})""#)?;
    let mut usage = Usage::default();
    for source in sources {
        let code = source.text.split("#[cfg(test)]").next().unwrap_or_default();
        let add = |re: &Regex, text: &str, set: &mut BTreeSet<String>| {
            for c in re.captures_iter(text) {
                if let Some(m) = c.get(1) {
                    set.insert(m.as_str().to_owned());
                }
            }
        };
        add(&literal, code, &mut usage.literals);
        add(&env_call, code, &mut usage.used);
        add(&from_vars, code, &mut usage.used);
        add(&rate_binding, code, &mut usage.used);
        if source.worker {
            add(&str_const, code, &mut usage.used);
            for c in str_array.captures_iter(code) {
                if let Some(list) = c.get(1) {
                    add(&literal, list.as_str(), &mut usage.used);
                }
            }
        }
    }
    Ok(usage)
}

/// Reads every `.rs` file under [`SOURCE_DIRS`] and scans them.
pub fn scan_tree(root: &Path) -> Result<Usage, String> {
    let mut files = Vec::new();
    for dir in SOURCE_DIRS {
        collect(
            &root.join(dir),
            dir.starts_with("crates/worker"),
            &mut files,
        )?;
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(worker, text)| Source {
            worker: *worker,
            text,
        })
        .collect();
    scan(&sources)
}

fn collect(dir: &Path, worker: bool, out: &mut Vec<(bool, String)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, worker, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("reading {}: {e}", path.display()))?;
            out.push((worker, text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_manifest::{Manifest, PATH};

    fn worker(text: &str) -> Usage {
        scan(&[Source { worker: true, text }]).unwrap()
    }

    #[test]
    fn env_calls_constants_arrays_and_var_closures_are_found() {
        let u = worker(
            r#"
const COOKIE: &str = "SHOPPER_COOKIE_SECRET";
const BUCKETS: [&str; 2] = ["ASSETS", "THEMES"];
fn f(env: &Env) {
    env.var("BASE_DOMAIN"); env.secret( "ADMIN_TOKEN" ); env.durable_object("STORE_CONFIG");
    env.analytics_engine("ANALYTICS");
    let t = Tuning::from_vars(|n| ..); ms("CATALOG_FRESH_SECS"); number("CATALOG_SYNC_CAP");
    match c { Pages => "RL_PAGES" }
    matches!(m, "GET" | "POST");
}
#[cfg(test)]
mod tests { fn t() { env.var("ONLY_IN_TESTS"); } }
"#,
        );
        let used: Vec<&str> = u.used.iter().map(String::as_str).collect();
        assert_eq!(
            used,
            [
                "ADMIN_TOKEN",
                "ANALYTICS",
                "ASSETS",
                "BASE_DOMAIN",
                "CATALOG_FRESH_SECS",
                "CATALOG_SYNC_CAP",
                "RL_PAGES",
                "SHOPPER_COOKIE_SECRET",
                "STORE_CONFIG",
                "THEMES"
            ]
        );
        assert!(u.literals.contains("POST"));
        assert!(!u.literals.contains("ONLY_IN_TESTS"));
    }

    #[test]
    fn constants_count_only_in_the_worker_crate() {
        let u = scan(&[Source {
            worker: false,
            text: r#"pub const CURRENCY: &str = "USD"; const X: [&str; 1] = ["EUR"];"#,
        }])
        .unwrap();
        assert!(u.used.is_empty(), "{:?}", u.used);
    }

    /// The manifest and the code agree: every name the code reads is listed, and every
    /// listed name appears in the code.
    #[test]
    fn the_manifest_lists_exactly_what_the_code_uses() {
        let root = crate::paths::root();
        let usage = scan_tree(&root).unwrap();
        let manifest = Manifest::parse(&std::fs::read_to_string(root.join(PATH)).unwrap()).unwrap();
        let problems = crate::preflight::code_problems(&manifest, &usage);
        assert!(problems.is_empty(), "{problems:#?}");
        // The scan does find the names, whichever way the code spells them.
        for name in [
            "STORE_CONFIG",
            "ASSETS",
            "RL_PAGES",
            "ANALYTICS",
            "ADMIN_TOKEN",
            "BASE_DOMAIN",
            "CATALOG_SYNC_CAP",
            "SHOPPER_CART_RETENTION_SECS",
            "SHOPPER_COOKIE_SECRET_PREVIOUS",
            "AI_GATEWAY_BASE_URL",
            "ANTHROPIC_API_KEY",
        ] {
            assert!(usage.used.contains(name), "{name}: {:?}", usage.used);
        }
    }
}
