//! A restore of the store from one of its backups, in this object: every file is read and
//! checked (`wandstore_backup::plan_restore`: manifest schema, store, checksums, sizes, every
//! line) and the published theme's body is found in THEMES before anything changes; a refusal
//! changes nothing. Then a safety backup of the store as it is (so the restore can be undone),
//! the record (and its registry entry, claimed again if the store was deleted), the theme
//! pointer and history, every backed-up cart (the shopper objects rewrite theirs), the carts
//! the backup does not hold are emptied, and the catalog resyncs.
//!
//! The whole restore runs in one request: fine for stores of a few thousand carts; bigger
//! ones would need `wandstore_backup::RestoreRun` over alarms (not wired yet).

use super::backups::{ThemePointer, backup_key, bucket, r2_unavailable};
use super::{StoreState, internal};
use crate::objects::{registry_client, shopper_client};
use crate::sql;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use wandstore_backup::keys::manifest_key;
use wandstore_backup::{BackupReason, RestoreCheck, RestorePlan, RestoreRefusal, plan_restore};
use wandstore_core::backup_events::RestoreLogged;
use wandstore_core::events::Event;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::backup::{ReplaceCart, RestoreBackup, Restored};
use wandstore_protocol::registry::WriteEntry;
use wandstore_protocol::store::StoreError;
use wandstore_protocol::theme::{ThemeVersion, theme_key};
use wandstore_registry::{Claim, RegistryEntry};
use wandstore_theme::Theme;

fn refused(code: &str, message: String) -> StoreError {
    StoreError::BackupRefused {
        code: code.to_owned(),
        message,
    }
}

