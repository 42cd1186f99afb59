//! One owner-console request as a sans-IO driver: [`ConsoleDriver::poll`] says which I/O
//! the request needs next ([`Io`]: count a sign-in attempt, read the body, ask the store's
//! object an encoded question, write a file, draw a nonce) and the `on_…`
//! methods take its result, until it answers ([`Io::Answer`]: a redirect or a page with what
//! it shows, and the cookies to set) or fails ([`Io::Failed`]: the error page). The order is
//! the rule: a sign-in is counted before its form is read; every other request's session is
//! checked with its store before its form; an upload is listed only once written; the
//! editor's theme, files and versions are read in turn. The Worker performs each step
//! (`console/mod.rs`) and renders the answer.

// These answer the edge's one error as it renders; it is under clippy's size limit on
// wasm32 (where the Worker runs) but not on a 64-bit host.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

use crate::EdgeError;
use crate::admin_call::PreviewLink;
use crate::console_step::{self, EditorFacts, EditorShown, Next, SignInVerdict};
use crate::entry_route::ClientHeaders;
use crate::owner::{AssetInfo, CheckOwner, ListAssets, OwnerCredential, PutAsset, RecordAsset};
use crate::store::{StoreError, StoreQuestion};
use crate::theme::{ListVersions, PublishDraft, PutDraft, RollbackTheme, ShowTheme};
use crate::theme::{ThemeOverview, ThemeVersion};
use crate::wire::{self, AskError, Question};
use std::rc::Rc;
use wandstore_core::abuse::Quota;
use wandstore_core::console::actions::{
    self, Action, ConsoleNotice, Done, FormBody, Presented, SignInAttempt, SignInRefused,
    SignedOut, UploadForm,
};
use wandstore_core::console::{self as rules, CsrfBinding, SignInLimit};
use wandstore_core::identity::{CookieScope, CookieSigner, WeakSecret};
use wandstore_core::limits::BodyKind;
use wandstore_core::log::RequestLog;
use wandstore_core::owner_access::{OwnerSession, SESSION_TTL_MS};
use wandstore_core::routes::ConsoleRoute;
use wandstore_core::store::StoreSlug;

type Asked<T> = Result<T, AskError<StoreError>>;

/// The platform's keys the console signs with.
pub struct ConsoleKeys {
    pub signer: Rc<CookieSigner>,
    pub csrf: Vec<u8>,
}

impl ConsoleKeys {
    /// Both keys, or 503 (the console is not configured) for a missing or weak secret.
    pub fn of(
        signer: Result<Rc<CookieSigner>, WeakSecret>,
        csrf: Option<Vec<u8>>,
    ) -> Result<ConsoleKeys, EdgeError> {
        let unset = |why: String| {
            EdgeError::misconfigured("config", "the console is not configured yet", why)
        };
        let signer = signer.map_err(|weak| unset(weak.to_string()))?;
        let csrf = csrf.ok_or_else(|| unset("no cookie secret".into()))?;
        Ok(ConsoleKeys { signer, csrf })
    }
}

/// What the request brings besides its body.
pub struct Facts {
    pub route: ConsoleRoute,
    /// The request's URL: its scheme and host say whether cookies need `Secure` (everywhere
    /// but plain-HTTP localhost), its `?done=` a finished action's notice.
    pub url: String,
    /// The `Cookie` header (empty if none).
    pub cookies: String,
    /// The request's `Content-Type`.
    pub content_type: Option<String>,
    /// `CF-Connecting-IP`, for the sign-in limit's key.
    pub client_ip: Option<String>,
    /// The sign-in limit (`core::platform_env`'s).
    pub limit: SignInLimit,
    pub now_ms: u64,
}

impl Facts {
    /// A request's facts, with the `Cookie`, `Content-Type` and `CF-Connecting-IP` it sent.
    pub fn of(
        route: ConsoleRoute,
        url: String,
        headers: &ClientHeaders,
        limit: SignInLimit,
        now_ms: u64,
    ) -> Facts {
        let header = |name: &str| headers.get(name).map(str::to_owned);
        Facts {
            route,
            url,
            cookies: header("cookie").unwrap_or_default(),
            content_type: header("content-type"),
            client_ip: header("cf-connecting-ip"),
            limit,
            now_ms,
        }
    }
}

