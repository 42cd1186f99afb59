//! The platform admin's backup routes, sans-IO: what a request asks (`POST /admin/backups`'s
//! body, `GET /admin/backups`'s query, `POST /admin/stores/{slug}/restore`'s body), how the
//! stores' answers add up (the route's answer, the cron's outcome, the sizes the registry
//! keeps), and the listing of manifests. The handlers read requests, ask objects, list R2.

use crate::EdgeError;
use crate::admin_call::no_store_named as no_store;
use crate::backup::BackupStarted;
use crate::registry::{RecordSizes, StoreSize};
use serde::{Deserialize, Serialize};
use wandstore_backup::keys::{ALL_MANIFESTS_PREFIX, manifest_prefix, parse_manifest_key};
use wandstore_backup::{BackupId, ManifestSummary, RestoreStatus};
use wandstore_core::events::CronOutcome;
use wandstore_core::limits::{LimitError, require_json};
use wandstore_core::store::StoreSlug;

/// The most manifests one listing shows (newest stores' keys sort last; use `?store=`).
pub const LIST_MAX: usize = 5000;
/// Stores asked at once by a backup of every store.
pub const STORES_AT_ONCE: usize = 10;

/// Why a backup route's request is refused (a 4xx; nothing was asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// A body that is not declared as JSON (415).
    NotJson(LimitError),
    /// A body that is not the route's JSON.
    InvalidJson(String),
    /// A slug that names no store (no valid slug names one).
    NoStore(String),
    InvalidBackupId {
        given: String,
        why: String,
    },
    UnknownParameter(String),
}

impl From<RequestError> for EdgeError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::NotJson(l) => l.into(),
            RequestError::InvalidJson(m) => EdgeError::bad_request("invalid_json", m),
            RequestError::NoStore(slug) => no_store(&slug),
            RequestError::InvalidBackupId { given, why } => {
                EdgeError::bad_request("invalid_backup_id", format!("{given:?}: {why}"))
            }
            RequestError::UnknownParameter(p) => EdgeError::bad_request(
                "unknown_parameter",
                format!("unknown query parameter {p:?}; only store= is accepted"),
            ),
        }
    }
}

fn slug(s: &str) -> Result<StoreSlug, RequestError> {
    StoreSlug::parse(s).map_err(|_| RequestError::NoStore(s.to_owned()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartBody {
    #[serde(default)]
    store: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreBody {
    backup: String,
}

/// `POST /admin/backups`: an empty body backs up every store (`None`), else a JSON
/// `{"store": slug}` names one.
pub fn backup_target(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Option<StoreSlug>, RequestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    require_json(content_type).map_err(RequestError::NotJson)?;
    let body: StartBody = serde_json::from_slice(body)
        .map_err(|e| RequestError::InvalidJson(format!("expected {{\"store\": slug}}: {e}")))?;
    body.store.as_deref().map(slug).transpose()
}

/// `POST /admin/stores/{slug}/restore`'s JSON body `{"backup": id}`.
pub fn restore_target(body: &[u8]) -> Result<BackupId, RequestError> {
    let body: RestoreBody = serde_json::from_slice(body).map_err(|e| {
        RequestError::InvalidJson(format!("the body is not the expected JSON: {e}"))
    })?;
    BackupId::parse(&body.backup).map_err(|e| RequestError::InvalidBackupId {
        why: e.to_string(),
        given: body.backup,
    })
}

/// 200 when the restore finished within the request, 202 while it goes on.
pub fn restore_http_status(status: &RestoreStatus) -> u16 {
    if status.is_finished() { 200 } else { 202 }
}

/// `GET /admin/backups[?store=slug]`: the R2 prefix to list (only `store=` is accepted).
pub fn listing_prefix<K: AsRef<str>, V: AsRef<str>>(
    query: impl IntoIterator<Item = (K, V)>,
) -> Result<String, RequestError> {
    let mut prefix = ALL_MANIFESTS_PREFIX.to_owned();
    for (k, v) in query {
        match k.as_ref() {
            "store" => prefix = manifest_prefix(&slug(v.as_ref())?),
            other => return Err(RequestError::UnknownParameter(other.to_owned())),
        }
    }
    Ok(prefix)
}

/// Complete backups as listed: manifests' summaries (R2 custom metadata), newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Listing {
    pub backups: Vec<ManifestSummary>,
    pub truncated: bool,
}

impl Listing {
    /// One listed object: kept if its key is a manifest's and its metadata a summary.
    pub fn add(&mut self, key: &str, summary: Option<&str>) {
        if parse_manifest_key(key).is_some()
            && let Some(summary) = ManifestSummary::from_metadata(summary)
        {
            self.backups.push(summary);
        }
    }

    /// Enough listed: stop (`more`: the listing had more pages).
    pub fn is_full(&mut self, more: bool) -> bool {
        let full = self.backups.len() >= LIST_MAX;
        self.truncated = full && more;
        full
    }

    /// Newest first.
    pub fn finish(mut self) -> Listing {
        self.backups.sort_by(|a, b| b.backup_id.cmp(&a.backup_id));
        self
    }
}

/// A store whose backup could not start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failed {
    pub store: String,
    pub code: String,
    pub message: String,
}

/// `POST /admin/backups`'s answer (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Started {
    pub backups: Vec<BackupStarted>,
    /// Stores whose backup could not start.
    pub failed: Vec<Failed>,
}

/// Each asked store with its object's answer.
pub type Answers = Vec<(StoreSlug, Result<BackupStarted, EdgeError>)>;

impl Started {
    /// The answers of the stores asked. One store named by the request answers its error
    /// as the route's (a missing store as `store_not_found`).
    pub fn collect(answers: Answers, single: bool) -> Result<Started, Box<EdgeError>> {
        let mut out = Started {
            backups: Vec::new(),
            failed: Vec::new(),
        };
        for (store, answer) in answers {
            match answer {
                Ok(started) => out.backups.push(started),
                Err(e) if single && e.status == 404 => {
                    return Err(Box::new(no_store(store.as_str())));
                }
                Err(e) if single => return Err(Box::new(e)),
                Err(e) => out.failed.push(Failed {
                    store: store.to_string(),
                    code: e.code,
                    message: e.message,
                }),
            }
        }
        Ok(out)
    }
}

/// The hourly cron's outcome from the stores' answers.
pub fn cron_outcome(answers: &Answers) -> CronOutcome {
    CronOutcome::BackupsAsked {
        stores: answers.len(),
        backups_started: answers
            .iter()
            .filter(|(_, a)| a.as_ref().is_ok_and(|a| a.skipped.is_none()))
            .count(),
        failed: answers
            .iter()
            .filter_map(|(store, a)| a.as_ref().err().map(|e| format!("{store}: {}", e.code)))
            .collect(),
    }
}

/// The sizes the stores answered with, for the registry (`None`: none to record).
pub fn sizes_of<'a>(
    answers: impl IntoIterator<Item = &'a BackupStarted>,
    now_ms: u64,
) -> Option<RecordSizes> {
    let sizes: Vec<StoreSize> = answers
        .into_iter()
        .filter(|a| a.used_bytes > 0)
        .map(|a| StoreSize {
            store: a.store.clone(),
            used_bytes: a.used_bytes,
        })
        .collect();
    (!sizes.is_empty()).then_some(RecordSizes { sizes, now_ms })
}

#[cfg(test)]
#[path = "backup_admin_tests.rs"]
mod tests;
