//! The admin and owner APIs (`/admin/…`) as typed questions, sans-IO: who may run a route and
//! what must be checked with the store first ([`Gate::of`]), which body a route reads, within
//! which limit, refused by type before a byte is read ([`body_limit`]), and which question
//! the request asks ([`AdminCall::read`]), plus the JSON the API answers. The Worker reads the
//! headers and bytes, asks the object named here and renders the answer.

// These answer the edge's one error as it renders; it is under clippy's size limit on
// wasm32 (where the Worker runs) but not on a 64-bit host.
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::owner::{AssetInfo, DeleteAsset};
use crate::personalization::{PutPersonalization, ShowPersonalization};
use crate::store::{CreateStore, StoreError, UpdateStore};
use crate::theme::{PublishDraft, PutDraft, RollbackTheme, ThemeVersion};
use crate::wire::AskError;
use serde::{Deserialize, Serialize};
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::asset::{self, CheckedAsset};
use wandstore_core::identity::CookieSigner;
use wandstore_core::limits::{self, BodyKind};
use wandstore_core::metrics::IsolateMetrics;
use wandstore_core::owner_access::{Author, PREVIEW_TTL_MS, preview_url, rfc3339};
use wandstore_core::routes::AdminRoute;
use wandstore_core::secret::Caller;
use wandstore_core::storage::StorageUse;
use wandstore_core::store::StoreSlug;
use wandstore_registry::{
    NewStore, Platform, PublicStore, RegistryEntry, StorePatch, validate_new,
};

/// 404 for a store that does not exist (or a slug that cannot name one).
pub fn no_store_named(slug: &str) -> EdgeError {
    EdgeError::no_store(format!("there is no store named {slug:?}"))
}

/// What must hold before a route runs, once [`Gate::of`] let the caller through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreCheck {
    /// Nothing: a platform route, or one whose question answers 404 itself.
    None,
    /// The store must exist (404 otherwise).
    Exists,
    /// The store's object must recognise this owner-token hash as its own (403 otherwise).
    OwnedBy(String),
}

/// The store a route names and what to check with it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub store: Option<StoreSlug>,
    pub check: StoreCheck,
}

impl Gate {
    /// 404 for a slug that cannot name a store; an owner token may use its own store's owner
    /// routes only (403 anywhere else); the admin's owner routes and catalog routes need the
    /// store to exist.
    pub fn of(route: &AdminRoute<'_>, caller: &Caller) -> Result<Gate, EdgeError> {
        let store = match route.store() {
            Some(slug) => Some(StoreSlug::parse(slug).map_err(|_| no_store_named(slug))?),
            None => None,
        };
        let check = match (caller, route.owner_may()) {
            (_, true) if store.is_none() => {
                return Err(EdgeError::internal(format!("{route:?} names no store")));
            }
            (Caller::Owner { token_hash }, true) => StoreCheck::OwnedBy(token_hash.clone()),
            (Caller::Owner { .. }, false) => return Err(owner_refused()),
            (Caller::Admin, true) => StoreCheck::Exists,
            (Caller::Admin, false) => match route {
                AdminRoute::SyncCatalog(_)
                | AdminRoute::CatalogStatus(_)
                | AdminRoute::Metrics(_) => StoreCheck::Exists,
                _ => StoreCheck::None,
            },
        };
        Ok(Gate { store, check })
    }

    /// 403 for an owner token its store does not recognise.
    pub fn not_owner() -> EdgeError {
        EdgeError::new(403, "forbidden", "this owner token does not own this store")
    }

    /// Whether the route may run, given what the store's object answered to the check's
    /// question (`ShowStore` for [`StoreCheck::Exists`], `CheckOwner` for
    /// [`StoreCheck::OwnedBy`]; no question for [`StoreCheck::None`]): 404 for a store that
    /// does not exist, 403 for a token it does not recognise, the failure otherwise.
    pub fn checked(&self, asked: Result<(), AskError<StoreError>>) -> Result<(), EdgeError> {
        let slug = self.store.as_ref().map_or("", StoreSlug::as_str);
        match self.check {
            StoreCheck::None => Ok(()),
            StoreCheck::Exists => asked.map_err(|e| match EdgeError::from(e) {
                e if e.status == 404 => no_store_named(slug),
                e => e,
            }),
            StoreCheck::OwnedBy(_) => match recognised(asked)? {
                true => Ok(()),
                false => Err(Gate::not_owner()),
            },
        }
    }
}

