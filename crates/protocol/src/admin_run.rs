//! One admin-API request (`/admin/…`) as a sans-IO driver: [`AdminRun::poll`] says which
//! I/O the request needs next ([`AdminIo`]: a question to the store's object or the
//! registry as encoded text, the body within its limit, fresh randomness, an asset's bytes
//! to or from R2, a page of the backup listing, the backups to start, the isolate's metrics)
//! and the `on_…` methods take its result, until it answers ([`AdminIo::Answer`]) or fails
//! ([`AdminIo::Failed`]). The order is the rule: who may run the route ([`Gate::of`]), the
//! store check before the body is read, the body before the question is made
//! ([`AdminCall::read`]), then each call's steps (R2 before the listing for an upload, the
//! registry before the object for a delete, a cursor followed until the listing is full).
//! The Worker performs each step (`admin.rs`) and sends the answer.

// These answer the edge's one error as it renders; it is under clippy's size limit on
// wasm32 (where the Worker runs) but not on a 64-bit host.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

use crate::EdgeError;
use crate::admin_call::{
    AdminCall, BackupCall, CallContext, Created, Gate, IsolateReport, PlatformCall, PreviewLink,
    Rotated, StoreCall, StoreCheck, Stores, body_limit, deleted, plan_create,
};
use crate::backup::{RestoreBackup, ShowRestore};
use crate::backup_admin::{self as backups, Answers, Listing, Started};
use crate::edge::html_safe_json;
use crate::entry_route::ClientHeaders;
use crate::owner::RotateOwnerToken;
use crate::owner::{AssetInfo, CheckOwner, OwnerCredential, PutAsset, RecordAsset};
use crate::registry::{ForgetStore, ListStores, ShowStorage};
use crate::store::{DeleteStore, ShowStore};
use crate::store_call_step::{ReadReply, StoreStep};
use crate::wire::{self, Question};
use serde::Serialize;
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_backup::BackupReason;
use wandstore_backup::manifest::SUMMARY_METADATA;
use wandstore_core::asset;
use wandstore_core::events::{BestEffort, BestEffortFailed, Event};
use wandstore_core::limits::BodyKind;
use wandstore_core::metrics::IsolateMetrics;
use wandstore_core::owner_access::Author;
use wandstore_core::platform_env::PlatformEnv;
use wandstore_core::routes::AdminRoute;
use wandstore_core::secret::{Caller, hash_token, new_owner_token};
use wandstore_core::storage::{REPORTED_STORES, StorageUse, report};
use wandstore_core::store::StoreSlug;
use wandstore_registry::NewStore;

/// What the request brings besides its route and body.
pub struct Facts {
    pub caller: Caller,
    pub content_type: Option<String>,
    /// The query's pairs (`GET /admin/backups?store=`).
    pub query: Vec<(String, String)>,
    /// The request's origin, for preview links.
    pub origin: String,
    /// The platform's settings: its cookie signer (for preview links), base domain and
    /// whether it is local development.
    pub platform: Rc<PlatformEnv>,
    pub now_ms: u64,
    pub request_id: String,
}

impl Facts {
    /// A request's facts: its query and origin read from its serialized `url`, and the
    /// `Content-Type` it sent.
    pub fn of(
        caller: Caller,
        url: &str,
        client: &ClientHeaders,
        platform: Rc<PlatformEnv>,
        now_ms: u64,
        request_id: &str,
    ) -> Facts {
        Facts {
            caller,
            content_type: client.get("content-type").map(str::to_owned),
            query: wandstore_core::query::pairs(wandstore_core::query::of_url(url)),
            origin: wandstore_core::query::origin(url),
            platform,
            now_ms,
            request_id: request_id.to_owned(),
        }
    }
}

/// The object a question goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    Store(StoreSlug),
    Registry,
}

/// One page of the backup listing: each object's key and summary metadata, and the cursor
/// of the next page when the listing was truncated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedPage {
    pub objects: Vec<(String, Option<String>)>,
    pub truncated: bool,
    pub cursor: Option<String>,
}