/// A change a form asks of the store's object.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Draft(PutDraft),
    Publish(PublishDraft),
    Rollback(RollbackTheme),
    /// List an uploaded file once its bytes are written.
    Asset(RecordAsset),
}

impl Change {
    fn encode(&self) -> Result<String, wire::MalformedMessage> {
        match self.clone() {
            Change::Draft(q) => wire::encode_question(q),
            Change::Publish(q) => wire::encode_question(q),
            Change::Rollback(q) => wire::encode_question(q),
            Change::Asset(q) => wire::encode_question(q),
        }
    }

    /// Whether the object's reply says it was done (its answer is not needed).
    fn done(&self, reply: Result<String, String>) -> Asked<()> {
        match self {
            Change::Draft(_) => wire::read_reply::<PutDraft>(reply).map(drop),
            Change::Publish(_) => wire::read_reply::<PublishDraft>(reply).map(drop),
            Change::Rollback(_) => wire::read_reply::<RollbackTheme>(reply).map(drop),
            Change::Asset(_) => wire::read_reply::<RecordAsset>(reply).map(drop),
        }
    }
}

/// What the console answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// 303 to `location`.
    SeeOther {
        location: String,
        cookies: Vec<String>,
    },
    /// The sign-in page, its form's CSRF token bound to the browser's nonce.
    SignIn {
        status: u16,
        store: String,
        notice: Option<ConsoleNotice>,
        csrf: String,
        cookies: Vec<String>,
    },
    /// The editor.
    Editor(EditorAnswer),
}

/// The editor of `store` with what its object answered, its preview frame on the console's
/// own origin.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorAnswer {
    pub store: StoreSlug,
    pub status: u16,
    pub shown: EditorShown,
    pub csrf: String,
    pub preview: PreviewLink,
    pub facts: EditorFacts,
}

/// One sign-in attempt to count under `key`: at most `attempts` per `window_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInCount {
    pub key: String,
    pub attempts: u32,
    pub window_ms: u64,
}

/// The I/O the request needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum Io {
    /// Count a sign-in attempt with the AbuseGuard ([`ConsoleDriver::on_counted`]).
    CountSignIn(SignInCount),
    /// Read the body's bytes within `kind` ([`ConsoleDriver::on_body`]; a form's type is
    /// checked before).
    ReadBody(BodyKind),
    /// Post the encoded question to `store`'s object ([`ConsoleDriver::on_reply`]).
    Ask(StoreSlug, String),
    /// Write the file's bytes to R2 ([`ConsoleDriver::on_put`]).
    PutAsset(PutAsset),
    /// 16 fresh random bytes for a browser nonce ([`ConsoleDriver::on_random`]).
    Random,
    Answer(Answer),
    Failed(EdgeError),
}

enum State {
    Start,
    Counting(SignInCount),
    /// Reading the form (of the signed-in owner, or the sign-in form).
    ReadingForm(Option<OwnerSession>),
    SignInForm(Vec<(String, String)>),
    Attempted(SignInAttempt),
    /// The sign-in page once the browser has a nonce.
    SignInPage {
        status: u16,
        store: String,
        notice: Option<ConsoleNotice>,
        cookies: Vec<String>,
    },
    SessionAsked(OwnerSession),
    SignedIn(OwnerSession),
    ReadingUpload(OwnerSession),
    Form(OwnerSession, Vec<(String, String)>),
    DraftBase(OwnerSession, Vec<(String, String)>),
    /// A change asked of the store; `draft`: the saved document.
    Changing {
        session: OwnerSession,
        done: Done,
        draft: Option<serde_json::Value>,
        change: Change,
    },
    Uploaded(OwnerSession, UploadForm),
    /// The upload's bytes going to R2 (`io` until it is handed out), then its listing.
    Writing {
        session: OwnerSession,
        asset: AssetInfo,
        io: Option<Io>,
    },
    Next(OwnerSession, Next),
    /// The editor's facts, read one question at a time.
    Editor(Box<EditorReads>),
    Out(Io),
}

