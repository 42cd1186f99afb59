//! StoreConfig's questions answered from its own rows alone (the record, the theme state,
//! the assets, the theme history, the personalization row), as a sans-IO driver: which rows a
//! question reads, what it answers, what it writes and in which order, and what a failure at
//! any step answers. The object reads, writes and tells the previews; the reply is encoded
//! here.

use crate::backup::{IndexCart, RestoreBackup, ShowRestore, StartBackup};
use crate::owner::{AssetInfo, CheckOwner, DeleteAsset, ListAssets, RecordAsset, RotateOwnerToken};
use crate::personalization::{
    GetPersonalization, Personalize, PutPersonalization, RecordPersonalization,
    ShowPersonalization, SpendBudget,
};
use crate::personalization_row::{PersonalizationColumns, PersonalizationWrites};
use crate::store::{
    CheckoutOrder, CreateStore, DeleteStore, GetSettings, RefreshIfStale, ShowCatalogStatus,
    ShowMetrics, ShowStore, StoreError, StoreQuestion, SyncNow, UpdateStore,
};
use crate::theme::{
    GetDraft, GetFavicon, ListVersions, PublishDraft, PutDraft, RollbackTheme, ShowTheme,
    StoreSnapshot, ThemeVersion,
};
use crate::theme_ledger::{self as ledger, PublishedCopy};
use crate::wire::{Question, encode_refusal, encode_reply};
use std::collections::VecDeque;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_registry::StoreRecord;
use wandstore_storage::store_config::ThemeStateRow;
use wandstore_storage::{Write, json_text, plans};

/// A row (or the object's in-memory copy of one) a question reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The store's record (it exists: `StoreQuestion::needs_store`).
    Record,
    ThemeState,
    Published,
    Assets,
    Versions,
    Personalization,
}

/// A row as the object read it.
#[derive(Debug, Clone)]
pub enum Read {
    Record(StoreRecord),
    ThemeState(ThemeStateRow),
    Published(Option<PublishedCopy>),
    Assets(Vec<AssetInfo>),
    Versions(Vec<ThemeVersion>),
    Personalization(PersonalizationColumns),
}

/// The I/O the run needs next.
#[derive(Debug, Clone)]
pub enum RowAction {
    Read(Need),
    /// Run these writes in order.
    Write(Vec<Write>),
    /// Store the record (and keep it in memory).
    SaveRecord(StoreRecord),
    /// Tell every open preview that the draft changed (best effort: answer `Done`).
    DraftChanged,
    /// The reply's body (`wire::encode_reply`), the last action.
    Done(String),
}

/// What the last action gave.
#[derive(Debug, Clone)]
pub enum RowInput {
    Read(Read),
    /// A write, a save or the previews' note was done.
    Done,
    /// The read or write failed: the run answers this refusal and does nothing more.
    Failed(StoreError),
}

impl From<Result<(), StoreError>> for RowInput {
    fn from(result: Result<(), StoreError>) -> Self {
        result.map_or_else(RowInput::Failed, |()| RowInput::Done)
    }
}

impl From<Result<Read, StoreError>> for RowInput {
    fn from(result: Result<Read, StoreError>) -> Self {
        result.map_or_else(RowInput::Failed, RowInput::Read)
    }
}

/// The rows read so far.
#[derive(Debug, Default)]
struct Rows {
    record: Option<StoreRecord>,
    theme_state: Option<ThemeStateRow>,
    published: Option<Option<PublishedCopy>>,
    assets: Option<Vec<AssetInfo>>,
    versions: Option<Vec<ThemeVersion>>,
    personalization: Option<PersonalizationColumns>,
}

/// A row the run did not read: a bug in the run, never a client's mistake.
fn unread(need: Need) -> StoreError {
    StoreError::Internal {
        message: format!("the row {need:?} was not read"),
    }
}

impl Rows {
    fn has(&self, need: Need) -> bool {
        match need {
            Need::Record => self.record.is_some(),
            Need::ThemeState => self.theme_state.is_some(),
            Need::Published => self.published.is_some(),
            Need::Assets => self.assets.is_some(),
            Need::Versions => self.versions.is_some(),
            Need::Personalization => self.personalization.is_some(),
        }
    }

    fn keep(&mut self, read: Read) {
        match read {
            Read::Record(r) => self.record = Some(r),
            Read::ThemeState(r) => self.theme_state = Some(r),
            Read::Published(r) => self.published = Some(r),
            Read::Assets(r) => self.assets = Some(r),
            Read::Versions(r) => self.versions = Some(r),
            Read::Personalization(r) => self.personalization = Some(r),
        }
    }

