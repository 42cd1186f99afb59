//! A publish (of the draft, or a rollback to an earlier version) as a sans-IO driver: what
//! StoreConfig reads and writes, in which order, and what it answers. The object holds a
//! store's publishes to one at a time and performs each [`PublishAction`]; the rules of the
//! version itself are [`ThemeLedger`]'s.
//!
//! ```text
//!   draft:    Start ─► Put(body, only if the key is free) ─► Commit(history row + pointer) ─► Done
//!   rollback: Start ─► Get(the version's body) ─► Put ─► Commit ─► Done
//!   a failed Get/Put/Commit, a taken key, a publish in flight: Done(refusal), nothing written after it
//! ```

use crate::store::StoreError;
use crate::theme::{Published, ThemeVersion};
use crate::theme_ledger::{ThemeLedger, VersionWrite, r2_unavailable};

/// What the object does next.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishAction {
    /// Read this R2 object's body (a rollback's source).
    Get { key: String },
    /// Write the version's body to R2 only if no object has its key (its metadata and digest
    /// with it).
    Put(Box<VersionWrite>),
    /// Write the history row and the published pointer in one transaction
    /// (`storage::plans::publish_theme`), then hold the version as the published copy.
    Commit(Box<VersionWrite>),
    /// Finished.
    Done(Result<Published, StoreError>),
}

/// How the last action went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishInput {
    Start,
    /// The body read (`None`: no such object), or why R2 failed.
    Got(Result<Option<String>, String>),
    /// Whether R2 took the body (`false`: the key was taken meanwhile), or why it failed.
    Put(Result<bool, String>),
    /// The transaction's result.
    Committed(Result<(), String>),
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
                return Ok(PublishAction::Get { key });
            }
            (PublishInput::Got(got), Source::Rollback(version)) => {
                let fetched = got.map_err(r2_unavailable)?;
                (self.ledger()).rollback(*version, fetched.as_deref(), author, now)?
            }
            (PublishInput::Put(put), _) => {
                let write = self.write.as_ref().ok_or_else(out_of_order)?;
                if !put.map_err(r2_unavailable)? {
                    return Err(write.taken());
                }
                return Ok(PublishAction::Commit(Box::new(write.clone())));
            }
            (PublishInput::Committed(done), _) => {
                done.map_err(|message| StoreError::Internal { message })?;
                let write = self.write.as_ref().ok_or_else(out_of_order)?;
                return Ok(PublishAction::Done(Ok(write.answer())));
            }
            (PublishInput::Got(_), Source::Draft(_)) => return Err(out_of_order()),
        };
        self.write = Some(write.clone());
        Ok(PublishAction::Put(Box::new(write)))
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