/// The editor's page while its facts are read.
struct EditorReads {
    session: OwnerSession,
    status: u16,
    shown: EditorShown,
    overview: Option<ThemeOverview>,
    assets: Option<Vec<AssetInfo>>,
}

/// One console request's steps.
pub struct ConsoleDriver {
    facts: Facts,
    keys: ConsoleKeys,
    state: State,
    /// Whether cookies need `Secure`.
    secure: bool,
    /// `?done=`.
    done: Option<String>,
}

fn failed(why: &str) -> State {
    State::Out(Io::Failed(EdgeError::internal(format!(
        "console driver: {why}"
    ))))
}

impl ConsoleDriver {
    pub fn new(facts: Facts, keys: ConsoleKeys) -> ConsoleDriver {
        let secure = CookieScope::of_url(rules::COOKIE_PATH, &facts.url).secure;
        let query = wandstore_core::query::pairs(wandstore_core::query::of_url(&facts.url));
        let done = query.into_iter().find(|(k, _)| k == "done").map(|(_, v)| v);
        ConsoleDriver {
            facts,
            keys,
            state: State::Start,
            secure,
            done,
        }
    }

    fn ct(&self) -> Option<&str> {
        self.facts.content_type.as_deref()
    }

    /// The signed-in owner's store, once the session holds (for the log line).
    fn store(&self) -> Option<&StoreSlug> {
        match &self.state {
            State::SignedIn(s)
            | State::ReadingUpload(s)
            | State::ReadingForm(Some(s))
            | State::Form(s, _)
            | State::DraftBase(s, _)
            | State::Uploaded(s, _)
            | State::Next(s, _)
            | State::Changing { session: s, .. }
            | State::Writing { session: s, .. } => Some(&s.store),
            State::Editor(reads) => Some(&reads.session.store),
            _ => None,
        }
    }

    /// The I/O needed next: the same until its result is given, then the next one; an
    /// answer or a failure is the last.
    pub fn poll(&mut self) -> Io {
        loop {
            if let Some(io) = self.io() {
                return io;
            }
            let state = std::mem::replace(&mut self.state, State::Start);
            self.state = self.decide(state);
        }
    }

    /// The I/O the state waits for, if it waits for one.
    fn io(&mut self) -> Option<Io> {
        Some(match &mut self.state {
            State::Counting(count) => Io::CountSignIn(count.clone()),
            // Another type is refused before a byte is read.
            State::ReadingForm(_) => match FormBody::of(self.facts.route) {
                FormBody::UrlEncoded(kind) => match actions::require_form(self.ct()) {
                    Ok(()) => Io::ReadBody(kind),
                    Err(refused) => {
                        let io = Io::Failed(refused.into());
                        self.state = State::Out(io.clone());
                        io
                    }
                },
                _ => {
                    let route = self.facts.route;
                    self.state = failed(&format!("{route:?} has no url-encoded form"));
                    return None;
                }
            },
            State::ReadingUpload(_) => Io::ReadBody(BodyKind::Asset),
            State::Attempted(attempt) => {
                let credential = OwnerCredential::TokenHash(attempt.token_hash.clone());
                ask(&attempt.store, CheckOwner { credential })
            }
            State::SessionAsked(session) => {
                let credential = OwnerCredential::SessionFingerprint(session.fingerprint.clone());
                ask(&session.store, CheckOwner { credential })
            }
            State::SignInPage { .. } if actions::browser_nonce(&self.facts.cookies).is_none() => {
                Io::Random
            }
            State::DraftBase(session, _) => ask(&session.store, ShowTheme),
            State::Changing {
                session, change, ..
            } => match change.encode() {
                Ok(question) => Io::Ask(session.store.clone(), question),
                Err(e) => Io::Failed(EdgeError::internal(e)),
            },
            State::Editor(reads) => match (&reads.overview, &reads.assets) {
                (None, _) => ask(&reads.session.store, ShowTheme),
                (Some(_), None) => ask(&reads.session.store, ListAssets),
                (Some(_), Some(_)) => ask(&reads.session.store, ListVersions),
            },
            State::Writing { io, .. } => match io.take() {
                Some(io) => io,
                None => Io::Failed(EdgeError::internal(
                    "console driver: a change was not answered",
                )),
            },
            State::Out(io) => io.clone(),
            _ => return None,
        })
    }