/// Whether the store's object recognised an owner credential: `false` too for a store that
/// does not exist, so a credential reveals nothing about other stores; a failed call is an
/// error.
pub fn recognised(asked: Result<(), AskError<StoreError>>) -> Result<bool, EdgeError> {
    match asked {
        Ok(()) => Ok(true),
        Err(AskError::Refused(StoreError::NotFound | StoreError::Forbidden)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn owner_refused() -> EdgeError {
    EdgeError::new(
        403,
        "forbidden",
        "a store-owner token can only use its own store's theme, assets and token routes",
    )
}

/// The limit a route's body is read within (`None`: the route reads no body); a route that
/// takes JSON refuses another declared type (415) before anything is read (`POST
/// /admin/backups` takes an empty body too, its type checked once read).
pub fn body_limit(
    route: &AdminRoute<'_>,
    content_type: Option<&str>,
) -> Result<Option<BodyKind>, EdgeError> {
    Ok(match route {
        AdminRoute::PutDraft(_) => {
            limits::require_json(content_type)?;
            Some(BodyKind::Theme)
        }
        AdminRoute::PutPersonalizationSettings(_) | AdminRoute::Restore(_) => {
            limits::require_json(content_type)?;
            Some(BodyKind::AdminJson)
        }
        AdminRoute::StartBackups => Some(BodyKind::AdminJson),
        AdminRoute::CreateStore | AdminRoute::PatchStore(_) | AdminRoute::Rollback(_) => {
            Some(BodyKind::AdminJson)
        }
        AdminRoute::PutAsset(..) => Some(BodyKind::Asset),
        _ => None,
    })
}

/// What the caller's request is made with besides its route and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    pub author: Author,
    pub now_ms: u64,
    pub base_domain: String,
    /// Whether a local upstream is allowed (development only).
    pub local_upstreams: bool,
}

/// A platform-wide question (no store named).
#[derive(Debug)]
pub enum PlatformCall {
    IsolateMetrics,
    ListStores,
    /// Planned with a fresh owner token by [`plan_create`].
    CreateStore(NewStore),
}

/// A question to one store (through its object, or R2 for an asset's bytes).
#[derive(Debug)]
pub enum StoreCall {
    Show,
    Update(UpdateStore),
    Delete,
    Sync,
    CatalogStatus,
    Metrics,
    Theme,
    PutDraft(PutDraft),
    Publish(PublishDraft),
    Versions,
    Rollback(RollbackTheme),
    /// A signed preview link on the request's origin ([`PreviewLink::signed`]).
    Preview,
    Assets,
    PutAsset(CheckedAsset, Vec<u8>),
    DeleteAsset(DeleteAsset),
    RotateOwnerToken,
    PersonalizationReport(ShowPersonalization),
    PersonalizationSettings,
    PutPersonalization(PutPersonalization),
}

/// What an admin API request asks.
#[derive(Debug)]
pub enum AdminCall {
    Platform(PlatformCall),
    Store(StoreSlug, StoreCall),
    /// A backup route (its body is read by `admin_run`).
    Backups(BackupCall),
}

/// A backup route (platform admin only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupCall {
    List,
    Start,
    Restore(StoreSlug),
    RestoreStatus(StoreSlug),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RollbackBody {
    version: u32,
}

/// A JSON body as `T`; 400 `invalid_json` otherwise.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, EdgeError> {
    serde_json::from_slice(body).map_err(|e| {
        EdgeError::bad_request(
            "invalid_json",
            format!("the body is not the expected JSON: {e}"),
        )
    })
}

impl AdminCall {
    /// The question `route` asks of `store` ([`Gate::of`]'s) with `body` (read within
    /// [`body_limit`]): 400 for JSON that is not the route's, 422 for refused settings, the
    /// asset's refusal for a bad upload.
    pub fn read(
        route: &AdminRoute<'_>,
        store: Option<StoreSlug>,
        content_type: Option<&str>,
        body: Vec<u8>,
        cx: &CallContext,
    ) -> Result<AdminCall, EdgeError> {
        let author = cx.author.name().to_owned();
        let now_ms = cx.now_ms;
        let call = match route {
            AdminRoute::IsolateMetrics => {
                return Ok(AdminCall::Platform(PlatformCall::IsolateMetrics));
            }
            AdminRoute::ListStores => return Ok(AdminCall::Platform(PlatformCall::ListStores)),
            AdminRoute::CreateStore => {
                return Ok(AdminCall::Platform(PlatformCall::CreateStore(parse_json(
                    &body,
                )?)));
            }
            AdminRoute::ListBackups => return Ok(AdminCall::Backups(BackupCall::List)),
            AdminRoute::StartBackups => return Ok(AdminCall::Backups(BackupCall::Start)),
            AdminRoute::Restore(_) | AdminRoute::RestoreStatus(_) => {
                let store = store.ok_or_else(|| no_store_in(route))?;
                return Ok(AdminCall::Backups(match route {
                    AdminRoute::Restore(_) => BackupCall::Restore(store),
                    _ => BackupCall::RestoreStatus(store),
                }));
            }
            AdminRoute::ShowStore(_) => StoreCall::Show,
            AdminRoute::PatchStore(_) => StoreCall::Update(UpdateStore {
                patch: parse_json::<StorePatch>(&body)?,
                base_domain: cx.base_domain.clone(),
                local_upstreams: cx.local_upstreams,
                now_ms,
            }),
            AdminRoute::DeleteStore(_) => StoreCall::Delete,
            AdminRoute::SyncCatalog(_) => StoreCall::Sync,
            AdminRoute::CatalogStatus(_) => StoreCall::CatalogStatus,
            AdminRoute::Metrics(_) => StoreCall::Metrics,
            AdminRoute::Theme(_) => StoreCall::Theme,
            AdminRoute::PutDraft(_) => StoreCall::PutDraft(PutDraft {
                body: String::from_utf8(body).map_err(|_| {
                    EdgeError::bad_request("bad_encoding", "the theme is not UTF-8 text")
                })?,
                author,
                now_ms,
            }),
            AdminRoute::Publish(_) => StoreCall::Publish(PublishDraft { author, now_ms }),
            AdminRoute::Versions(_) => StoreCall::Versions,
            AdminRoute::Rollback(_) => StoreCall::Rollback(RollbackTheme {
                version: parse_json::<RollbackBody>(&body)?.version,
                author,
                now_ms,
            }),
            AdminRoute::Preview(_) => StoreCall::Preview,
            AdminRoute::Assets(_) => StoreCall::Assets,
            AdminRoute::PutAsset(_, name) => {
                StoreCall::PutAsset(asset::check_upload(name, content_type, &body)?, body)
            }
            AdminRoute::DeleteAsset(_, name) => StoreCall::DeleteAsset(DeleteAsset {
                name: (*name).to_owned(),
            }),
            AdminRoute::RotateOwnerToken(_) => StoreCall::RotateOwnerToken,
            AdminRoute::PersonalizationReport(_) => {
                StoreCall::PersonalizationReport(ShowPersonalization { now_ms })
            }
            AdminRoute::PersonalizationSettings(_) => StoreCall::PersonalizationSettings,
            AdminRoute::PutPersonalizationSettings(_) => {
                StoreCall::PutPersonalization(PutPersonalization {
                    settings: PersonalizationSettings::from_body(&body)?,
                })
            }
        };
        Ok(AdminCall::Store(
            store.ok_or_else(|| no_store_in(route))?,
            call,
        ))
    }
}

/// A store route without its store: a bug of the caller, not a client mistake.
fn no_store_in(route: &AdminRoute<'_>) -> EdgeError {
    EdgeError::internal(format!("{route:?} names no store"))
}

/// A new store's question and the object it goes to: every problem with the input at once
/// (422), before any object is asked (the slug names the object).
pub fn plan_create(
    input: NewStore,
    owner_token_hash: String,
    cx: &CallContext,
) -> Result<(StoreSlug, CreateStore), EdgeError> {
    let platform = Platform {
        base_domain: &cx.base_domain,
        local_upstreams: cx.local_upstreams,
    };
    let record = validate_new(input.clone(), platform, owner_token_hash.clone(), cx.now_ms)
        .map_err(EdgeError::invalid)?;
    let create = CreateStore {
        input,
        owner_token_hash,
        base_domain: cx.base_domain.clone(),
        local_upstreams: cx.local_upstreams,
        now_ms: cx.now_ms,
    };
    Ok((record.slug, create))
}

/// `DELETE /admin/stores/{slug}`: done (204) when the registry or the store's object had
/// it, else 404.
pub fn deleted(slug: &StoreSlug, registered: bool, stored: bool) -> Result<(), EdgeError> {
    if registered || stored {
        Ok(())
    } else {
        Err(no_store_named(slug.as_str()))
    }
}

/// A signed link to the store's draft on the platform host, valid for 24 hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewLink {
    pub url: String,
    pub expires_at: String,
}