    fn record(&self) -> Result<&StoreRecord, StoreError> {
        self.record.as_ref().ok_or_else(|| unread(Need::Record))
    }

    fn theme_state(&self) -> Result<&ThemeStateRow, StoreError> {
        (self.theme_state.as_ref()).ok_or_else(|| unread(Need::ThemeState))
    }

    fn published(&self) -> Result<Option<&PublishedCopy>, StoreError> {
        let published = self
            .published
            .as_ref()
            .ok_or_else(|| unread(Need::Published));
        published.map(Option::as_ref)
    }

    fn assets(&self) -> Result<&[AssetInfo], StoreError> {
        (self.assets.as_deref()).ok_or_else(|| unread(Need::Assets))
    }

    fn personalization(&self) -> Result<&PersonalizationColumns, StoreError> {
        (self.personalization.as_ref()).ok_or_else(|| unread(Need::Personalization))
    }
}

/// One question answered from rows: reads each row it needs, then performs what the answer
/// writes, then answers (a failed read or write answers its refusal and stops there).
#[derive(Debug)]
pub struct RowRun {
    question: StoreQuestion,
    /// The rows it reads, in order.
    needs: &'static [Need],
    now_ms: u64,
    rows: Rows,
    /// What follows the reads, once answered; `None` while reading.
    then: Option<VecDeque<RowAction>>,
}

/// An answer and what it writes, or the refusal (which writes nothing).
type Planned<Q> = Result<(<Q as Question>::Answer, Vec<RowAction>), StoreError>;

fn reply<Q: Question<Error = StoreError>>(planned: Planned<Q>) -> VecDeque<RowAction> {
    match planned {
        Ok((answer, mut then)) => {
            then.push(RowAction::Done(encode_reply::<Q>(&Ok(answer))));
            then.into()
        }
        Err(refused) => VecDeque::from([RowAction::Done(encode_refusal(&refused))]),
    }
}

fn personalization_writes(w: PersonalizationWrites) -> Vec<RowAction> {
    let plan = plans::personalization(w.settings, w.budget, w.counters, w.breakers);
    vec![RowAction::Write(plan)]
}

/// The rows a question reads, in the order they are read; `None` for a question that needs
/// more than rows.
/// The questions that need more than the object's rows (a sync, R2, Shopify, the registry,
/// a driver of their own): what [`RowRun::new`] hands back, so the object's match over them is
/// exhaustive.
#[derive(Debug, Clone)]
pub enum NotRowQuestion {
    Catalog(CatalogQuestion),
    Checkout(CheckoutOrder),
    Create(CreateStore),
    Update(UpdateStore),
    Delete(DeleteStore),
    Sync(SyncNow),
    Status(ShowCatalogStatus),
    Refresh(RefreshIfStale),
    Metrics(ShowMetrics),
    Publish(PublishDraft),
    Rollback(RollbackTheme),
    StartBackup(StartBackup),
    Restore(RestoreBackup),
    ShowRestore(ShowRestore),
    Personalize(Personalize),
}

/// The rows `question` reads, or the question as one that needs more than rows.
#[allow(clippy::result_large_err)] // not an error: the question, handed back unmoved
fn sort(question: StoreQuestion) -> Result<(StoreQuestion, &'static [Need]), NotRowQuestion> {
    use Need::*;
    use NotRowQuestion as Not;
    use StoreQuestion as Q;
    Ok(match question {
        q @ Q::Settings(_) => (q, &[Record, Published, Personalization]),
        q @ (Q::Show(_) | Q::CheckOwner(_) | Q::RotateOwner(_)) => (q, &[Record]),
        q @ (Q::ListAssets(_) | Q::PutDraft(_)) => (q, &[Assets]),
        q @ Q::DeleteAsset(_) => (q, &[Assets, Published]),
        q @ (Q::ShowTheme(_) | Q::Draft(_)) => (q, &[ThemeState, Published]),
        q @ Q::Versions(_) => (q, &[Versions]),
        q @ Q::Favicon(_) => (q, &[Published]),
        q @ (Q::RecordAsset(_) | Q::IndexCart(_) | Q::PutPersonalization(_)) => (q, &[]),
        q @ (Q::GetPersonalization(_)
        | Q::SpendBudget(_)
        | Q::RecordPersonalization(_)
        | Q::ShowPersonalization(_)) => (q, &[Personalization]),
        // Exhaustive, so a new question is placed here on purpose.
        Q::Catalog(q) => return Err(Not::Catalog(q)),
        Q::Checkout(q) => return Err(Not::Checkout(q)),
        Q::Create(q) => return Err(Not::Create(q)),
        Q::Update(q) => return Err(Not::Update(q)),
        Q::Delete(q) => return Err(Not::Delete(q)),
        Q::Sync(q) => return Err(Not::Sync(q)),
        Q::Status(q) => return Err(Not::Status(q)),
        Q::Refresh(q) => return Err(Not::Refresh(q)),
        Q::Metrics(q) => return Err(Not::Metrics(q)),
        Q::Publish(q) => return Err(Not::Publish(q)),
        Q::Rollback(q) => return Err(Not::Rollback(q)),
        Q::StartBackup(q) => return Err(Not::StartBackup(q)),
        Q::Restore(q) => return Err(Not::Restore(q)),
        Q::ShowRestore(q) => return Err(Not::ShowRestore(q)),
        Q::Personalize(q) => return Err(Not::Personalize(q)),
    })
}