    /// The state after a decision that needs no I/O.
    fn decide(&self, state: State) -> State {
        let now = self.facts.now_ms;
        match state {
            State::Start if self.facts.route == ConsoleRoute::SignIn => {
                let limit = self.facts.limit;
                let who = wandstore_core::rate_limit::client_key(self.facts.client_ip.as_deref());
                State::Counting(SignInCount {
                    key: SignInLimit::key(who.as_deref()),
                    attempts: limit.attempts,
                    window_ms: limit.window_ms,
                })
            }
            State::Start => match Presented::read(&self.facts.cookies, &self.keys.signer, now) {
                Presented::Claimed(session) => State::SessionAsked(session),
                Presented::Ended => self.signed_out(true),
                Presented::None => self.signed_out(false),
            },
            State::SignInForm(fields) => {
                let nonce = actions::browser_nonce(&self.facts.cookies);
                match actions::read_sign_in(&fields, nonce.as_deref(), &self.keys.csrf, now) {
                    Ok(attempt) => State::Attempted(attempt),
                    Err(refused) => refused_page(refused),
                }
            }
            State::SignInPage {
                status,
                store,
                notice,
                cookies,
            } => match actions::browser_nonce(&self.facts.cookies) {
                Some(nonce) => self.sign_in_page(&nonce, status, store, notice, cookies),
                None => failed("a sign-in page without a nonce"),
            },
            State::SignedIn(session) => match self.facts.route {
                ConsoleRoute::Home => State::Next(session, Next::home(self.done.as_deref())),
                ConsoleRoute::Upload => State::ReadingUpload(session),
                _ => State::ReadingForm(Some(session)),
            },
            State::Form(session, fields) => self.act(session, fields),
            State::Uploaded(session, form) => {
                match Next::checked_upload(&form, &self.keys.csrf, &session, now) {
                    Ok(Ok(checked)) => {
                        let asset = AssetInfo::from_checked(&checked, now);
                        let put = PutAsset::of(&session.store, checked, form.bytes);
                        let io = Some(Io::PutAsset(put));
                        State::Writing { session, asset, io }
                    }
                    Ok(Err(refused)) => State::Next(session, refused),
                    Err(e) => State::Out(Io::Failed(e)),
                }
            }
            State::Next(_, Next::SeeOther(location)) => State::Out(Io::Answer(Answer::SeeOther {
                location,
                cookies: Vec::new(),
            })),
            State::Next(session, Next::Editor { status, shown }) => {
                State::Editor(Box::new(EditorReads {
                    session,
                    status,
                    shown,
                    overview: None,
                    assets: None,
                }))
            }
            _ => failed("a step was not given its result"),
        }
    }

    /// A signed-in owner's form: its CSRF token and fields checked, then what it asks.
    fn act(&self, session: OwnerSession, fields: Vec<(String, String)>) -> State {
        let now = self.facts.now_ms;
        let read = Action::read(self.facts.route, &fields, &self.keys.csrf, &session, now);
        let action = match read {
            Some(Ok(action)) => action,
            Some(Err(refused)) => return State::Out(Io::Failed(refused.into())),
            None => return failed("not a console form"),
        };
        let done = action.done();
        let change = match action {
            Action::SignOut => {
                let cookies = vec![rules::clear_session_cookie(self.secure)];
                let location = done.location();
                return State::Out(Io::Answer(Answer::SeeOther { location, cookies }));
            }
            Action::SaveDraft => return State::DraftBase(session, fields),
            Action::Publish => Change::Publish(console_step::publish(now)),
            Action::Rollback { version } => Change::Rollback(console_step::rollback(version, now)),
        };
        State::Changing {
            session,
            done,
            draft: None,
            change,
        }
    }

