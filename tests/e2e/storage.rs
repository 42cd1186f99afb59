//! Durable Object storage in the admin metrics: a store's StoreConfig answers its SQLite size
//! (per-store metrics, and with every backup it is asked for), the registry keeps it, and
//! `GET /admin/metrics` lists the registry and the largest stores against the 10 GB limit,
//! which `cargo xtask monitor` reads.

use crate::support::{Ctx, Test};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};
use wandstore_e2e::Admin;

pub const TESTS: &[(&str, Test)] = &[(
    "storage::the_metrics_report_object_storage_and_the_monitor_reads_it",
    the_metrics_report_object_storage_and_the_monitor_reads_it,
)];

const LIMIT: u64 = 10_000_000_000;

fn storage_of<'a>(metrics: &'a Value, object: &str) -> Option<&'a Value> {
    metrics["storage"]
        .as_array()?
        .iter()
        .find(|s| s["object"] == object)
}

fn the_metrics_report_object_storage_and_the_monitor_reads_it(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    // The store's own metrics: its size now.
    let own = admin.get("/admin/stores/demo/metrics");
    assert_eq!(own.status, 200, "{}", own.body);
    let storage = &own.json()["storage"];
    assert_eq!(storage["object"], "StoreConfig:demo", "{}", own.body);
    assert!(storage["used_bytes"].as_u64() > Some(0), "{}", own.body);
    assert_eq!(storage["limit_bytes"], LIMIT);

    // A backup asked of the store carries its size to the registry (a running one too).
    let started = admin.post("/admin/backups", &json!({"store": "demo"}));
    assert_eq!(started.status, 202, "{}", started.body);
    assert!(
        started.json()["backups"][0]["used_bytes"].as_u64() > Some(0),
        "{}",
        started.body
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let metrics = loop {
        let page = admin.get("/admin/metrics");
        assert_eq!(page.status, 200, "{}", page.body);
        let m = page.json();
        if storage_of(&m, "StoreConfig:demo").is_some() {
            break m;
        }
        assert!(Instant::now() < deadline, "no demo storage in {m}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let demo = storage_of(&metrics, "StoreConfig:demo")
        .cloned()
        .unwrap_or_default();
    assert!(demo["used_bytes"].as_u64() > Some(0), "{metrics}");
    assert_eq!(demo["limit_bytes"], LIMIT, "{metrics}");
    let registry = storage_of(&metrics, "StoreRegistry")
        .cloned()
        .unwrap_or_default();
    assert!(registry["used_bytes"].as_u64() > Some(0), "{metrics}");

    // The monitor polls the same metrics and reports the fullest object.
    let output = Command::new(wandstore_e2e::xtask_bin())
        .args(["monitor", "--url", &ctx.url, "--once"])
        .args(["--admin-token-env", "WANDSTORE_E2E_ADMIN"])
        .env("WANDSTORE_E2E_ADMIN", &ctx.admin_token)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => panic!("running xtask monitor: {e}"),
    };
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // `… storage StoreConfig:x 0.0% (123 of 10000000000 bytes; 4 objects)`: at least the
    // registry and the demo store (others may have reported meanwhile).
    let line = out.lines().last().unwrap_or_default();
    let objects = line
        .split(&format!("of {LIMIT} bytes; "))
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert!(objects >= Some(2), "{line}");
    assert!(line.contains(" storage Store"), "{line}");
}
