//! Restore validation: a good backup comes back exactly; a tampered, incomplete, newer,
//! foreign or malformed one is refused with its reason.

use crate::crypto::BackupKey;
use crate::id::BackupId;
use crate::keys::{FileKind, file_key, manifest_key};
use crate::manifest::{Manifest, SCHEMA_VERSION};
use crate::ndjson::sha256_hex;
use crate::restore::{RestoreCheck, RestorePlan, RestoreRefusal, plan_restore};
use crate::test_support::*;
use std::collections::HashMap;
use wandstore_core::store::StoreSlug;

struct Fixture {
    bucket: HashMap<String, Vec<u8>>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            bucket: drive("outlet", &shoppers(10), 4).bucket,
        }
    }

    fn manifest_key(&self) -> String {
        manifest_key(&slug("outlet"), &backup_id(7))
    }

    fn manifest(&self) -> Manifest {
        serde_json::from_slice(&self.bucket[&self.manifest_key()]).expect("manifest")
    }

    fn set_manifest(&mut self, m: &Manifest) {
        let k = self.manifest_key();
        self.bucket.insert(k, m.to_json());
    }

    fn file(&self, kind: FileKind) -> Vec<u8> {
        self.bucket[&file_key(&slug("outlet"), &backup_id(7), kind)].clone()
    }

    fn set_file(&mut self, kind: FileKind, bytes: Vec<u8>) {
        self.bucket
            .insert(file_key(&slug("outlet"), &backup_id(7), kind), bytes);
    }

    /// Replaces a file and updates the manifest to match, as someone with write access to
    /// the bucket (or a bug) could: the checksums pass, so the content checks must catch it.
    fn replace_consistently(&mut self, kind: FileKind, bytes: Vec<u8>) {
        let mut m = self.manifest();
        for f in m.files.iter_mut().filter(|f| f.name == kind.file_name()) {
            f.sha256 = sha256_hex(&bytes);
            f.bytes = bytes.len() as u64;
            f.lines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        }
        self.set_manifest(&m);
        self.set_file(kind, bytes);
    }

    fn restore_as(
        &self,
        store: &StoreSlug,
        id: &BackupId,
        key: &BackupKey,
    ) -> Result<RestorePlan, RestoreRefusal> {
        plan_restore(&self.bucket[&self.manifest_key()], store, id, key, |k| {
            self.bucket.get(k).cloned()
        })
    }

    fn restore(&self) -> Result<RestorePlan, RestoreRefusal> {
        self.restore_as(&slug("outlet"), &backup_id(7), &key())
    }
}

#[test]
fn a_backup_restores_exactly_what_was_backed_up() {
    let f = Fixture::new();
    let plan = f.restore().expect("restorable");
    assert_eq!(plan.record, record("outlet"));
    assert_eq!(plan.theme, theme());
    assert_eq!(plan.settings, settings());
    let expected: Vec<_> = shoppers(10)
        .into_values()
        .filter(|c| !c.lines.is_empty())
        .collect();
    assert_eq!(plan.carts, expected);
    assert_eq!(plan.manifest.counts.carts, expected.len() as u64);
    assert_eq!(plan.manifest.schema_version, SCHEMA_VERSION);
}