impl RowRun {
    /// The run for `question` at `now_ms`, or the question back if it needs more than rows.
    #[allow(clippy::result_large_err)] // not an error: the question, handed back unmoved
    pub fn new(question: StoreQuestion, now_ms: u64) -> Result<RowRun, NotRowQuestion> {
        let (question, needs) = sort(question)?;
        Ok(RowRun {
            question,
            needs,
            now_ms,
            rows: Rows::default(),
            then: None,
        })
    }

    /// The next action.
    pub fn poll(&mut self) -> RowAction {
        if self.then.is_none() {
            if let Some(need) = self.needs.iter().find(|n| !self.rows.has(**n)) {
                return RowAction::Read(*need);
            }
            self.then = Some(self.answer());
        }
        let then = self.then.get_or_insert_with(VecDeque::new);
        then.pop_front()
            .unwrap_or_else(|| RowAction::Done(encode_refusal(&internal(&"answered already"))))
    }

    /// What the last action gave.
    pub fn on_result(&mut self, input: RowInput) {
        match input {
            RowInput::Read(read) => self.rows.keep(read),
            RowInput::Done => {}
            RowInput::Failed(e) => {
                self.then = Some(VecDeque::from([RowAction::Done(encode_refusal(&e))]));
            }
        }
    }

    /// The answer over the rows read, with what it writes.
    fn answer(&self) -> VecDeque<RowAction> {
        let (r, now) = (&self.rows, self.now_ms);
        match &self.question {
            StoreQuestion::Settings(q) => reply::<GetSettings>(r.snapshot(q)),
            StoreQuestion::Show(_) => reply::<ShowStore>(r.record().map(|s| (s.public(), vec![]))),
            StoreQuestion::CheckOwner(q) => reply::<CheckOwner>(r.check_owner(q)),
            StoreQuestion::RotateOwner(q) => reply::<RotateOwnerToken>(r.rotate_owner(q)),
            StoreQuestion::RecordAsset(q) => reply::<RecordAsset>(record_asset(q)),
            StoreQuestion::ListAssets(_) => {
                reply::<ListAssets>(r.assets().map(|a| (a.to_vec(), vec![])))
            }
            StoreQuestion::DeleteAsset(q) => reply::<DeleteAsset>(r.delete_asset(q)),
            StoreQuestion::ShowTheme(_) => reply::<ShowTheme>(r.overview()),
            StoreQuestion::PutDraft(q) => reply::<PutDraft>(r.put_draft(q)),
            StoreQuestion::Versions(_) => reply::<ListVersions>(r.versions()),
            StoreQuestion::Draft(_) => reply::<GetDraft>(r.draft()),
            StoreQuestion::Favicon(_) => reply::<GetFavicon>(r.favicon()),
            StoreQuestion::IndexCart(q) => {
                reply::<IndexCart>(Ok(((), vec![RowAction::Write(vec![q.write(now)])])))
            }
            StoreQuestion::GetPersonalization(_) => {
                let settings = r.personalization().and_then(|p| p.settings());
                reply::<GetPersonalization>(settings.map(|s| (s, vec![])))
            }
            StoreQuestion::PutPersonalization(q) => {
                let writes = PersonalizationColumns::put_settings(&q.settings);
                let then = writes.map(personalization_writes);
                reply::<PutPersonalization>(then.map(|w| (q.settings.clone(), w)))
            }
            StoreQuestion::SpendBudget(q) => {
                let spent = r.personalization().and_then(|p| p.spend(q.now_ms));
                reply::<SpendBudget>(spent.map(|(g, w)| (g, personalization_writes(w))))
            }
            StoreQuestion::RecordPersonalization(q) => {
                let writes = r.personalization().and_then(|p| p.record(q));
                reply::<RecordPersonalization>(writes.map(|w| ((), personalization_writes(w))))
            }
            StoreQuestion::ShowPersonalization(q) => {
                let report = r.personalization().and_then(|p| p.report(q.now_ms));
                reply::<ShowPersonalization>(report.map(|report| (report, vec![])))
            }
            // `new` runs only the questions `needs` knows.
            _ => VecDeque::from([RowAction::Done(encode_refusal(&internal(
                &"not a row question",
            )))]),
        }
    }
}