impl PreviewLink {
    /// The link on `origin` (empty: its path) for a request at `now_ms`.
    pub fn signed(signer: &CookieSigner, store: &StoreSlug, origin: &str, now_ms: u64) -> Self {
        let expires = now_ms.saturating_add(PREVIEW_TTL_MS);
        let token = signer.sign_preview(store, expires);
        PreviewLink {
            url: preview_url(origin, store, &token),
            expires_at: rfc3339(expires),
        }
    }
}

/// `POST /admin/stores`'s answer.
#[derive(Serialize)]
pub struct Created {
    pub store: PublicStore,
    /// Shown once; only its hash is kept.
    pub owner_token: String,
}

/// One store, as `GET`/`PATCH /admin/stores/{slug}` answer it.
#[derive(Serialize)]
pub struct One {
    pub store: PublicStore,
}

/// `GET /admin/stores`' answer.
#[derive(Serialize)]
pub struct Stores {
    pub stores: Vec<RegistryEntry>,
}

/// `GET …/assets`' answer.
#[derive(Serialize)]
pub struct Assets {
    pub assets: Vec<AssetInfo>,
}

/// `GET …/theme/versions`' answer.
#[derive(Serialize)]
pub struct Versions {
    pub versions: Vec<ThemeVersion>,
}

