//! Fixtures for the run and restore tests: a store, its data, and a driver that plays the
//! shell's part against an in-memory bucket while counting each invocation's subrequests.

use crate::contents::{
    SettingsBackup, ShopperCart, ThemeBackup, base_files, cart_file, seal_record,
};
use crate::crypto::BackupKey;
use crate::id::BackupId;
use crate::manifest::BackupReason;
use crate::run::{BackupRun, SUBREQUEST_LIMIT, Step, pages_per_invocation};
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use wandstore_core::cart::CartLine;
use wandstore_core::identity::ShopperId;
use wandstore_core::money::{Currency, Money};
use wandstore_core::store::StoreSlug;
use wandstore_registry::StoreRecord;

pub const T0: u64 = 1_795_903_200_000;
pub const SECRET: &str = "a-backup-secret-of-at-least-32-bytes!";

pub fn key() -> BackupKey {
    BackupKey::derive(SECRET).expect("strong secret")
}

pub fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).expect("slug")
}

pub fn record(store: &str) -> StoreRecord {
    let json = serde_json::json!({
        "slug": store,
        "display_name": "The Outlet",
        "currency": "EUR",
        "shopify_domain": "outlet.myshopify.com",
        "api_version": "2025-07",
        "token_kind": "private",
        "storefront_token": "shpat_0123456789secret",
        "owner_token_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "custom_domains": ["shop.example.com"],
        "created_at_ms": 1_700_000_000_000u64,
        "updated_at_ms": 1_700_000_500_000u64,
    });
    StoreRecord::from_storage_json(&json.to_string()).expect("record fixture")
}

pub fn theme() -> ThemeBackup {
    ThemeBackup {
        pointer: Some(serde_json::json!({"published": 2})),
        versions: (1..=2)
            .map(|v| {
                serde_json::json!({
                    "version": v, "r2_key": format!("outlet/themes/{v}.json"),
                    "sha256": "00".repeat(32), "author": "owner", "created_ms": T0 - 1000, "size": 512
                })
            })
            .collect(),
    }
}

pub fn settings() -> SettingsBackup {
    SettingsBackup(serde_json::json!({"recommendations": true, "max_suggestions": 4}))
}

pub fn shopper(n: u32) -> ShopperId {
    ShopperId::parse(&format!("{n:032x}")).expect("hex id")
}

pub fn line(variant: u32, quantity: u32) -> CartLine {
    CartLine {
        variant_id: format!("gid://shopify/ProductVariant/{variant}"),
        product_handle: format!("product-{variant}"),
        title: format!("Product {variant} — Blue"),
        quantity,
        unit_price_when_added: Money::new(1250, Currency::USD),
        added_at_ms: T0 - u64::from(variant),
    }
}

/// `n` shoppers in the index; every third one's cart has since become empty.
pub fn shoppers(n: u32) -> BTreeMap<String, ShopperCart> {
    (0..n)
        .map(|i| {
            let lines = if i % 3 == 2 {
                vec![]
            } else {
                (0..(i % 4 + 1)).map(|v| line(v, v + 1)).collect()
            };
            let s = shopper(i);
            (s.as_str().to_owned(), ShopperCart { shopper: s, lines })
        })
        .collect()
}

/// What driving a run did.
pub struct Driven {
    pub run: BackupRun,
    pub bucket: HashMap<String, Vec<u8>>,
    /// Subrequests per invocation.
    pub invocations: Vec<u32>,
    /// Whether the manifest existed at the end of each invocation.
    pub manifest_after: Vec<bool>,
}

pub fn backup_id(n: u8) -> BackupId {
    BackupId::new(T0, [n; 8]).expect("id")
}

/// Runs a whole backup of `store` as the shell would: one step after another, as many cart
/// pages per invocation as [`pages_per_invocation`] allows.
pub fn drive(store: &str, index: &BTreeMap<String, ShopperCart>, page_size: u32) -> Driven {
    let mut run = BackupRun::start(
        slug(store),
        backup_id(7),
        BackupReason::Scheduled,
        T0,
        page_size,
    );
    let mut bucket = HashMap::new();
    let mut invocations = Vec::new();
    let mut manifest_after = Vec::new();
    let mut nonce = 0u8;
    while !run.is_done() {
        let mut subrequests = 0u32;
        let mut pages = 0;
        while pages < pages_per_invocation(page_size) && !run.is_done() {
            match run.next_step() {
                Step::WriteBase => {
                    nonce = nonce.wrapping_add(1);
                    let sealed = seal_record(&record(store), &key(), [nonce; 24]).expect("seal");
                    let base = base_files(&sealed, &theme(), &settings()).expect("base");
                    for (file, k) in base.files.iter().zip(run.base_keys()) {
                        bucket.insert(k, file.bytes.clone());
                        subrequests += 1;
                    }
                    let entries = base.files.map(|f| f.entry);
                    run.base_written(entries, base.theme_versions, T0 + 1)
                        .expect("base report");
                }
                Step::CartPage {
                    after,
                    limit,
                    page,
                    key: k,
                } => {
                    let from = match &after {
                        Some(a) => Bound::Excluded(a.as_str().to_owned()),
                        None => Bound::Unbounded,
                    };
                    let listed: Vec<&ShopperCart> = index
                        .range((from, Bound::Unbounded))
                        .map(|(_, c)| c)
                        .take(limit as usize)
                        .collect();
                    // One subrequest per shopper object asked for its cart.
                    subrequests += listed.len() as u32;
                    let carts: Vec<ShopperCart> = listed.iter().map(|c| (*c).clone()).collect();
                    let written = cart_file(page, &carts).expect("page");
                    if let Some((file, _)) = &written {
                        bucket.insert(k, file.bytes.clone());
                        subrequests += 1;
                    }
                    let ids: Vec<ShopperId> = carts.into_iter().map(|c| c.shopper).collect();
                    run.page_read(&ids, written.map(|(f, n)| (f.entry, n)), T0 + 2)
                        .expect("page report");
                    pages += 1;
                    continue;
                }
                Step::WriteManifest { key: k, manifest } => {
                    bucket.insert(k, manifest.to_json());
                    subrequests += 1;
                    run.manifest_written(T0 + 3).expect("manifest report");
                }
                Step::Done => {}
            }
            pages += 1;
        }
        assert!(subrequests <= SUBREQUEST_LIMIT, "{subrequests} subrequests");
        invocations.push(subrequests);
        manifest_after.push(bucket.keys().any(|k| k.starts_with("manifests/")));
    }
    Driven {
        run,
        bucket,
        invocations,
        manifest_after,
    }
}
