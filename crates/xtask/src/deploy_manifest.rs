//! deploy/manifest.toml: what the Worker's code uses from its environment (bindings, vars,
//! secrets, crons, migration tags) and where each deployable environment answers. Pure:
//! parses a string.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The file at `deploy/manifest.toml` under the repository root.
pub const PATH: &str = "deploy/manifest.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub secrets: Secrets,
    pub vars: Vars,
    /// Binding name → class name.
    pub durable_objects: BTreeMap<String, String>,
    pub bindings: Bindings,
    pub crons: Vec<String>,
    /// Migration tags in the order they were added.
    pub migrations: Vec<String>,
    /// The deployable environments by wrangler env name.
    pub environments: BTreeMap<String, Target>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secrets {
    pub required: Vec<String>,
    #[serde(default)]
    pub optional: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vars {
    pub required: Vec<String>,
    #[serde(default)]
    pub optional: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bindings {
    #[serde(default)]
    pub r2_buckets: Vec<String>,
    #[serde(default)]
    pub ratelimits: Vec<String>,
    #[serde(default)]
    pub analytics_engine_datasets: Vec<String>,
    #[serde(default)]
    pub kv_namespaces: Vec<String>,
}

/// Where an environment answers, for the deploy's probes and the monitor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The platform's own URL (`https://{BASE_DOMAIN}`), no trailing slash.
    pub url: String,
    /// The store whose home page the smoke test reads (`{url}/s/{smoke_store}/`).
    pub smoke_store: String,
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| format!("{PATH}: {e}"))
    }

    /// Every name the manifest says the code uses (bindings, vars, secrets).
    pub fn names(&self) -> Vec<&str> {
        let b = &self.bindings;
        self.secrets
            .required
            .iter()
            .chain(&self.secrets.optional)
            .chain(&self.vars.required)
            .chain(&self.vars.optional)
            .chain(self.durable_objects.keys())
            .chain(&b.r2_buckets)
            .chain(&b.ratelimits)
            .chain(&b.analytics_engine_datasets)
            .chain(&b.kv_namespaces)
            .map(String::as_str)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_manifest_parses() {
        let text = std::fs::read_to_string(crate::paths::root().join(PATH)).unwrap();
        let m = Manifest::parse(&text).unwrap();
        assert!(
            m.secrets
                .required
                .contains(&"SHOPPER_COOKIE_SECRET".to_owned())
        );
        assert!(m.environments.contains_key("production"));
        assert!(m.environments.contains_key("staging"));
        assert!(m.names().contains(&"STORE_CONFIG"));
        assert!(m.names().contains(&"RL_PAGES"));
    }

    #[test]
    fn unknown_keys_and_missing_sections_are_refused() {
        let e = Manifest::parse("[secrets]\nrequired = []\n").unwrap_err();
        assert!(e.starts_with(PATH), "{e}");
        let text = std::fs::read_to_string(crate::paths::root().join(PATH)).unwrap();
        let e = Manifest::parse(&format!("{text}\n[extra]\nx = 1\n")).unwrap_err();
        assert!(e.contains("extra"), "{e}");
    }
}