    /// The sign-in page for a request without a valid session (`ended`: its cookie no longer
    /// holds, and is cleared).
    fn signed_out(&self, ended: bool) -> State {
        let page = SignedOut::page(self.facts.route, ended, self.done.as_deref());
        let cookies = match page.clear_session {
            true => vec![rules::clear_session_cookie(self.secure)],
            false => Vec::new(),
        };
        let (status, notice) = (page.status, page.notice);
        State::SignInPage {
            status,
            store: String::new(),
            notice,
            cookies,
        }
    }

    fn sign_in_page(
        &self,
        nonce: &str,
        status: u16,
        store: String,
        notice: Option<ConsoleNotice>,
        cookies: Vec<String>,
    ) -> State {
        let csrf = rules::issue(
            &self.keys.csrf,
            CsrfBinding::Browser(nonce),
            self.facts.now_ms,
        );
        State::Out(Io::Answer(Answer::SignIn {
            status,
            store,
            notice,
            csrf,
            cookies,
        }))
    }

    fn take(&mut self) -> State {
        std::mem::replace(&mut self.state, State::Start)
    }

    /// The sign-in limiter's count (noted in the log line): past the limit 429, a failed
    /// limiter 503 (fail closed).
    pub fn on_counted<E: std::fmt::Debug>(
        &mut self,
        counted: Result<Quota, E>,
        log: &mut RequestLog,
    ) {
        self.state = match (self.take(), SignInVerdict::of(counted).noted_in(log)) {
            (State::Counting(_), Ok(())) => State::ReadingForm(None),
            (State::Counting(_), Err(e)) => State::Out(Io::Failed(e)),
            _ => failed("a count nobody asked for"),
        };
    }

    /// The body's bytes (or why they could not be read: 413): a url-encoded form is parsed
    /// here (400 when not UTF-8); an upload's type is checked once it is read (415 for
    /// anything but `multipart/form-data`), then it is split into its parts (400 when it is
    /// not the upload form).
    pub fn on_body(&mut self, read: Result<Vec<u8>, EdgeError>) {
        self.state = match (self.take(), read) {
            (State::ReadingForm(_) | State::ReadingUpload(_), Err(e)) => State::Out(Io::Failed(e)),
            (State::ReadingForm(session), Ok(bytes)) => match actions::parse_form(&bytes) {
                Err(refused) => State::Out(Io::Failed(refused.into())),
                Ok(fields) => match session {
                    Some(session) => State::Form(session, fields),
                    None => State::SignInForm(fields),
                },
            },
            (State::ReadingUpload(session), Ok(bytes)) => {
                let ct = self.ct().unwrap_or_default();
                let form = actions::require_multipart(self.ct())
                    .and_then(|()| crate::upload_form::split(ct, bytes));
                match form {
                    Ok(form) => State::Uploaded(session, form),
                    Err(refused) => State::Out(Io::Failed(refused.into())),
                }
            }
            _ => failed("a body nobody asked for"),
        };
    }

    /// The store object's reply to the question last asked ([`Io::Ask`]): its text, or why
    /// the call broke. A reply that is not that question's answer is an error page. The log
    /// line names the store once its owner's session holds.
    pub fn on_reply(&mut self, reply: Result<String, String>, log: &mut RequestLog) {
        self.answer(reply);
        if let Some(store) = self.store() {
            log.store = Some(store.to_string());
        }
    }