fn from_refusal(r: &RestoreRefusal) -> StoreError {
    refused(r.code(), r.to_string())
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// The published theme to put back: its version list, pointer and body.
struct ThemeToRestore {
    versions: Vec<ThemeVersion>,
    published: Option<(u32, String)>,
}

impl StoreState {
    pub async fn restore(
        self: &Rc<Self>,
        q: &RestoreBackup,
        rid: &str,
    ) -> Result<Restored, StoreError> {
        let result = self.try_restore(q, rid).await;
        let (outcome, safety, carts, cleared) = match &result {
            Ok(r) => (
                "restored".to_owned(),
                r.safety_backup.as_ref().map(ToString::to_string),
                r.carts,
                r.cleared,
            ),
            Err(StoreError::BackupRefused { code, .. }) => (code.clone(), None, 0, 0),
            Err(e) => (format!("failed: {e}"), None, 0, 0),
        };
        let event = RestoreLogged {
            store: q.store.to_string(),
            backup: q.backup.to_string(),
            outcome,
            safety_backup: safety,
            carts,
            cleared,
        };
        worker::console_log!("{}", event.line(now_ms(), rid));
        result
    }

    async fn try_restore(
        self: &Rc<Self>,
        q: &RestoreBackup,
        rid: &str,
    ) -> Result<Restored, StoreError> {
        if self.backup_busy.get() || self.stored_run_id().is_some() {
            return Err(StoreError::Conflict {
                code: "backup_in_progress".into(),
                message: "a backup of this store is running; try again when it is done".into(),
            });
        }
        let plan = self.checked_plan(q).await?;
        let theme = self.theme_to_restore(&plan).await?;
        // Nothing has changed so far. The safety backup (of a store that exists).
        let existing = self.load_record().map_err(internal)?;
        let safety_backup = match &existing {
            Some(_) => {
                let id = self.begin_run(&q.store, BackupReason::BeforeRestore, now_ms())?;
                // Unlimited pages per call: each call runs the run to its end unless an alarm
                // is driving it at that moment; then wait for that one (bounded).
                let mut done = false;
                for _ in 0..50 {
                    if self.drive_backup(u32::MAX, rid).await? {
                        done = true;
                        break;
                    }
                }
                if !done {
                    return Err(StoreError::Conflict {
                        code: "backup_in_progress".into(),
                        message: "the safety backup has not finished; try again shortly".into(),
                    });
                }
                Some(id)
            }
            None => None,
        };
        // The record and its registry entry.
        let claim = if existing.is_some() {
            Claim::Update
        } else {
            Claim::Create
        };
        let entry = WriteEntry {
            entry: RegistryEntry::from(&plan.record),
            claim,
        };
        registry_client::ask(&self.env, entry, rid).await?;
        self.save_record(&plan.record).map_err(internal)?;
        // The theme.
        self.write_theme(&theme)?;
        // The carts: the backup's, then empty every other one in the index.
        let now = now_ms();
        let mut kept = HashSet::new();
        let mut cart_lines = 0u64;
        for cart in &plan.carts {
            let replace = ReplaceCart {
                lines: cart.lines.clone(),
            };
            shopper_client::ask(&self.env, &q.store, &cart.shopper, replace, rid)
                .await
                .map_err(|e| StoreError::Internal {
                    message: format!("restoring a cart: {e:?}"),
                })?;
            self.reindex(&cart.shopper, now).map_err(internal)?;
            kept.insert(cart.shopper.clone());
            cart_lines += cart.lines.len() as u64;
        }
        let mut cleared = 0u64;
        let mut after = None;
        loop {
            let page = self.cart_shoppers(after.as_ref(), 200).map_err(internal)?;
            for shopper in page.iter().filter(|s| !kept.contains(*s)) {
                let clear = ReplaceCart { lines: Vec::new() };
                shopper_client::ask(&self.env, &q.store, shopper, clear, rid)
                    .await
                    .map_err(|e| StoreError::Internal {
                        message: format!("clearing a cart: {e:?}"),
                    })?;
                self.unindex(shopper).map_err(internal)?;
                cleared += 1;
            }
            match page.last() {
                Some(last) if page.len() == 200 => after = Some(last.clone()),
                _ => break,
            }
        }
        // The catalog, from Shopify again (the restore stands if this fails).
        *self.catalog.borrow_mut() = None;
        let catalog = match self.sync(RetryPolicy::background(), rid).await {
            Ok(_) => "synced".to_owned(),
            Err(e) => e.cause_code(),
        };
        Ok(Restored {
            store: q.store.clone(),
            backup: q.backup.clone(),
            safety_backup,
            reclaimed: existing.is_none(),
            theme_versions: theme.versions.len() as u64,
            published_theme: theme.published.as_ref().map(|(v, _)| *v),
            carts: plan.carts.len() as u64,
            cart_lines,
            cleared,
            catalog,
        })
    }

    fn stored_run_id(&self) -> Option<String> {
        let rows: Vec<RunRow> = self
            .db
            .rows("SELECT run FROM backup_state WHERE id = 1", None)
            .ok()?;
        rows.into_iter().next().and_then(|r| r.run)
    }

    /// Reads the manifest and every file, and checks them all.
    async fn checked_plan(&self, q: &RestoreBackup) -> Result<RestorePlan, StoreError> {
        let key = backup_key(self)?;
        let bucket = bucket(self)?;
        let manifest = read(&bucket, &manifest_key(&q.store, &q.backup))
            .await?
            .ok_or_else(|| StoreError::Missing {
                code: "backup_not_found".into(),
                message: format!("store {} has no backup {}", q.store, q.backup),
            })?;
        let check = RestoreCheck::from_manifest(&manifest, &q.store, &q.backup)
            .map_err(|r| from_refusal(&r))?;
        let mut files = HashMap::new();
        for (_, r2_key) in check.files() {
            if let Some(bytes) = read(&bucket, &r2_key).await? {
                files.insert(r2_key, bytes);
            }
        }
        plan_restore(&manifest, &q.store, &q.backup, &key, |k| files.remove(k))
            .map_err(|r| from_refusal(&r))
    }

    /// The theme of the plan, with the published body read from THEMES and checked against
    /// its version's SHA-256.
    async fn theme_to_restore(&self, plan: &RestorePlan) -> Result<ThemeToRestore, StoreError> {
        let bad = |m: String| refused("backup_theme_unreadable", m);
        let (pointer, versions): (Option<ThemePointer>, Vec<ThemeVersion>) =
            plan.theme.typed().map_err(|e| bad(e.to_string()))?;
        let Some(version) = pointer.and_then(|p| p.published) else {
            return Ok(ThemeToRestore {
                versions,
                published: None,
            });
        };
        let record = versions
            .iter()
            .find(|v| v.version == version)
            .ok_or_else(|| {
                bad(format!(
                    "the published version {version} is not in the history"
                ))
            })?;
        let themes = self.env.bucket("THEMES").map_err(r2_unavailable)?;
        let body = read(&themes, &theme_key(plan.record.slug.as_str(), version))
            .await?
            .ok_or_else(|| {
                refused(
                    "backup_theme_body_missing",
                    format!("theme version {version}'s body is not in THEMES"),
                )
            })?;
        let digest: [u8; 32] = Sha256::digest(&body).into();
        let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        if sha256 != record.sha256 {
            return Err(refused(
                "backup_theme_body_changed",
                format!("theme version {version}'s body does not match its SHA-256"),
            ));
        }
        let body = String::from_utf8(body).map_err(|e| bad(e.to_string()))?;
        Theme::from_stored(body.as_bytes()).map_err(|e| bad(e.to_string()))?;
        Ok(ThemeToRestore {
            versions,
            published: Some((version, body)),
        })
    }

    /// The history and pointer, in one transaction (the draft is left as it is).
    fn write_theme(&self, theme: &ThemeToRestore) -> Result<(), StoreError> {
        let mut rows = Vec::new();
        for v in &theme.versions {
            let json = serde_json::to_string(v).map_err(|e| StoreError::Internal {
                message: e.to_string(),
            })?;
            rows.push((sql::int(u64::from(v.version)).map_err(internal)?, json));
        }
        let published = match &theme.published {
            Some((v, body)) => (
                Some(sql::int(u64::from(*v)).map_err(internal)?),
                Some(body.clone()),
            ),
            None => (None, None),
        };
        let db = self.db.clone();
        sql::transaction(&self.state, move || {
            db.run("DELETE FROM theme_versions", None)?;
            for (version, json) in rows {
                db.run(
                    "INSERT INTO theme_versions (version, json) VALUES (?, ?)",
                    vec![version, json.into()],
                )?;
            }
            let (version, body) = published;
            db.run(
                "UPDATE theme_state SET published = ?, published_body = ? WHERE id = 1",
                vec![version.into(), body.into()],
            )
        })
        .map_err(internal)?;
        *self.published.borrow_mut() = None;
        Ok(())
    }
}

#[derive(serde::Deserialize)]
struct RunRow {
    run: Option<String>,
}

async fn read(bucket: &worker::Bucket, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(object) = bucket.get(key).execute().await.map_err(r2_unavailable)? else {
        return Ok(None);
    };
    match object.body() {
        Some(body) => body.bytes().await.map(Some).map_err(r2_unavailable),
        None => Ok(Some(Vec::new())),
    }
}