impl ListedPage {
    /// A page as R2 lists it: each object's key with its custom metadata, of which only the
    /// manifest summary ([`SUMMARY_METADATA`]) is kept.
    pub fn of(
        objects: impl IntoIterator<Item = (String, HashMap<String, String>)>,
        truncated: bool,
        cursor: Option<String>,
    ) -> ListedPage {
        let summary = |(key, mut metadata): (String, HashMap<String, String>)| {
            (key, metadata.remove(SUMMARY_METADATA))
        };
        ListedPage {
            objects: objects.into_iter().map(summary).collect(),
            truncated,
            cursor,
        }
    }
}

/// What the API answers: a status and a JSON body, or no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub json: Option<String>,
}

impl Reply {
    /// The answer as it is sent: its status, headers and body (empty when it has none).
    pub fn parts(self) -> (u16, Vec<(&'static str, String)>, String) {
        match self.json {
            Some(json) => (self.status, vec![("content-type", JSON.to_owned())], json),
            None => (self.status, Vec::new(), String::new()),
        }
    }
}

/// The content type of every answer with a body.
const JSON: &str = "application/json";

/// The I/O the request needs next.
#[derive(Debug)]
pub enum AdminIo {
    /// Post the encoded question to the object ([`AdminRun::on_reply`]).
    Ask(Object, String),
    /// Read the body within `kind` ([`AdminRun::on_body`]).
    ReadBody(BodyKind),
    /// 32 bytes from the CSPRNG ([`AdminRun::on_random`]).
    Random,
    /// Write the upload's bytes to R2 ([`AdminRun::on_put`]).
    PutAsset(PutAsset),
    /// Delete an unlisted file's bytes, best effort ([`AdminRun::on_deleted`]: the listing no
    /// longer names the file, so bytes a failure leaves behind are unreachable and harmless).
    DeleteAsset(String),
    /// A page of the backup listing with summary metadata ([`AdminRun::on_listed`]).
    ListBackups {
        prefix: String,
        cursor: Option<String>,
    },
    /// Ask the store named, or every store, to start a backup for this reason
    /// ([`AdminRun::on_started`]).
    StartBackups(Option<StoreSlug>, BackupReason),
    /// This isolate's counters ([`AdminRun::on_metrics`]).
    IsolateMetrics,
    /// Write a log line (a best-effort step failed); nothing is fed back.
    Log(String),
    Answer(Reply),
    Failed(EdgeError),
}

/// How the object's next reply is read.
enum OnReply {
    /// The gate's check ([`Gate::checked`]).
    Checked(Gate),
    /// A [`StoreStep::Ask`]: the reply read as the step says, with its status.
    Shown(ReadReply, u16),
    Stores,
    Created(String),
    Forgot(StoreSlug),
    Deleted(StoreSlug, bool),
    Recorded,
    Unlisted(StoreSlug),
    Rotated(String),
    Restore,
    RestoreStatus,
    Storage,
}

/// What the request waits for.
enum Wait {
    Nothing,
    Reply(OnReply),
    Body(Gate),
    Random(Drawn),
    Put(StoreSlug, AssetInfo),
    /// Whether the unlisted file's bytes under this key were deleted.
    Deleted(String),
    Page(Listing, String),
    Started,
    Metrics(Vec<StorageUse>),
}

/// What fresh randomness is for: a new owner token.
enum Drawn {
    Create(NewStore),
    Rotate(StoreSlug),
}

/// One admin request's steps.
pub struct AdminRun<'r> {
    route: AdminRoute<'r>,
    facts: Facts,
    wait: Wait,
    next: Option<AdminIo>,
    /// A step performed before the next ([`AdminIo::Log`], [`AdminIo::DeleteAsset`]); the
    /// answer it comes before stands whatever its result.
    queued: Option<AdminIo>,
}

fn encode<Q: Question>(q: Q) -> Result<String, EdgeError> {
    wire::encode_question(q).map_err(EdgeError::internal)
}