    fn answer(&mut self, reply: Result<String, String>) {
        match &self.state {
            State::Attempted(_) | State::SessionAsked(_) => {
                self.on_owner(wire::read_reply::<CheckOwner>(reply))
            }
            State::DraftBase(..) => self.on_theme(wire::read_reply::<ShowTheme>(reply)),
            State::Changing {
                change: change @ Change::Asset(_),
                ..
            } => {
                let listed = change.done(reply).map_err(EdgeError::from);
                self.on_asset(listed)
            }
            State::Changing { change, .. } => {
                let done = change.done(reply);
                self.on_changed(done)
            }
            State::Editor(reads) => match (&reads.overview, &reads.assets) {
                (None, _) => {
                    let theme = wire::read_reply::<ShowTheme>(reply);
                    self.on_editor_read(theme, |reads, theme| reads.overview = Some(theme))
                }
                (Some(_), None) => {
                    let assets = wire::read_reply::<ListAssets>(reply);
                    self.on_editor_read(assets, |reads, assets| reads.assets = Some(assets))
                }
                (Some(_), Some(_)) => self.on_versions(wire::read_reply::<ListVersions>(reply)),
            },
            _ => self.state = failed("a reply nobody asked for"),
        }
    }

    /// Whether the store recognised the credential: a new session (303 with its cookie), or
    /// the same 401 for an unknown store and a wrong token; a session it no longer
    /// recognises has ended. A failed call is an error page.
    fn on_owner(&mut self, asked: Asked<()>) {
        let state = self.take();
        let recognised = match crate::admin_call::recognised(asked) {
            Ok(recognised) => recognised,
            Err(e) => return self.state = State::Out(Io::Failed(e)),
        };
        self.state = match (state, recognised) {
            (State::Attempted(attempt), true) => {
                let signer = &self.keys.signer;
                let value = signer.sign_session(&attempt.session(self.facts.now_ms));
                let max_age = SESSION_TTL_MS / 1000;
                let cookies = vec![rules::session_cookie(&value, max_age, self.secure)];
                let location = Done::SignedIn.location();
                State::Out(Io::Answer(Answer::SeeOther { location, cookies }))
            }
            (State::Attempted(attempt), false) => {
                refused_page(SignInRefused::not_recognised(&attempt.shown))
            }
            (State::SessionAsked(session), true) => State::SignedIn(session),
            (State::SessionAsked(_), false) => self.signed_out(true),
            _ => failed("an owner check nobody asked for"),
        };
    }

    /// The store's theme, the base the editor's form applies to: the draft to save, or the
    /// editor again (422) with the form's problems.
    fn on_theme(&mut self, asked: Asked<ThemeOverview>) {
        self.state = match (self.take(), asked) {
            (State::DraftBase(..), Err(e)) => State::Out(Io::Failed(e.into())),
            (State::DraftBase(session, fields), Ok(theme)) => {
                let now = self.facts.now_ms;
                match Next::draft_from_form(theme.base_document(), &fields, now) {
                    Ok((doc, put)) => State::Changing {
                        session,
                        done: Done::Saved,
                        draft: Some(doc),
                        change: Change::Draft(put),
                    },
                    Err(refused) => State::Next(session, refused),
                }
            }
            _ => failed("a theme nobody asked for"),
        };
    }

    /// The store's answer to a change: the finished action's
    /// notice, or the editor with the refusal the owner can act on, or an error page.
    fn on_changed(&mut self, asked: Asked<()>) {
        self.state = match self.take() {
            State::Changing {
                session,
                done,
                draft,
                ..
            } => {
                let next = match draft {
                    Some(doc) => Next::after_draft(doc, asked),
                    None => Next::after_change(done, asked),
                };
                match next {
                    Ok(next) => State::Next(session, next),
                    Err(e) => State::Out(Io::Failed(e)),
                }
            }
            _ => failed("a change nobody asked for"),
        };
    }

    /// Whether the upload's bytes were written: only then is the file listed (bytes no
    /// listing names are unreachable; the upload can be retried).
    pub fn on_put<E: std::fmt::Display>(&mut self, written: Result<(), E>) {
        self.state = match (self.take(), written) {
            (State::Writing { session, asset, .. }, Ok(())) => State::Changing {
                session,
                done: Done::Uploaded,
                draft: None,
                change: Change::Asset(RecordAsset { asset }),
            },
            (State::Writing { .. }, Err(e)) => State::Out(Io::Failed(EdgeError::internal(
                format!("writing the asset to R2: {e}"),
            ))),
            _ => failed("a write nobody asked for"),
        };
    }