/// Each list or store answer wraps what the object answered.
macro_rules! wraps {
    ($($answer:ident { $field:ident: $inner:ty }),*) => {$(
        impl From<$inner> for $answer {
            fn from($field: $inner) -> Self {
                $answer { $field }
            }
        }
    )*};
}

wraps!(
    One { store: PublicStore },
    Stores { stores: Vec<RegistryEntry> },
    Assets { assets: Vec<AssetInfo> },
    Versions { versions: Vec<ThemeVersion> }
);

/// `GET /admin/metrics`' answer: this isolate's counters, its 5xx rate, and the largest
/// objects' storage.
#[derive(Serialize)]
pub struct IsolateReport {
    pub isolate: IsolateMetrics,
    pub server_error_rate: f64,
    pub storage: Vec<StorageUse>,
}

impl IsolateReport {
    pub fn of(isolate: IsolateMetrics, storage: Vec<StorageUse>) -> IsolateReport {
        let server_error_rate = isolate.server_error_rate();
        IsolateReport {
            isolate,
            server_error_rate,
            storage,
        }
    }
}

/// `POST …/owner-token/rotate`'s answer.
#[derive(Serialize)]
pub struct Rotated {
    /// Shown once; only its hash is kept. The old token stopped working.
    pub owner_token: String,
}

#[cfg(test)]
#[path = "admin_call_tests.rs"]
mod tests;