/// Lists an uploaded asset under its name (replacing what the name pointed at).
fn record_asset(q: &RecordAsset) -> Planned<RecordAsset> {
    let json = json_text(&q.asset).map_err(|e| internal(&e))?;
    let write = plans::record_asset(&q.asset.name, &q.asset.file, json);
    Ok((q.asset.clone(), vec![RowAction::Write(vec![write])]))
}

impl Rows {
    /// Settings and the published theme (its body only if the asker lacks it).
    fn snapshot(&self, q: &GetSettings) -> Planned<GetSettings> {
        let published = self.published()?.map(PublishedCopy::parts);
        let snapshot = StoreSnapshot {
            settings: self.record()?.settings(),
            theme: ledger::slot_for(published, q.have_theme),
            personalization: self.personalization()?.settings()?,
        };
        Ok((snapshot, vec![]))
    }

    /// `()` if the credential is the owner's; `Forbidden` otherwise.
    fn check_owner(&self, q: &CheckOwner) -> Planned<CheckOwner> {
        let owner = q.credential.matches(&self.record()?.owner_token_hash);
        owner.then_some(((), vec![])).ok_or(StoreError::Forbidden)
    }

    /// The record with the new owner token's hash, to save.
    fn rotate_owner(&self, q: &RotateOwnerToken) -> Planned<RotateOwnerToken> {
        let record = self.record()?.clone();
        let rotated = record.with_owner_token(&q.new_token_hash, q.now_ms);
        Ok(((), vec![RowAction::SaveRecord(rotated)]))
    }

    /// Forgets an asset, unless the published theme uses its file.
    fn delete_asset(&self, q: &DeleteAsset) -> Planned<DeleteAsset> {
        let used = (self.published()?).map(|p| p.theme.asset_files_used());
        let used = used.unwrap_or_default();
        let deleted = q.plan(self.assets()?, |file| used.contains(file))?;
        Ok((
            deleted,
            vec![RowAction::Write(vec![plans::delete_asset(&q.name)])],
        ))
    }

    /// Published and draft, as the owner API shows them.
    fn overview(&self) -> Planned<ShowTheme> {
        let row = self.theme_state()?;
        let published = self.published()?.map(PublishedCopy::parts);
        let (draft, meta) = (row.draft.as_deref(), row.draft_meta.as_deref());
        Ok((ledger::overview(published, draft, meta)?, vec![]))
    }

    /// The draft validated against the assets, saved, then the previews told.
    fn put_draft(&self, q: &PutDraft) -> Planned<PutDraft> {
        let write = ledger::plan_draft(&q.body, self.assets()?, &q.author, q.now_ms)?;
        let set = plans::set_draft(write.body, write.meta_json);
        let then = vec![RowAction::Write(vec![set]), RowAction::DraftChanged];
        Ok((write.answer, then))
    }

    fn versions(&self) -> Planned<ListVersions> {
        let versions = self
            .versions
            .clone()
            .ok_or_else(|| unread(Need::Versions))?;
        Ok((versions, vec![]))
    }

    /// The draft for a preview page (or the published theme when there is none).
    fn draft(&self) -> Planned<GetDraft> {
        let row = self.theme_state()?.clone();
        let version = self.published()?.map(|p| p.version);
        Ok((
            ledger::preview_slot(version, row.draft, row.published_body),
            vec![],
        ))
    }

    /// The published theme's favicon file.
    fn favicon(&self) -> Planned<GetFavicon> {
        let favicon = self.published()?.and_then(|p| p.theme.favicon.clone());
        Ok((favicon, vec![]))
    }
}

fn internal(e: &impl std::fmt::Display) -> StoreError {
    StoreError::Internal {
        message: e.to_string(),
    }
}

#[cfg(test)]
#[path = "store_rows_tests.rs"]
mod tests;
