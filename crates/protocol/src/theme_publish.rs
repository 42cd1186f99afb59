//! A publish (of the draft, or a rollback to an earlier version) as a sans-IO driver: what
//! StoreConfig reads and writes, in which order, and what it answers. The object holds a
//! store's publishes to one at a time and performs each [`PublishAction`] (the R2 get and put
//! are StoreConfig's shared I/O, `store_io::Effect`); the rules of the version itself are
//! [`ThemeLedger`]'s. As a [`StoreDriver`], the commit is `Effect::WriteTheme` (the object
//! reads the published copy again after it).
//!
//! ```text
//!   draft:    Start ─► Put(body, only if the key is free) ─► Commit(history row + pointer) ─► Done
//!   rollback: Start ─► Get(the version's body) ─► Put ─► Commit ─► Done
//!   a failed Get/Put/Commit, a taken key, a publish in flight: Done(refusal), nothing written after it
//! ```

use crate::store::StoreError;
use crate::theme::{Published, ThemeVersion};
use crate::theme_ledger::{BODY_CONTENT_TYPE, ThemeLedger, VersionWrite, publish_in_progress};
use wandstore_backup::store_io::{Action, Bucket, Effect, IoResult, ObjectPut, StoreDriver};
use wandstore_storage::plans;

/// What the object does next.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishAction {
    /// Get the rollback's source from THEMES, or put the version's body only if no object
    /// has its key (its metadata and digest with it).
    Do(Effect),
    /// Write the history row and the published pointer in one transaction
    /// (`storage::plans::publish_theme`), then hold the version as the published copy.
    Commit(Box<VersionWrite>),
    /// Finished.
    Done(Result<Published, StoreError>),
}

/// How the last action went.
#[derive(Debug, Clone)]
pub enum PublishInput {
    Start,
    /// What the get (the body, `None`: no such object) or the put (`Ok`, or `Taken`
    /// meanwhile) gave, or why R2 failed.
    Io(IoResult<StoreError>),
    /// The transaction's result.
    Committed(Result<(), StoreError>),
}

#[derive(Debug, Clone)]
enum Source {
    Draft(Option<String>),
    Rollback(u32),
}

/// One publish of a store.
#[derive(Debug, Clone)]
pub struct PublishRun {
    store: String,
    history: Vec<ThemeVersion>,
    publishing: bool,
    author: String,
    now_ms: u64,
    source: Source,
    write: Option<VersionWrite>,
    /// What the next [`StoreDriver::poll`] steps with (`None`: nothing was fed back).
    fed: Option<PublishInput>,
    /// The last effect asked for was the commit.
    committing: bool,
}

impl PublishRun {
    /// Publishing the `draft` (`None`: there is none) over `history` (newest first);
    /// `publishing`: another publish of the store is in flight.
    pub fn draft(
        ledger: ThemeLedger<'_>,
        draft: Option<String>,
        author: &str,
        now_ms: u64,
    ) -> Self {
        Self::new(ledger, Source::Draft(draft), author, now_ms)
    }

    /// Publishing `version`'s body again as a new version.
    pub fn rollback(ledger: ThemeLedger<'_>, version: u32, author: &str, now_ms: u64) -> Self {
        Self::new(ledger, Source::Rollback(version), author, now_ms)
    }

    fn new(ledger: ThemeLedger<'_>, source: Source, author: &str, now_ms: u64) -> Self {
        PublishRun {
            store: ledger.store.to_owned(),
            history: ledger.history.to_vec(),
            publishing: ledger.publishing,
            author: author.to_owned(),
            now_ms,
            source,
            write: None,
            fed: Some(PublishInput::Start),
            committing: false,
        }
    }

    fn ledger(&self) -> ThemeLedger<'_> {
        ThemeLedger {
            store: &self.store,
            history: &self.history,
            publishing: self.publishing,
        }
    }

    /// The next action after `input`.
    pub fn step(&mut self, input: PublishInput) -> PublishAction {
        match self.advance(input) {
            Ok(action) => action,
            Err(refusal) => PublishAction::Done(Err(refusal)),
        }
    }

    fn advance(&mut self, input: PublishInput) -> Result<PublishAction, StoreError> {
        let (author, now) = (self.author.as_str(), self.now_ms);
        let write = match (input, &self.source) {
            (PublishInput::Start, Source::Draft(draft)) => {
                self.ledger().publish_draft(draft.as_deref(), author, now)?
            }
            (PublishInput::Start, Source::Rollback(version)) => {
                self.ledger().check_free()?;
                let key = self.ledger().rollback_source(*version)?;
                let get = Effect::Get {
                    bucket: Bucket::Themes,
                    key,
                };
                return Ok(PublishAction::Do(get));
            }
            (PublishInput::Io(put), _) if self.write.is_some() => {
                let write = self.write.as_ref().ok_or_else(out_of_order)?;
                return match put {
                    IoResult::Ok => Ok(PublishAction::Commit(Box::new(write.clone()))),
                    IoResult::Taken => Err(write.taken()),
                    IoResult::Failed(e) => Err(e),
                    _ => Err(out_of_order()),
                };
            }
            (PublishInput::Io(got), Source::Rollback(version)) => {
                let fetched = match got {
                    IoResult::File(file) => file.map(|f| String::from_utf8_lossy(&f).into_owned()),
                    IoResult::Failed(e) => return Err(e),
                    _ => return Err(out_of_order()),
                };
                (self.ledger()).rollback(*version, fetched.as_deref(), author, now)?
            }
            (PublishInput::Committed(done), _) => {
                done?;
                let write = self.write.as_ref().ok_or_else(out_of_order)?;
                return Ok(PublishAction::Done(Ok(write.answer())));
            }
            (PublishInput::Io(_), Source::Draft(_)) => return Err(out_of_order()),
        };
        let put = ObjectPut {
            bucket: Bucket::Themes,
            key: write.key.clone(),
            bytes: write.body.clone().into_bytes(),
            content_type: BODY_CONTENT_TYPE,
            metadata: write.metadata.iter().cloned().collect(),
            sha256: Some(write.digest),
            only_if_new: true,
        };
        self.write = Some(write);
        Ok(PublishAction::Do(Effect::Put(Box::new(put))))
    }
}

impl StoreDriver<StoreError> for PublishRun {
    type Done = Result<Published, StoreError>;

    fn poll(&mut self, _now_ms: u64) -> Action<Self::Done> {
        let Some(input) = self.fed.take() else {
            return Action::Done(Err(out_of_order()));
        };
        self.committing = false;
        match self.step(input) {
            PublishAction::Do(effect) => Action::Do(effect),
            PublishAction::Commit(write) => {
                self.committing = true;
                let (version, json) = (write.record.version, write.record_json);
                Action::Do(Effect::WriteTheme(plans::publish_theme(
                    version, json, write.body,
                )))
            }
            PublishAction::Done(result) => Action::Done(result),
        }
    }

    fn feed(&mut self, result: IoResult<StoreError>) {
        self.fed = Some(match (self.committing, result) {
            (true, IoResult::Ok) => PublishInput::Committed(Ok(())),
            (true, IoResult::Failed(e)) => PublishInput::Committed(Err(e)),
            (_, other) => PublishInput::Io(other),
        });
    }

    fn elsewhere() -> Self::Done {
        Err(publish_in_progress())
    }
}

fn out_of_order() -> StoreError {
    StoreError::Internal {
        message: "a publish step came out of order".into(),
    }
}

#[cfg(test)]
#[path = "theme_publish_tests.rs"]
mod tests;
