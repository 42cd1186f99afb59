//! The systems under test, WandStore and the JavaScript baseline (`bench/baseline-js`), and the
//! floor both stand on (`bench/floor-js`: one fixed page through the same object hop): where
//! each one answers, its wrangler (for CPU), its log file (for the request lines), and
//! the admin calls that set up the `demo` store on each, backed by the same devshop shop.

use super::bench_load::{Via, agent, get};
use super::bench_proc::{self, CpuSample};
use super::bench_wrangler::Wrangler;
use crate::http_json::send_json;
use std::path::{Path, PathBuf};

pub const WANDSTORE: &str = "wandstore";
pub const BASELINE: &str = "baseline";
pub const FLOOR: &str = "floor";
/// The same floor written with workers-rs (`bench/floor-rs`).
pub const FLOOR_RS: &str = "floor-rs";
/// The floor without its object hop (`bench/null-js`): the local runtime's cost per request.
pub const NULL: &str = "null";
/// WandStore built from another checkout (`--against DIR`, see `bench_against`).
pub const AGAINST: &str = "wandstore-against";

/// One running system.
pub struct Target {
    /// `wandstore` or `baseline` (the report's `system`).
    pub system: &'static str,
    pub label: &'static str,
    pub base: String,
    pub port: u16,
    /// The `wrangler dev` whose workerd processes are measured.
    pub wrangler_pid: u32,
    /// Where that wrangler's stdout (the request log lines) goes.
    pub log: PathBuf,
    pub admin_token: String,
    /// The admin route answering `{"requests_served"}` of the store's StoreConfig object.
    pub metrics_path: &'static str,
    /// With `--direct`: the user worker's own socket, where the load goes instead of
    /// wrangler's dev proxy (see [`Target::find_direct`]).
    pub direct: Option<String>,
}

impl Target {
    /// A system on a runtime the bench started itself (`bench_wrangler`: `wrangler dev`, or
    /// workerd alone with `--bare`).
    pub fn of_wrangler(
        system: &'static str,
        label: &'static str,
        wrangler: &Wrangler,
        admin_token: &str,
        metrics_path: &'static str,
    ) -> Target {
        Target {
            system,
            label,
            base: wrangler.url(),
            port: wrangler.port,
            wrangler_pid: wrangler.pid,
            log: wrangler.log.clone(),
            admin_token: admin_token.to_owned(),
            metrics_path,
            direct: None,
        }
    }

    /// Where this run's load goes.
    pub fn via(&self) -> Via<'_> {
        Via {
            send_to: self.direct.as_deref().unwrap_or(&self.base),
            original: &self.base,
        }
    }

    /// Finds the user worker's entry socket: the one of its workerd's loopback listeners that
    /// answers `/health/live` with 200 for the public URL (wrangler's dev proxy forwards every
    /// request there, naming the public URL in `MF-Original-URL`).
    pub fn find_direct(&mut self) -> Result<(), String> {
        let http = agent();
        let original = format!("{}/health/live", self.base);
        let found = bench_proc::user_worker_ports(self.wrangler_pid, self.port)
            .into_iter()
            .map(|port| format!("http://127.0.0.1:{port}"))
            .find(|direct| {
                http.get(format!("{direct}/health/live"))
                    .header("mf-original-url", &original)
                    .call()
                    .is_ok_and(|r| r.status().as_u16() == 200)
            });
        self.direct = Some(found.ok_or_else(|| {
            format!(
                "--direct: no socket of {}'s user worker answers /health/live",
                self.label
            )
        })?);
        Ok(())
    }

    pub fn cpu(&self, ticks_per_sec: u64) -> CpuSample {
        bench_proc::sample(self.wrangler_pid, self.port, ticks_per_sec)
    }

    /// Requests the store's StoreConfig object has served (0 if it cannot be asked).
    pub fn store_config_requests(&self) -> u64 {
        send_json(
            &agent(),
            "GET",
            &format!("{}{}", self.base, self.metrics_path),
            &self.admin_token,
            None,
        )
        .ok()
        .and_then(|(_, body)| serde_json::from_str::<serde_json::Value>(&body).ok())
        .and_then(|v| v["requests_served"].as_u64())
        .unwrap_or(0)
    }
}

/// The demo store as WandStore has it registered: (display name, currency).
pub fn demo_store(base: &str, admin: &str) -> Result<(String, String), String> {
    let (status, body) = send_json(
        &agent(),
        "GET",
        &format!("{base}/admin/stores/demo"),
        admin,
        None,
    )?;
    let v: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| format!("GET /admin/stores/demo answered {status}: {e}"))?;
    let name = v["store"]["display_name"].as_str();
    let currency = v["store"]["currency"].as_str();
    match (name, currency) {
        (Some(n), Some(c)) => Ok((n.to_owned(), c.to_owned())),
        _ => Err(format!("GET /admin/stores/demo answered {status}: {body}")),
    }
}

