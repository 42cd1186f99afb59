//! wrangler.toml as the deploy preflight reads it: the top level (local development) and each
//! `[env.NAME]`, with the keys the preflight checks. Pure: parses a string.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One level of wrangler.toml: the top level or an `[env.NAME]` table.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Section {
    pub name: Option<String>,
    pub workers_dev: Option<bool>,
    #[serde(default)]
    pub vars: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub routes: Vec<Route>,
    pub route: Option<Route>,
    #[serde(default)]
    pub durable_objects: DurableObjects,
    #[serde(default)]
    pub r2_buckets: Vec<R2Bucket>,
    #[serde(default)]
    pub kv_namespaces: Vec<KvNamespace>,
    #[serde(default)]
    pub ratelimits: Vec<RateLimit>,
    #[serde(default)]
    pub analytics_engine_datasets: Vec<Dataset>,
    pub triggers: Option<Triggers>,
    pub limits: Option<Limits>,
    pub migrations: Option<Vec<Migration>>,
}

/// A route: a bare pattern, or a pattern with its zone (or a custom domain).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Route {
    Pattern(String),
    Zoned {
        pattern: String,
        zone_name: Option<String>,
        zone_id: Option<String>,
        custom_domain: Option<bool>,
    },
}

impl Route {
    pub fn pattern(&self) -> &str {
        match self {
            Route::Pattern(p) | Route::Zoned { pattern: p, .. } => p,
        }
    }

    /// Whether the route names its zone (wrangler needs one for a wildcard route).
    pub fn has_zone(&self) -> bool {
        matches!(
            self,
            Route::Zoned {
                zone_name: Some(_),
                ..
            } | Route::Zoned {
                zone_id: Some(_),
                ..
            }
        )
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DurableObjects {
    #[serde(default)]
    pub bindings: Vec<DoBinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DoBinding {
    pub name: String,
    pub class_name: String,
    pub script_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct R2Bucket {
    pub binding: String,
    pub bucket_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KvNamespace {
    pub binding: String,
    pub id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RateLimit {
    pub name: String,
    pub namespace_id: Option<String>,
    pub simple: Option<SimpleLimit>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SimpleLimit {
    pub limit: u64,
    pub period: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dataset {
    pub binding: String,
    pub dataset: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Triggers {
    #[serde(default)]
    pub crons: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Limits {
    pub cpu_ms: Option<u64>,
}

/// One `[[migrations]]` entry. Anything but new classes makes it non-additive.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Migration {
    pub tag: String,
    #[serde(default)]
    pub new_sqlite_classes: Vec<String>,
    #[serde(default)]
    pub new_classes: Vec<String>,
    #[serde(default)]
    pub deleted_classes: Vec<String>,
    #[serde(default)]
    pub renamed_classes: Vec<toml::Value>,
    #[serde(default)]
    pub transferred_classes: Vec<toml::Value>,
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
pub struct WranglerConfig {
    #[serde(flatten)]
    pub top: Section,
    #[serde(default)]
    pub env: BTreeMap<String, Section>,
}

impl WranglerConfig {
    pub fn parse(text: &str) -> Result<WranglerConfig, String> {
        toml::from_str(text).map_err(|e| format!("wrangler.toml: {e}"))
    }

    /// The migrations that apply to `env`: its own, else the top level's (wrangler inherits
    /// them).
    pub fn migrations(&self, env: &str) -> &[Migration] {
        self.env
            .get(env)
            .and_then(|s| s.migrations.as_deref())
            .or(self.top.migrations.as_deref())
            .unwrap_or(&[])
    }
}

impl Section {
    /// A var's value as text (`None` if missing or not a string).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).and_then(toml::Value::as_str)
    }

    /// Every route of this level, `route` and `routes` together.
    pub fn all_routes(&self) -> Vec<&Route> {
        self.route.iter().chain(self.routes.iter()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_file_parses_with_both_environments() {
        let text = std::fs::read_to_string(crate::paths::root().join("wrangler.toml")).unwrap();
        let c = WranglerConfig::parse(&text).unwrap();
        assert_eq!(c.top.var("ENVIRONMENT"), Some("development"));
        assert_eq!(c.top.workers_dev, Some(true));
        for env in ["staging", "production"] {
            let s = &c.env[env];
            assert_eq!(s.var("ENVIRONMENT"), Some(env));
            assert_eq!(s.durable_objects.bindings.len(), 4, "{env}");
            assert_eq!(c.migrations(env).len(), 3);
        }
    }

    #[test]
    fn routes_migrations_and_limits_are_read() {
        let c = WranglerConfig::parse(
            r#"
name = "w"
route = "a.example/*"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["A"]
[[migrations]]
tag = "v2"
deleted_classes = ["A"]
renamed_classes = [{ from = "B", to = "C" }]
[env.p]
routes = [{ pattern = "*.example/*", zone_name = "example" }, "b.example/*"]
limits = { cpu_ms = 50 }
[[env.p.migrations]]
tag = "own"
"#,
        )
        .unwrap();
        assert_eq!(c.top.all_routes().len(), 1);
        assert!(!c.top.all_routes()[0].has_zone());
        let p = &c.env["p"];
        assert!(p.routes[0].has_zone());
        assert_eq!(p.routes[1].pattern(), "b.example/*");
        assert_eq!(p.limits.as_ref().and_then(|l| l.cpu_ms), Some(50));
        assert_eq!(c.migrations("p")[0].tag, "own");
        assert_eq!(c.migrations("other")[1].deleted_classes, ["A"]);
        assert_eq!(c.migrations("other")[1].renamed_classes.len(), 1);
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it() {
        let e = WranglerConfig::parse("name = [").unwrap_err();
        assert!(e.starts_with("wrangler.toml:"), "{e}");
        let e = WranglerConfig::parse("[[r2_buckets]]\nbucket_name = 3").unwrap_err();
        assert!(e.contains("wrangler.toml"), "{e}");
    }
}
