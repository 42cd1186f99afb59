//! What the owner console answers once the store's object has answered a signed-in owner's
//! form, sans-IO: a redirect to the finished action's notice, or the editor again with the
//! refusal the owner can act on (what they typed, each problem, or a message), or an error
//! page. The form → theme mapping is `wandstore_theme::form`; the page is
//! `wandstore_render::ConsoleEditorPage::build`.

// These answer the edge's one error as it renders; it is under clippy's size limit on
// wasm32 (where the Worker runs) but not on a 64-bit host.
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::owner::AssetInfo;
use crate::store::StoreError;
use crate::theme::{PublishDraft, PutDraft, RollbackTheme, ThemeOverview, ThemeVersion};
use crate::wire::AskError;
use serde_json::Value;
use wandstore_core::abuse::Quota;
use wandstore_core::asset::{self, CheckedAsset};
use wandstore_core::console::actions::{AUTHOR, ConsoleNotice, ConsoleRefusal, Done, UploadForm};
use wandstore_core::console::{self, CsrfBinding, SignInGate};
use wandstore_core::owner_access::OwnerSession;

/// A theme problem the editor shows next to its field (`path` is the field's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What the editor shows besides the saved theme: the owner's refused input and its
/// problems, or a notice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditorShown {
    pub theme: Option<Value>,
    pub problems: Vec<Problem>,
    pub notice: Option<ConsoleNotice>,
}

/// What the store's object answered for the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorFacts {
    pub overview: ThemeOverview,
    pub assets: Vec<AssetInfo>,
    pub versions: Vec<ThemeVersion>,
}

/// What a publish form asks the store's object, as the console's author.
pub fn publish(now_ms: u64) -> PublishDraft {
    PublishDraft {
        author: AUTHOR.name().to_owned(),
        now_ms,
    }
}

/// What a rollback form asks the store's object, as the console's author.
pub fn rollback(version: u32, now_ms: u64) -> RollbackTheme {
    RollbackTheme {
        version,
        author: AUTHOR.name().to_owned(),
        now_ms,
    }
}

/// The console's answer to a form.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// 303 to this location.
    SeeOther(String),
    /// The editor again, with this status (a 4xx).
    Editor { status: u16, shown: EditorShown },
}

impl Next {
    /// `GET /console`: the editor, with the notice of a finished action named by `?done=`.
    pub fn home(done: Option<&str>) -> Next {
        Next::Editor {
            status: 200,
            shown: EditorShown {
                notice: Done::notice(done),
                ..EditorShown::default()
            },
        }
    }

    /// The editor with an error the owner can act on: its message and status.
    pub fn refused(e: &EdgeError) -> Next {
        Next::Editor {
            status: e.status,
            shown: EditorShown {
                notice: Some(ConsoleNotice::error(&e.message)),
                ..EditorShown::default()
            },
        }
    }

    /// After publishing or rolling back: the finished action's notice; a refusal the owner
    /// can act on (nothing to publish, no such version) in the editor; anything else an
    /// error page.
    pub fn after_change(
        done: Done,
        asked: Result<(), AskError<StoreError>>,
    ) -> Result<Next, EdgeError> {
        match asked {
            Ok(()) => Ok(Next::SeeOther(done.location())),
            Err(AskError::Refused(
                refusal @ (StoreError::Conflict { .. } | StoreError::Missing { .. }),
            )) => Ok(Next::refused(&EdgeError::from(refusal))),
            Err(e) => Err(e.into()),
        }
    }

    /// The draft the editor's form makes of `base` (the saved draft, published theme or
    /// default), or the editor again (422) with the form's problems over `base`.
    pub fn draft_from_form(
        base: Value,
        fields: &[(String, String)],
        now_ms: u64,
    ) -> Result<(Value, PutDraft), Next> {
        match wandstore_theme::form::apply_form(&base, fields) {
            Ok(doc) => {
                let put = PutDraft {
                    body: doc.to_string(),
                    author: AUTHOR.name().to_owned(),
                    now_ms,
                };
                Ok((doc, put))
            }
            Err(errors) => Err(Next::invalid(
                base,
                errors.into_iter().map(|e| (e.path, e.message)),
            )),
        }
    }

    /// After saving `doc` as the draft: saved, or the editor again (422) showing `doc` with
    /// every problem the store found; anything else an error page.
    pub fn after_draft(
        doc: Value,
        asked: Result<(), AskError<StoreError>>,
    ) -> Result<Next, EdgeError> {
        match asked {
            Ok(()) => Ok(Next::SeeOther(Done::Saved.location())),
            Err(AskError::Refused(StoreError::ThemeInvalid { fields })) => Ok(Next::invalid(
                doc,
                fields.into_iter().map(|p| (p.path, p.message)),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// An upload form's file, its CSRF token checked first (403); a file the store cannot
    /// take (name, type, content) is the editor again with the refusal.
    pub fn checked_upload(
        form: &UploadForm,
        secret: &[u8],
        session: &OwnerSession,
        now_ms: u64,
    ) -> Result<Result<CheckedAsset, Next>, EdgeError> {
        let binding = CsrfBinding::Session(session);
        console::verify(secret, &form.csrf, binding, now_ms).map_err(ConsoleRefusal::from)?;
        let content_type = form.content_type.as_deref();
        Ok(
            asset::check_upload(&form.file_name, content_type, &form.bytes)
                .map_err(|refused| Next::refused(&refused.into())),
        )
    }

    fn invalid(theme: Value, problems: impl Iterator<Item = (String, String)>) -> Next {
        Next::Editor {
            status: 422,
            shown: EditorShown {
                theme: Some(theme),
                problems: problems
                    .map(|(path, message)| Problem { path, message })
                    .collect(),
                notice: None,
            },
        }
    }
}

/// What the sign-in limiter's count means for an attempt: allowed, 429 past the limit, or
/// 503 when the limiter could not answer (fail closed), with what the log line says.
#[derive(Debug, Clone, PartialEq)]
pub struct SignInVerdict {
    pub gate: SignInGate,
    pub refusal: Option<EdgeError>,
    /// The limiter's failure, for the log line only.
    pub log_error: Option<String>,
}

impl SignInVerdict {
    pub fn of<E: std::fmt::Debug>(counted: Result<Quota, E>) -> SignInVerdict {
        let gate = SignInGate::from_count(&counted.as_ref().map(|q| q.allowed));
        let (refusal, log_error) = match (gate, counted) {
            (SignInGate::Allowed, _) => (None, None),
            (SignInGate::Limited, Ok(quota)) => {
                (Some(EdgeError::over_quota("sign_in", &quota)), None)
            }
            (_, counted) => (
                Some(ConsoleRefusal::sign_in_unavailable().into()),
                counted
                    .err()
                    .map(|e| format!("abuse guard (sign-in refused): {e:?}")),
            ),
        };
        SignInVerdict {
            gate,
            refusal,
            log_error,
        }
    }

    /// Notes the limiter and its decision (and a limiter failure) in the request log; the
    /// refusal, if the attempt may not go on.
    pub fn noted_in(self, log: &mut wandstore_core::log::RequestLog) -> Result<(), EdgeError> {
        log.rate_limit = Some("sign_in");
        log.rate_decision = Some(self.gate.name());
        if self.log_error.is_some() {
            log.error = self.log_error;
        }
        self.refusal.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
#[path = "console_step_tests.rs"]
mod tests;