#[test]
fn the_storefront_token_is_in_no_file_in_clear() {
    let f = Fixture::new();
    for (k, bytes) in &f.bucket {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("shpat_0123456789secret"),
            "{k} leaks the token"
        );
    }
    // Everything else of the record is plain: the owner token hash and the domain are there.
    let store = String::from_utf8(f.file(FileKind::Store)).expect("utf-8");
    assert!(store.contains("outlet.myshopify.com"));
    assert!(store.contains("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
}

#[test]
fn one_changed_byte_in_any_file_is_a_checksum_refusal() {
    for kind in [
        FileKind::Store,
        FileKind::Theme,
        FileKind::Settings,
        FileKind::Carts(1),
        FileKind::Carts(2),
    ] {
        let mut f = Fixture::new();
        let mut bytes = f.file(kind);
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        f.set_file(kind, bytes);
        match f.restore() {
            Err(RestoreRefusal::ChecksumMismatch { file, .. }) => {
                assert_eq!(file, kind.file_name())
            }
            other => panic!("{kind}: expected a checksum refusal, got {other:?}"),
        }
    }
}

#[test]
fn a_truncated_or_missing_file_is_refused() {
    let mut f = Fixture::new();
    let mut bytes = f.file(FileKind::Carts(1));
    bytes.pop();
    f.set_file(FileKind::Carts(1), bytes);
    let err = f.restore().expect_err("truncated");
    assert!(
        matches!(err, RestoreRefusal::SizeMismatch { .. }),
        "{err:?}"
    );

    let mut f = Fixture::new();
    f.bucket.remove(&file_key(
        &slug("outlet"),
        &backup_id(7),
        FileKind::Carts(2),
    ));
    assert_eq!(
        f.restore(),
        Err(RestoreRefusal::MissingFile {
            file: "carts-0002.ndjson".into()
        })
    );
}

#[test]
fn a_manifest_from_a_newer_schema_is_refused_whatever_its_shape() {
    let mut f = Fixture::new();
    let mut m = f.manifest();
    m.schema_version = SCHEMA_VERSION + 1;
    f.set_manifest(&m);
    assert_eq!(
        f.restore(),
        Err(RestoreRefusal::NewerSchema {
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION
        })
    );
    let k = f.manifest_key();
    f.bucket.insert(
        k,
        br#"{"schema_version": 2, "parts": {"entirely": "different"}}"#.to_vec(),
    );
    assert!(matches!(
        f.restore(),
        Err(RestoreRefusal::NewerSchema { found: 2, .. })
    ));
}

#[test]
fn an_unreadable_manifest_is_refused() {
    let store = slug("outlet");
    let id = backup_id(7);
    for bad in [
        &b""[..],
        b"not json",
        b"{}",
        b"{\"schema_version\": -1}",
        b"[1,2]",
    ] {
        assert!(
            matches!(
                RestoreCheck::from_manifest(bad, &store, &id),
                Err(RestoreRefusal::ManifestUnreadable(_))
            ),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn another_store_or_another_backup_is_refused() {
    let f = Fixture::new();
    assert!(matches!(
        f.restore_as(&slug("demo"), &backup_id(7), &key()),
        Err(RestoreRefusal::WrongStore { .. })
    ));
    assert!(matches!(
        f.restore_as(&slug("outlet"), &backup_id(8), &key()),
        Err(RestoreRefusal::WrongBackup { .. })
    ));
}

#[test]
fn another_backup_secret_cannot_open_the_token() {
    let f = Fixture::new();
    let other = BackupKey::derive("a rotated secret, also 32 bytes long").expect("key");
    let err = f
        .restore_as(&slug("outlet"), &backup_id(7), &other)
        .expect_err("wrong key");
    assert_eq!(err.code(), "backup_record_unreadable");
}

#[test]
fn a_record_moved_from_another_stores_backup_is_refused() {
    // The demo store's record file, copied over outlet's with a consistent manifest.
    let demo = drive("demo", &shoppers(0), 4).bucket;
    let demo_store = demo[&file_key(&slug("demo"), &backup_id(7), FileKind::Store)].clone();
    let mut f = Fixture::new();
    f.replace_consistently(FileKind::Store, demo_store);
    let err = f.restore().expect_err("foreign record");
    assert!(matches!(err, RestoreRefusal::Record(_)), "{err:?}");
}

/// A change made to a manifest by a test.
type ManifestChange = Box<dyn Fn(&mut Manifest)>;

#[test]
fn hostile_file_lists_are_refused_before_any_file_is_read() {
    let cases: Vec<(&str, ManifestChange)> = vec![
        (
            "path escape",
            Box::new(|m| m.files[3].name = "../../demo/x/store.ndjson".into()),
        ),
        (
            "duplicate",
            Box::new(|m| {
                let dup = m.files[0].clone();
                m.files.push(dup);
                m.counts.files += 1;
            }),
        ),
        (
            "missing base",
            Box::new(|m| {
                m.files.remove(2);
                m.counts.files -= 1;
            }),
        ),
        (
            "gap in pages",
            Box::new(|m| {
                let removed = m.files.remove(3);
                m.counts.files -= 1;
                m.counts.carts -= removed.lines;
            }),
        ),
        ("counts", Box::new(|m| m.counts.carts += 1)),
        ("bad sha", Box::new(|m| m.files[0].sha256 = "xyz".into())),
    ];
    for (what, change) in cases {
        let mut f = Fixture::new();
        let mut m = f.manifest();
        change(&mut m);
        f.set_manifest(&m);
        let mut asked = 0;
        let result = plan_restore(
            &f.bucket[&f.manifest_key()],
            &slug("outlet"),
            &backup_id(7),
            &key(),
            |_| {
                asked += 1;
                None
            },
        );
        assert!(
            matches!(result, Err(RestoreRefusal::BadFileList(_))),
            "{what}: {result:?}"
        );
        assert_eq!(asked, 0, "{what}: no file may be read");
    }
}

#[test]
fn a_malformed_line_is_reported_with_its_file_and_line_number() {
    let mut f = Fixture::new();
    let text = String::from_utf8(f.file(FileKind::Carts(2))).expect("utf-8");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"shopper\": \"not-a-shopper\", \"lines\": []}";
    let bytes = format!("{}\n", lines.join("\n")).into_bytes();
    f.replace_consistently(FileKind::Carts(2), bytes);
    match f.restore() {
        Err(RestoreRefusal::MalformedLine { file, line, .. }) => {
            assert_eq!(file, "carts-0002.ndjson");
            assert_eq!(line, 2);
        }
        other => panic!("expected a malformed line, got {other:?}"),
    }
}

#[test]
fn carts_that_break_the_cart_rules_or_repeat_a_shopper_are_refused() {
    let mut f = Fixture::new();
    let mut cart = shoppers(1).into_values().next().expect("one");
    cart.lines[0].quantity = 0;
    let bytes = format!("{}\n", serde_json::to_string(&cart).expect("json")).into_bytes();
    f.replace_consistently(FileKind::Carts(1), bytes);
    // The counts no longer add up unless fixed too; fix them to reach the line check.
    let mut m = f.manifest();
    m.counts.carts = m
        .files
        .iter()
        .filter(|e| e.name.starts_with("carts-"))
        .map(|e| e.lines)
        .sum();
    f.set_manifest(&m);
    assert!(matches!(
        f.restore(),
        Err(RestoreRefusal::MalformedLine { line: 1, .. })
    ));

    let mut f = Fixture::new();
    let page1 = f.file(FileKind::Carts(1));
    let mut page2 = f.file(FileKind::Carts(2));
    page2.extend_from_slice(&page1[..=page1.iter().position(|b| *b == b'\n').unwrap_or(0)]);
    f.replace_consistently(FileKind::Carts(2), page2);
    let mut m = f.manifest();
    m.counts.carts += 1;
    f.set_manifest(&m);
    let err = f.restore().expect_err("duplicate shopper");
    assert!(
        matches!(&err, RestoreRefusal::MalformedLine { file, .. } if file == "carts-0002.ndjson"),
        "{err:?}"
    );
}

#[test]
fn refusals_have_codes_and_a_4xx_status() {
    let f = Fixture::new();
    let err = f
        .restore_as(&slug("demo"), &backup_id(7), &key())
        .expect_err("wrong store");
    assert_eq!(err.code(), "backup_wrong_store");
    assert_eq!(err.status(), 422);
    assert!(err.to_string().contains("outlet"));
    let taken = RestoreRefusal::Registry("shop.example.com belongs to acme".into());
    assert_eq!(taken.code(), "backup_registry_refused");
    assert!(taken.to_string().contains("belongs to acme"));
    let body = RestoreRefusal::ThemeBodyChanged { version: 2 };
    assert_eq!(body.code(), "backup_theme_body_changed");
    assert!(body.to_string().contains("version 2"));
}