/// The upstream both systems' `demo` store reads: devshop's URL and the demo shop's token.
pub struct Upstream {
    pub devshop_url: String,
    pub token: String,
    pub display_name: String,
    pub currency: String,
}

/// Registers `demo` on a WandStore with an empty state (the admin API).
pub fn register_wandstore(base: &str, admin: &str, up: &Upstream) -> Result<(), String> {
    let body = serde_json::json!({
        "slug": "demo",
        "display_name": up.display_name,
        "currency": up.currency,
        "shopify": {
            "domain": up.devshop_url,
            "storefront_token": up.token,
            "token_kind": "private",
        },
    });
    let (status, text) = send_json(
        &agent(),
        "POST",
        &format!("{base}/admin/stores"),
        admin,
        Some(&body.to_string()),
    )?;
    match status {
        201 => Ok(()),
        _ => Err(format!("registering demo on WandStore: {status} {text}")),
    }
}

/// A WandStore the bench started itself (`--bare`'s, or `--against`'s checkout), as the
/// bench's `system`, with the `demo` store registered on it against `upstream`.
pub fn registered_wandstore(
    wrangler: &Wrangler,
    (system, label): (&'static str, &'static str),
    admin: &str,
    upstream: &Upstream,
) -> Result<Target, String> {
    register_wandstore(&wrangler.url(), admin, upstream)
        .map_err(|e| format!("{e}{}", wrangler.log_tail()))?;
    Ok(Target::of_wrangler(
        system,
        label,
        wrangler,
        admin,
        WANDSTORE_METRICS,
    ))
}

/// Where a WandStore answers its demo store's StoreConfig counters.
pub const WANDSTORE_METRICS: &str = "/admin/stores/demo/metrics";

/// Sets up the baseline's store (`PUT /admin/store`).
pub fn register_baseline(base: &str, admin: &str, up: &Upstream) -> Result<(), String> {
    let body = serde_json::json!({
        "slug": "demo",
        "display_name": up.display_name,
        "currency": up.currency,
        "shopify": { "domain": up.devshop_url, "storefront_token": up.token },
    });
    let (status, text) = send_json(
        &agent(),
        "PUT",
        &format!("{base}/admin/store"),
        admin,
        Some(&body.to_string()),
    )?;
    match status {
        200 => Ok(()),
        _ => Err(format!("setting up the baseline's store: {status} {text}")),
    }
}

/// Syncs the store's catalog from devshop now (`POST` to the system's sync route).
pub fn sync(target: &Target) -> Result<(), String> {
    let path = match target.system {
        WANDSTORE | AGAINST => "/admin/stores/demo/sync",
        _ => "/admin/sync",
    };
    let (status, text) = send_json(
        &agent(),
        "POST",
        &format!("{}{path}", target.base),
        &target.admin_token,
        None,
    )?;
    match status {
        200 => Ok(()),
        _ => Err(format!("syncing {}: {status} {text}", target.label)),
    }
}

/// The product handles of `/collections/all?size=48`, in page order, once each.
pub fn listed_handles(base: &str) -> Result<Vec<String>, String> {
    let (status, page) = get(&agent(), &format!("{base}/collections/all?size=48"))?;
    if status != 200 {
        return Err(format!("{base}/collections/all answered {status}"));
    }
    Ok(page
        .split("href=\"/products/")
        .skip(1)
        .map(|p| p.chars().take_while(|c| *c != '"' && *c != '?').collect())
        .fold(Vec::new(), |mut acc: Vec<String>, h| {
            if !acc.contains(&h) {
                acc.push(h);
            }
            acc
        }))
}

/// A variant of these products that can be bought (from the product pages).
pub fn buyable_variant(base: &str, handles: &[String]) -> Option<String> {
    let http = agent();
    handles.iter().find_map(|h| {
        let (_, page) = get(&http, &format!("{base}/products/{h}")).ok()?;
        if page.contains("Sold out</button>") {
            return None;
        }
        // The one variant of a simple product, else the option the page preselects (the
        // first one for sale).
        page.split("name=\"variant_id\" value=\"")
            .nth(1)
            .or_else(|| {
                page.split("<option value=\"").skip(1).find(|rest| {
                    rest.split('>')
                        .next()
                        .is_some_and(|t| t.contains(" selected"))
                })
            })
            .map(|v| v.chars().take_while(|c| *c != '"').collect::<String>())
    })
}

/// The floor's directory.
pub fn floor_dir(root: &Path) -> PathBuf {
    root.join("bench/floor-js")
}

/// The Rust floor's directory (its wrangler.toml runs `build/`, made by `build::floor_rs_if_stale`).
pub fn floor_rs_dir(root: &Path) -> PathBuf {
    root.join("bench/floor-rs")
}

/// The null Worker's directory.
pub fn null_dir(root: &Path) -> PathBuf {
    root.join("bench/null-js")
}

/// The baseline worker's directory.
pub fn baseline_dir(root: &Path) -> PathBuf {
    root.join("bench/baseline-js")
}