    /// The uploaded file stored and listed (done: a redirect to its notice), or why not (the
    /// error page: R2's failure, or the store's refusal as it maps).
    fn on_asset(&mut self, stored: Result<(), EdgeError>) {
        self.state = match (self.take(), stored) {
            (
                State::Changing {
                    draft: None,
                    done: Done::Uploaded,
                    ..
                },
                Ok(()),
            ) => {
                let location = Done::Uploaded.location();
                State::Out(Io::Answer(Answer::SeeOther {
                    location,
                    cookies: Vec::new(),
                }))
            }
            (State::Changing { .. }, Err(e)) => State::Out(Io::Failed(e)),
            _ => failed("an upload's result nobody asked for"),
        };
    }

    /// One of the editor's facts (the theme, then the files for the logo and favicon
    /// choices), kept by `keep`; a failed read is an error page, as for the versions.
    fn on_editor_read<T>(&mut self, asked: Asked<T>, keep: impl FnOnce(&mut EditorReads, T)) {
        self.state = match (self.take(), asked) {
            (State::Editor(mut reads), Ok(read)) => {
                keep(&mut reads, read);
                State::Editor(reads)
            }
            (_, answer) => read_failed(answer),
        };
    }

    /// The published versions, the last of the editor's facts: the page with a fresh form
    /// token and preview link.
    fn on_versions(&mut self, asked: Asked<Vec<ThemeVersion>>) {
        let now = self.facts.now_ms;
        self.state = match (self.take(), asked) {
            (State::Editor(reads), Ok(versions)) => {
                let EditorReads {
                    session,
                    status,
                    shown,
                    overview,
                    assets,
                } = *reads;
                let (Some(overview), Some(assets)) = (overview, assets) else {
                    return self.state = failed("the editor's versions came first");
                };
                let csrf = rules::issue(&self.keys.csrf, CsrfBinding::Session(&session), now);
                let store = session.store;
                // An empty origin gives the link's path.
                let preview = PreviewLink::signed(&self.keys.signer, &store, "", now);
                let facts = EditorFacts {
                    overview,
                    assets,
                    versions,
                };
                State::Out(Io::Answer(Answer::Editor(EditorAnswer {
                    store,
                    status,
                    shown,
                    csrf,
                    preview,
                    facts,
                })))
            }
            (_, answer) => read_failed(answer),
        };
    }

    /// Fresh random bytes for the browser's nonce (their failure is an error page).
    pub fn on_random<E: std::fmt::Display>(&mut self, random: Result<[u8; 16], E>) {
        self.state = match (self.take(), random) {
            (
                State::SignInPage {
                    status,
                    store,
                    notice,
                    mut cookies,
                },
                Ok(bytes),
            ) => {
                let nonce = rules::nonce_from_random(bytes);
                cookies.push(rules::browser_cookie(&nonce, self.secure));
                self.sign_in_page(&nonce, status, store, notice, cookies)
            }
            (State::SignInPage { .. }, Err(e)) => State::Out(Io::Failed(EdgeError::internal(
                format!("random bytes: {e}"),
            ))),
            _ => failed("random bytes nobody asked for"),
        };
    }
}

/// `store`'s question as the I/O that asks it.
fn ask<Q: Question<Envelope = StoreQuestion>>(store: &StoreSlug, question: Q) -> Io {
    match wire::encode_question(question) {
        Ok(text) => Io::Ask(store.clone(), text),
        Err(e) => Io::Failed(EdgeError::internal(e)),
    }
}

/// A failed read of the editor's facts, or a read out of turn.
fn read_failed<T>(answer: Asked<T>) -> State {
    match answer {
        Err(e) => State::Out(Io::Failed(e.into())),
        Ok(_) => failed("an editor read nobody asked for"),
    }
}

/// The sign-in page again for a refused sign-in form.
fn refused_page(r: SignInRefused) -> State {
    let (status, store, notice) = (r.status, r.store, Some(r.notice));
    State::SignInPage {
        status,
        store,
        notice,
        cookies: Vec::new(),
    }
}

#[cfg(test)]
#[path = "console_driver_tests.rs"]
mod tests;
