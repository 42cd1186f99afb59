//! Whether package-lock.json is complete: `npm ci` installs from it on every platform a
//! contributor uses (Linux and macOS, x64 and arm64) without npm wanting to change it.
//!
//! npm records every platform's optional packages (workerd, esbuild, sharp builds) in a
//! lockfile it generates itself (`npm install --package-lock-only`). One that lacks some,
//! as a lockfile trimmed to one platform does, makes `npm ci` refuse to install ("Missing:
//! … from lock file") and `npm install` rewrite it: the churn that `cargo xtask` avoids.

use serde_json::{Map, Value};

/// Every problem with a package-lock.json (v2/v3): a dependency, optional dependency or
/// required peer that no locked package satisfies, or a locked package without an
/// integrity hash. Empty when the lockfile is complete.
pub fn gaps(lock: &Value) -> Vec<String> {
    let Some(packages) = lock.get("packages").and_then(Value::as_object) else {
        return vec!["no \"packages\" section (lockfileVersion 2 or 3 is needed)".to_owned()];
    };
    let mut gaps = Vec::new();
    for (path, entry) in packages {
        if !path.is_empty()
            && entry.get("link").and_then(Value::as_bool) != Some(true)
            && entry.get("integrity").and_then(Value::as_str).is_none()
        {
            gaps.push(format!("{path} has no integrity hash"));
        }
        for name in wanted(path, entry) {
            if resolve(packages, path, &name).is_none() {
                let who = if path.is_empty() { "the root" } else { path };
                gaps.push(format!("{name} (wanted by {who}) is not locked"));
            }
        }
    }
    gaps
}

/// The names a locked package needs: dependencies, optional dependencies (all platforms'),
/// and the peers it does not mark optional; for the root, its dev dependencies too.
fn wanted(path: &str, entry: &Value) -> Vec<String> {
    let mut kinds = vec!["dependencies", "optionalDependencies"];
    if path.is_empty() {
        kinds.push("devDependencies");
    }
    let mut names: Vec<String> = kinds
        .iter()
        .filter_map(|k| entry.get(*k).and_then(Value::as_object))
        .flat_map(|deps| deps.keys().cloned())
        .collect();
    let optional_peer = |name: &str| {
        entry
            .pointer(&format!(
                "/peerDependenciesMeta/{}/optional",
                name.replace('/', "~1")
            ))
            .and_then(Value::as_bool)
            == Some(true)
    };
    if let Some(peers) = entry.get("peerDependencies").and_then(Value::as_object) {
        names.extend(peers.keys().filter(|n| !optional_peer(n)).cloned());
    }
    names
}

/// Where Node's module resolution finds `name` from the package at `from`: its own
/// node_modules, then each enclosing one up to the root's.
fn resolve<'a>(packages: &'a Map<String, Value>, from: &str, name: &str) -> Option<&'a Value> {
    let mut dir = from;
    loop {
        let candidate = if dir.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{dir}/node_modules/{name}")
        };
        if let Some(found) = packages.get(&candidate) {
            return Some(found);
        }
        if dir.is_empty() {
            return None;
        }
        // "node_modules/a/node_modules/@s/b" → "node_modules/a"; "node_modules/a" → "".
        dir = match dir.rfind("node_modules/") {
            Some(i) => dir[..i].trim_end_matches('/'),
            None => "",
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repo_lockfile() -> Value {
        let path = crate::paths::root().join("package-lock.json");
        let text = std::fs::read_to_string(&path).expect("reading package-lock.json");
        serde_json::from_str(&text).expect("package-lock.json is JSON")
    }

    #[test]
    fn the_repository_lockfile_is_complete_for_npm_ci() {
        let gaps = gaps(&repo_lockfile());
        assert!(
            gaps.is_empty(),
            "package-lock.json is incomplete (regenerate it with \
             `npm install --package-lock-only` and commit it):\n  {}",
            gaps.join("\n  ")
        );
    }

    #[test]
    fn the_repository_lockfile_has_workerd_for_every_contributor_platform() {
        let lock = repo_lockfile();
        for platform in ["linux-64", "linux-arm64", "darwin-64", "darwin-arm64"] {
            let key = format!("/packages/node_modules~1@cloudflare~1workerd-{platform}");
            let entry = lock.pointer(&key);
            assert!(entry.is_some(), "workerd-{platform} is not locked");
            assert!(
                entry.and_then(|e| e.get("integrity")).is_some(),
                "workerd-{platform} has no integrity hash"
            );
        }
    }

    #[test]
    fn a_lockfile_trimmed_to_one_platform_has_gaps() {
        let lock = json!({
            "lockfileVersion": 3,
            "packages": {
                "": { "devDependencies": { "workerd": "1.0.0" } },
                "node_modules/workerd": {
                    "version": "1.0.0",
                    "integrity": "sha512-a",
                    "optionalDependencies": {
                        "@cloudflare/workerd-linux-64": "1.0.0",
                        "@cloudflare/workerd-darwin-arm64": "1.0.0"
                    }
                },
                "node_modules/@cloudflare/workerd-linux-64": { "version": "1.0.0" }
            }
        });
        assert_eq!(
            gaps(&lock),
            vec![
                "node_modules/@cloudflare/workerd-linux-64 has no integrity hash".to_owned(),
                "@cloudflare/workerd-darwin-arm64 (wanted by node_modules/workerd) is not locked"
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn nested_and_hoisted_packages_both_resolve() {
        let lock = json!({
            "packages": {
                "": { "devDependencies": { "a": "1" } },
                "node_modules/a": { "integrity": "x", "dependencies": { "b": "1", "c": "1" } },
                "node_modules/a/node_modules/b": { "integrity": "x", "dependencies": { "c": "1" } },
                "node_modules/c": {
                    "integrity": "x",
                    "peerDependencies": { "d": "1", "e": "1" },
                    "peerDependenciesMeta": { "e": { "optional": true } }
                },
                "node_modules/d": { "integrity": "x" }
            }
        });
        assert_eq!(gaps(&lock), Vec::<String>::new());
    }
}