/// `value` as the JSON answer with `status`.
fn json<T: Serialize>(status: u16, value: &T) -> Result<AdminIo, EdgeError> {
    let text = serde_json::to_string(value)
        .map_err(|e| EdgeError::internal(format!("a response failed to serialize: {e}")))?;
    Ok(AdminIo::Answer(Reply {
        status,
        json: Some(html_safe_json(&text)),
    }))
}

fn no_content() -> AdminIo {
    AdminIo::Answer(Reply {
        status: 204,
        json: None,
    })
}

impl<'r> AdminRun<'r> {
    /// The request's run, its first step decided: the gate, then the store check.
    pub fn new(route: AdminRoute<'r>, facts: Facts) -> AdminRun<'r> {
        let mut run = AdminRun {
            route,
            facts,
            wait: Wait::Nothing,
            next: None,
            queued: None,
        };
        let first = run.start();
        run.then(first);
        run
    }

    /// The I/O to perform next (each exactly once, then the matching `on_…`).
    pub fn poll(&mut self) -> AdminIo {
        if let Some(io) = self.queued.take() {
            return io;
        }
        self.next.take().unwrap_or_else(|| {
            AdminIo::Failed(EdgeError::internal("the admin run was polled out of turn"))
        })
    }

    fn then(&mut self, next: Result<AdminIo, EdgeError>) {
        self.next = Some(next.unwrap_or_else(AdminIo::Failed));
    }

    fn ask<Q: Question>(&mut self, to: Object, q: Q, on: OnReply) -> Result<AdminIo, EdgeError> {
        self.wait = Wait::Reply(on);
        Ok(AdminIo::Ask(to, encode(q)?))
    }

    fn start(&mut self) -> Result<AdminIo, EdgeError> {
        let gate = Gate::of(&self.route, &self.facts.caller)?;
        let Some(store) = gate.store.clone() else {
            return self.checked(gate);
        };
        let to = Object::Store(store);
        match &gate.check {
            StoreCheck::None => self.checked(gate),
            StoreCheck::Exists => self.ask(to, ShowStore, OnReply::Checked(gate)),
            StoreCheck::OwnedBy(hash) => {
                let credential = OwnerCredential::TokenHash(hash.clone());
                self.ask(to, CheckOwner { credential }, OnReply::Checked(gate))
            }
        }
    }

    /// Past the gate: the body, if the route reads one.
    fn checked(&mut self, gate: Gate) -> Result<AdminIo, EdgeError> {
        match body_limit(&self.route, self.facts.content_type.as_deref())? {
            Some(kind) => {
                self.wait = Wait::Body(gate);
                Ok(AdminIo::ReadBody(kind))
            }
            None => self.call(gate, Vec::new()),
        }
    }

    fn context(&self) -> CallContext {
        CallContext {
            author: Author::of(&self.facts.caller),
            now_ms: self.facts.now_ms,
            base_domain: self.facts.platform.base_domain.clone(),
            local_upstreams: self.facts.platform.development,
        }
    }

    /// The route's question, and its first step.
    fn call(&mut self, gate: Gate, body: Vec<u8>) -> Result<AdminIo, EdgeError> {
        let ct = self.facts.content_type.clone();
        // The backup routes read their bodies below (bounded by `AdminJson`).
        let backup_body = matches!(
            self.route,
            AdminRoute::StartBackups | AdminRoute::Restore(_)
        )
        .then(|| body.clone())
        .unwrap_or_default();
        let cx = self.context();
        let call = AdminCall::read(&self.route, gate.store, ct.as_deref(), body, &cx)?;
        match call {
            AdminCall::Platform(PlatformCall::IsolateMetrics) => {
                let q = ShowStorage {
                    limit: REPORTED_STORES,
                };
                self.ask(Object::Registry, q, OnReply::Storage)
            }
            AdminCall::Platform(PlatformCall::ListStores) => {
                self.ask(Object::Registry, ListStores, OnReply::Stores)
            }
            AdminCall::Platform(PlatformCall::CreateStore(input)) => {
                self.wait = Wait::Random(Drawn::Create(input));
                Ok(AdminIo::Random)
            }
            AdminCall::Store(store, call) => self.store_call(store, call),
            AdminCall::Backups(call) => self.backups(call, &backup_body),
        }
    }

    fn store_call(&mut self, store: StoreSlug, call: StoreCall) -> Result<AdminIo, EdgeError> {
        match call.step().map_err(EdgeError::internal)? {
            StoreStep::Ask(asked) => {
                self.wait = Wait::Reply(OnReply::Shown(asked.reply, asked.status));
                Ok(AdminIo::Ask(Object::Store(store), asked.question))
            }
            StoreStep::Delete => {
                let forget = ForgetStore {
                    slug: store.clone(),
                };
                self.ask(Object::Registry, forget, OnReply::Forgot(store))
            }
            StoreStep::Preview => {
                let signer = self.facts.platform.signer.as_ref().map_err(|weak| {
                    let why = weak.to_string();
                    EdgeError::misconfigured("config", "previews are not configured yet", why)
                })?;
                let link =
                    PreviewLink::signed(signer, &store, &self.facts.origin, self.facts.now_ms);
                json(201, &link)
            }
            StoreStep::PutAsset(checked, bytes) => {
                let info = AssetInfo::from_checked(&checked, self.facts.now_ms);
                let put = PutAsset::of(&store, checked, bytes);
                self.wait = Wait::Put(store, info);
                Ok(AdminIo::PutAsset(put))
            }
            StoreStep::DeleteAsset(delete) => self.ask(
                Object::Store(store.clone()),
                delete,
                OnReply::Unlisted(store),
            ),
            StoreStep::RotateOwnerToken => {
                self.wait = Wait::Random(Drawn::Rotate(store));
                Ok(AdminIo::Random)
            }
        }
    }

    fn backups(&mut self, call: BackupCall, body: &[u8]) -> Result<AdminIo, EdgeError> {
        match call {
            BackupCall::List => {
                let prefix = backups::listing_prefix(self.facts.query.iter().cloned())?;
                self.wait = Wait::Page(Listing::default(), prefix.clone());
                Ok(AdminIo::ListBackups {
                    prefix,
                    cursor: None,
                })
            }
            BackupCall::Start => {
                let target = backups::backup_target(self.facts.content_type.as_deref(), body)?;
                self.wait = Wait::Started;
                Ok(AdminIo::StartBackups(target, BackupReason::Manual))
            }
            BackupCall::Restore(store) => {
                let q = RestoreBackup {
                    store: store.clone(),
                    backup: backups::restore_target(body)?,
                    base_domain: self.facts.platform.base_domain.clone(),
                    local_upstreams: self.facts.platform.development,
                    now_ms: self.facts.now_ms,
                };
                self.ask(Object::Store(store), q, OnReply::Restore)
            }
            BackupCall::RestoreStatus(store) => {
                let q = ShowRestore {
                    now_ms: self.facts.now_ms,
                };
                self.ask(Object::Store(store), q, OnReply::RestoreStatus)
            }
        }
    }

    /// Logs a best-effort step's failure before the next step (the answer stands).
    fn log_failed(&mut self, what: BestEffort, error: String) {
        let failed = BestEffortFailed {
            what,
            store: None,
            error,
        };
        let line = failed.line(self.facts.now_ms, &self.facts.request_id);
        self.queued = Some(AdminIo::Log(line));
    }

    fn take(&mut self) -> Wait {
        std::mem::replace(&mut self.wait, Wait::Nothing)
    }

    fn out_of_turn(what: &str) -> EdgeError {
        EdgeError::internal(format!("the admin run got {what} out of turn"))
    }

    /// The object's reply to [`AdminIo::Ask`] (`Err`: the call broke).
    pub fn on_reply(&mut self, reply: Result<String, String>) {
        let next = match self.take() {
            Wait::Reply(on) => self.replied(on, reply),
            _ => Err(Self::out_of_turn("a reply")),
        };
        self.then(next);
    }

    fn replied(
        &mut self,
        on: OnReply,
        reply: Result<String, String>,
    ) -> Result<AdminIo, EdgeError> {
        match on {
            OnReply::Checked(gate) => {
                let asked = match gate.check {
                    StoreCheck::OwnedBy(_) => wire::read_reply::<CheckOwner>(reply),
                    _ => wire::read_reply::<ShowStore>(reply).map(drop),
                };
                gate.checked(asked)?;
                self.checked(gate)
            }
            OnReply::Shown(read, status) => {
                let text = reply.map_err(EdgeError::internal)?;
                let shown = read(text.as_bytes()).map_err(EdgeError::internal)?;
                Ok(AdminIo::Answer(Reply {
                    status,
                    json: Some(shown?),
                }))
            }
            OnReply::Stores => json(200, &Stores::from(wire::read_reply::<ListStores>(reply)?)),
            OnReply::Created(owner_token) => {
                let store = wire::read_reply::<crate::store::CreateStore>(reply)?;
                json(201, &Created { store, owner_token })
            }
            OnReply::Forgot(store) => {
                let registered = wire::read_reply::<ForgetStore>(reply)?;
                let on = OnReply::Deleted(store.clone(), registered);
                self.ask(Object::Store(store), DeleteStore, on)
            }
            OnReply::Deleted(store, registered) => {
                deleted(&store, registered, wire::read_reply::<DeleteStore>(reply)?)?;
                Ok(no_content())
            }
            OnReply::Recorded => json(201, &wire::read_reply::<RecordAsset>(reply)?),
            OnReply::Unlisted(store) => {
                let unlisted = wire::read_reply::<crate::owner::DeleteAsset>(reply)?;
                if !unlisted.unreferenced {
                    return Ok(no_content());
                }
                let key = asset::r2_key(store.as_str(), &unlisted.file);
                self.queued = Some(AdminIo::DeleteAsset(key.clone()));
                self.wait = Wait::Deleted(key);
                Ok(no_content())
            }
            OnReply::Rotated(owner_token) => {
                wire::read_reply::<RotateOwnerToken>(reply)?;
                json(200, &Rotated { owner_token })
            }
            OnReply::Restore => {
                let status = wire::read_reply::<RestoreBackup>(reply)?;
                json(backups::restore_http_status(&status), &status)
            }
            OnReply::RestoreStatus => json(200, &wire::read_reply::<ShowRestore>(reply)?),
            // The storage is best effort: without the registry's answer the metrics leave
            // it out, and the failure is logged.
            OnReply::Storage => match wire::read_reply::<ShowStorage>(reply) {
                Ok(sizes) => {
                    self.wait = Wait::Metrics(report(sizes.registry_bytes, &sizes.stores));
                    Ok(AdminIo::IsolateMetrics)
                }
                Err(e) => {
                    self.wait = Wait::Metrics(Vec::new());
                    let error = format!("reading store sizes: {e:?}");
                    self.log_failed(BestEffort::StorageSizes, error);
                    Ok(AdminIo::IsolateMetrics)
                }
            },
        }
    }

    /// The body [`AdminIo::ReadBody`] read (or why it could not be).
    pub fn on_body(&mut self, body: Result<Vec<u8>, EdgeError>) {
        let next = match (self.take(), body) {
            (Wait::Body(gate), Ok(body)) => self.call(gate, body),
            (Wait::Body(_), Err(e)) => Err(e),
            _ => Err(Self::out_of_turn("a body")),
        };
        self.then(next);
    }

    /// The bytes [`AdminIo::Random`] drew (or why none could be).
    pub fn on_random(&mut self, random: Result<[u8; 32], String>) {
        let next = match (self.take(), random) {
            (Wait::Random(drawn), Ok(random)) => self.drawn(drawn, random),
            (Wait::Random(_), Err(e)) => Err(EdgeError::internal(e)),
            _ => Err(Self::out_of_turn("randomness")),
        };
        self.then(next);
    }

    /// A fresh owner token: only its hash goes to the object, the token to the caller once.
    fn drawn(&mut self, drawn: Drawn, random: [u8; 32]) -> Result<AdminIo, EdgeError> {
        let owner_token = new_owner_token(random);
        let new_token_hash = hash_token(&owner_token);
        match drawn {
            Drawn::Create(input) => {
                let (slug, create) = plan_create(input, new_token_hash, &self.context())?;
                self.ask(Object::Store(slug), create, OnReply::Created(owner_token))
            }
            Drawn::Rotate(store) => {
                let rotate = RotateOwnerToken {
                    new_token_hash,
                    now_ms: self.facts.now_ms,
                };
                self.ask(Object::Store(store), rotate, OnReply::Rotated(owner_token))
            }
        }
    }

    /// Whether [`AdminIo::PutAsset`] wrote the bytes. Only then is the file listed: bytes
    /// written without a listing are unreachable and the upload can be retried.
    pub fn on_put<E: std::fmt::Display>(&mut self, put: Result<(), E>) {
        let next = match (self.take(), put) {
            (Wait::Put(store, asset), Ok(())) => self.ask(
                Object::Store(store),
                RecordAsset { asset },
                OnReply::Recorded,
            ),
            (Wait::Put(..), Err(e)) => {
                Err(EdgeError::internal(format!("writing the asset to R2: {e}")))
            }
            _ => Err(Self::out_of_turn("a write")),
        };
        self.then(next);
    }

    /// Whether [`AdminIo::DeleteAsset`] deleted the bytes: a failure is logged
    /// (`asset.bytes_undeleted`, with the key) before the answer, which stands.
    pub fn on_deleted<E: std::fmt::Display>(&mut self, deleted: Result<(), E>) {
        match (self.take(), deleted) {
            (Wait::Deleted(_), Ok(())) => {}
            (Wait::Deleted(key), Err(e)) => {
                self.log_failed(BestEffort::AssetDelete, format!("{key}: {e}"));
            }
            _ => self.then(Err(Self::out_of_turn("a deletion"))),
        }
    }

    /// One page of the backup listing: the next page while the listing is not full and more
    /// follow, else the listing, newest first.
    pub fn on_listed(&mut self, page: Result<ListedPage, String>) {
        let next = match (self.take(), page) {
            (Wait::Page(mut listing, prefix), Ok(page)) => {
                for (key, summary) in &page.objects {
                    listing.add(key, summary.as_deref());
                }
                let full = listing.is_full(page.truncated);
                match page.cursor.filter(|_| page.truncated && !full) {
                    Some(cursor) => {
                        self.wait = Wait::Page(listing, prefix.clone());
                        Ok(AdminIo::ListBackups {
                            prefix,
                            cursor: Some(cursor),
                        })
                    }
                    None => json(200, &listing.finish()),
                }
            }
            (Wait::Page(..), Err(e)) => Err(EdgeError::internal(format!("listing backups: {e}"))),
            _ => Err(Self::out_of_turn("a listing")),
        };
        self.then(next);
    }

    /// The stores' answers to [`AdminIo::StartBackups`]: 202 with what started and what
    /// failed; a single store's failure is the answer.
    pub fn on_started(&mut self, answers: Result<Answers, EdgeError>) {
        let next = match (self.take(), answers) {
            (Wait::Started, Ok(answers)) => {
                let single = answers.len() == 1;
                Started::collect(answers, single)
                    .map_err(|e| *e)
                    .and_then(|started| json(202, &started))
            }
            (Wait::Started, Err(e)) => Err(e),
            _ => Err(Self::out_of_turn("backup answers")),
        };
        self.then(next);
    }

    /// [`AdminIo::IsolateMetrics`]' counters: the metrics, with the storage the registry
    /// answered (empty when it did not).
    pub fn on_metrics(&mut self, isolate: IsolateMetrics) {
        let next = match self.take() {
            Wait::Metrics(storage) => json(200, &IsolateReport::of(isolate, storage)),
            _ => Err(Self::out_of_turn("metrics")),
        };
        self.then(next);
    }
}

#[cfg(test)]
#[path = "admin_run_tests.rs"]
mod tests;
