//! What the owner console does with a request, decided without I/O: how a form body is read,
//! which action a posted form asks for (after its CSRF check), what a sign-in form says,
//! which page a visitor without a session sees, and which notice follows an action. The
//! Worker only reads bodies and cookies, asks the store's object and renders.

use super::{BROWSER_COOKIE, CsrfBinding, is_nonce, verify};
use crate::csrf::{CsrfError, FORM_FIELD};
use crate::identity::{CookieSigner, cookie_values};
use crate::limits::BodyKind;
use crate::owner_access::{Author, OwnerSession, SESSION_COOKIE, SESSION_TTL_MS, fingerprint};
use crate::routes::ConsoleRoute;
use crate::secret::hash_token;
use crate::store::StoreSlug;
use std::fmt;

/// Who the theme history names for changes made in the console.
pub const AUTHOR: Author = Author::Owner;
/// What a failed sign-in says, whether or not the store exists.
pub const NOT_RECOGNISED: &str = "store or token not recognised";
/// The longest owner token a sign-in form may carry (longer: not recognised, never hashed).
pub const MAX_OWNER_TOKEN_LEN: usize = 256;
/// How much of a typed store name the sign-in form shows again.
const SHOWN_STORE_CHARS: usize = 63;

/// A one-off message at the top of a console page (plain text, rendered escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleNotice {
    pub error: bool,
    pub message: String,
}

impl ConsoleNotice {
    pub fn info(message: &str) -> ConsoleNotice {
        ConsoleNotice {
            error: false,
            message: message.to_owned(),
        }
    }

    pub fn error(message: &str) -> ConsoleNotice {
        ConsoleNotice {
            error: true,
            message: message.to_owned(),
        }
    }
}

/// A console request refused before anything changed: its status, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleRefusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// `Retry-After` in seconds.
    pub retry_after_secs: Option<u64>,
}

impl ConsoleRefusal {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ConsoleRefusal {
            status,
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// Signing in while the attempt limiter cannot answer (fail closed): 503, retry in a
    /// minute.
    pub fn sign_in_unavailable() -> Self {
        ConsoleRefusal {
            retry_after_secs: Some(60),
            ..ConsoleRefusal::new(
                503,
                "sign_in_unavailable",
                "signing in is not possible right now because the attempt limiter cannot be \
                 reached; please try again in a minute",
            )
        }
    }
}

impl fmt::Display for ConsoleRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How a console route's body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormBody {
    /// No body is read.
    None,
    /// `application/x-www-form-urlencoded` within this limit.
    UrlEncoded(BodyKind),
    /// `multipart/form-data` within the asset limit (an upload).
    Multipart,
}

impl FormBody {
    pub fn of(route: ConsoleRoute) -> FormBody {
        match route {
            ConsoleRoute::Home => FormBody::None,
            ConsoleRoute::SaveDraft => FormBody::UrlEncoded(BodyKind::Theme),
            ConsoleRoute::Upload => FormBody::Multipart,
            ConsoleRoute::SignIn
            | ConsoleRoute::SignOut
            | ConsoleRoute::Publish
            | ConsoleRoute::Rollback => FormBody::UrlEncoded(BodyKind::Form),
        }
    }
}

/// Whether a `Content-Type` is `essence` (parameters and case ignored).
fn is_type(content_type: Option<&str>, essence: &str) -> bool {
    content_type.is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(essence))
    })
}

/// 415 unless a form is `application/x-www-form-urlencoded` (checked before its body is
/// read).
pub fn require_form(content_type: Option<&str>) -> Result<(), ConsoleRefusal> {
    if is_type(content_type, "application/x-www-form-urlencoded") {
        Ok(())
    } else {
        Err(ConsoleRefusal::new(
            415,
            "unsupported_media_type",
            "console forms are sent as application/x-www-form-urlencoded",
        ))
    }
}

/// A form body's fields (read within [`FormBody::UrlEncoded`]'s limit); 400 when not UTF-8.
pub fn parse_form(bytes: &[u8]) -> Result<Vec<(String, String)>, ConsoleRefusal> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(ConsoleRefusal::new(
            400,
            "bad_encoding",
            "the form is not UTF-8 text",
        ));
    }
    Ok(url::form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// 415 unless an upload is `multipart/form-data`.
pub fn require_multipart(content_type: Option<&str>) -> Result<(), ConsoleRefusal> {
    let ct = content_type.unwrap_or("").trim_start().to_ascii_lowercase();
    if ct.starts_with("multipart/form-data") {
        Ok(())
    } else {
        Err(ConsoleRefusal::new(
            415,
            "unsupported_media_type",
            "uploads are sent as multipart/form-data",
        ))
    }
}

/// The console's upload form (`multipart/form-data`): the CSRF token and one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadForm {
    pub csrf: String,
    /// The file's name as the browser sent it.
    pub file_name: String,
    /// The part's declared content type.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// What the next part of an upload form is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPart {
    Csrf,
    File,
}

/// The upload form's parts as the multipart reader meets them: at most one `csrf` and one
/// `file`, nothing else (400 for anything other).
#[derive(Debug, Default)]
pub struct UploadParts {
    csrf: Option<String>,
    file: Option<(String, Option<String>, Vec<u8>)>,
}

/// The multipart field names the upload form has.
pub const UPLOAD_FIELDS: [&str; 2] = ["csrf", "file"];

fn bad_upload(message: &str) -> ConsoleRefusal {
    ConsoleRefusal::new(400, "bad_upload", message)
}

impl UploadParts {
    /// Whether a part named `name` may come next, and as what.
    pub fn next(&self, name: Option<&str>) -> Result<UploadPart, ConsoleRefusal> {
        match name {
            Some("csrf") if self.csrf.is_none() => Ok(UploadPart::Csrf),
            Some("file") if self.file.is_none() => Ok(UploadPart::File),
            _ => Err(bad_upload(
                "the upload form has an unexpected or repeated field",
            )),
        }
    }

    pub fn csrf(&mut self, token: String) {
        self.csrf = Some(token);
    }

    pub fn file(&mut self, name: String, content_type: Option<String>, bytes: Vec<u8>) {
        self.file = Some((name, content_type, bytes));
    }

    /// The form, once every part is read: a named, non-empty file is needed (the token is
    /// checked later: missing, it is empty).
    pub fn finish(self) -> Result<UploadForm, ConsoleRefusal> {
        let choose = || bad_upload("choose a file to upload");
        let (file_name, content_type, bytes) = self.file.ok_or_else(choose)?;
        if file_name.is_empty() || bytes.is_empty() {
            return Err(choose());
        }
        Ok(UploadForm {
            csrf: self.csrf.unwrap_or_default(),
            file_name,
            content_type,
            bytes,
        })
    }

    /// A body that is not a readable multipart form (no boundary, broken parts).
    pub fn unreadable(what: &str) -> ConsoleRefusal {
        bad_upload(what)
    }
}

/// A form field's first value.
pub fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl From<CsrfError> for ConsoleRefusal {
    /// Every CSRF refusal is a 403.
    fn from(e: CsrfError) -> Self {
        ConsoleRefusal::new(403, e.code(), e.to_string())
    }
}

/// What a signed-in owner's posted form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignOut,
    SaveDraft,
    Publish,
    Rollback { version: u32 },
}

impl Action {
    /// The form posted to `route` by the owner of `session`: its CSRF token checked first
    /// (403), then its fields (400). `None` for routes that are not such a form.
    pub fn read(
        route: ConsoleRoute,
        fields: &[(String, String)],
        secret: &[u8],
        session: &OwnerSession,
        now_ms: u64,
    ) -> Option<Result<Action, ConsoleRefusal>> {
        let action = match route {
            ConsoleRoute::SignOut => Action::SignOut,
            ConsoleRoute::SaveDraft => Action::SaveDraft,
            ConsoleRoute::Publish => Action::Publish,
            ConsoleRoute::Rollback => Action::Rollback { version: 0 },
            ConsoleRoute::Home | ConsoleRoute::SignIn | ConsoleRoute::Upload => return None,
        };
        let token = field(fields, FORM_FIELD).unwrap_or("");
        let checked = verify(secret, token, CsrfBinding::Session(session), now_ms);
        Some(checked.map_err(ConsoleRefusal::from).and_then(|()| {
            match action {
                Action::Rollback { .. } => field(fields, "version")
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .map(|version| Action::Rollback { version })
                    .ok_or_else(|| {
                        ConsoleRefusal::new(400, "bad_version", "choose a version to roll back to")
                    }),
                other => Ok(other),
            }
        }))
    }

    /// The `?done=` code its success redirects with.
    pub fn done(self) -> Done {
        match self {
            Action::SignOut => Done::SignedOut,
            Action::SaveDraft => Done::Saved,
            Action::Publish => Done::Published,
            Action::Rollback { .. } => Done::RolledBack,
        }
    }
}

/// A finished action, shown after the redirect (`/console?done=…`) from a closed set:
/// nothing from the URL is ever shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    SignedIn,
    SignedOut,
    Saved,
    Published,
    RolledBack,
    Uploaded,
}

const DONE: [Done; 6] = [
    Done::SignedIn,
    Done::SignedOut,
    Done::Saved,
    Done::Published,
    Done::RolledBack,
    Done::Uploaded,
];

impl Done {
    pub fn code(self) -> &'static str {
        match self {
            Done::SignedIn => "signed-in",
            Done::SignedOut => "signed-out",
            Done::Saved => "saved",
            Done::Published => "published",
            Done::RolledBack => "rolled-back",
            Done::Uploaded => "uploaded",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Done::SignedIn => "Signed in.",
            Done::SignedOut => "Signed out.",
            Done::Saved => "Draft saved. The preview shows it.",
            Done::Published => "Published. Shoppers see it within a few seconds.",
            Done::RolledBack => "Rolled back: that version is published again, as a new version.",
            Done::Uploaded => {
                "Uploaded. Choose it as your logo or favicon below, then save the draft."
            }
        }
    }

    /// Where the browser goes after it (a 303).
    pub fn location(self) -> String {
        format!("/console?done={}", self.code())
    }

    /// The notice for a `done` query value, if it is one of the set.
    pub fn notice(query_value: Option<&str>) -> Option<ConsoleNotice> {
        let code = query_value?;
        DONE.into_iter()
            .find(|d| d.code() == code)
            .map(|d| ConsoleNotice::info(d.message()))
    }
}

/// What the console's session cookie claims, before the store's object is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// No session cookie.
    None,
    /// A cookie was sent but none is genuine and unexpired: sign in again.
    Ended,
    /// A genuine, unexpired session; the store still has to recognise its token.
    Claimed(OwnerSession),
}

impl Presented {
    /// The first genuine session among the `Cookie` header's session cookies.
    pub fn read(cookie_header: &str, signer: &CookieSigner, now_ms: u64) -> Presented {
        let mut sent = false;
        for value in cookie_values(cookie_header, SESSION_COOKIE) {
            sent = true;
            if let Some(s) = signer.verify_session(value, now_ms) {
                return Presented::Claimed(s);
            }
        }
        if sent {
            Presented::Ended
        } else {
            Presented::None
        }
    }
}

/// The sign-in form's browser nonce from the `Cookie` header, if well-formed.
pub fn browser_nonce(cookie_header: &str) -> Option<String> {
    cookie_values(cookie_header, BROWSER_COOKIE)
        .find(|v| is_nonce(v))
        .map(str::to_owned)
}

/// The sign-in page for a request without a valid session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    pub status: u16,
    pub notice: Option<ConsoleNotice>,
    /// Clear the session cookie (one was sent, and it no longer holds).
    pub clear_session: bool,
}

impl SignedOut {
    /// `ended`: a session cookie was sent but no longer holds. The console's home is a 200;
    /// any form posted without a session is a 401.
    pub fn page(route: ConsoleRoute, ended: bool, done: Option<&str>) -> SignedOut {
        let notice = if ended {
            Some(ConsoleNotice::error(
                "Your session has ended (it expired, or the owner token was changed). Sign in again.",
            ))
        } else if route != ConsoleRoute::Home {
            Some(ConsoleNotice::error("Sign in first."))
        } else {
            Done::notice(done)
        };
        SignedOut {
            status: if route == ConsoleRoute::Home {
                200
            } else {
                401
            },
            notice,
            clear_session: ended,
        }
    }
}

/// A sign-in form that may go to the store's object: the store and the token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAttempt {
    pub store: StoreSlug,
    pub token_hash: String,
    /// The store name as typed, to show again if the object refuses the token.
    pub shown: String,
}

impl SignInAttempt {
    /// The session an accepted attempt starts now.
    pub fn session(&self, now_ms: u64) -> OwnerSession {
        OwnerSession {
            store: self.store.clone(),
            fingerprint: fingerprint(&self.token_hash),
            expires_at_ms: now_ms.saturating_add(SESSION_TTL_MS),
        }
    }
}

/// A sign-in form refused: the sign-in page again with this status and notice, the typed
/// store name kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInRefused {
    pub status: u16,
    pub store: String,
    pub notice: ConsoleNotice,
}

impl SignInRefused {
    /// The store's object did not recognise the token (or there is no such store): the same
    /// 401 either way.
    pub fn not_recognised(store: &str) -> SignInRefused {
        SignInRefused {
            status: 401,
            store: store.to_owned(),
            notice: ConsoleNotice::error(NOT_RECOGNISED),
        }
    }
}

/// Reads a posted sign-in form: its CSRF token must be bound to this browser's nonce (403
/// otherwise); a malformed store name or token is refused like a wrong one (401), without
/// asking anyone.
pub fn read_sign_in(
    fields: &[(String, String)],
    browser_nonce: Option<&str>,
    secret: &[u8],
    now_ms: u64,
) -> Result<SignInAttempt, SignInRefused> {
    let typed_store = field(fields, "store").unwrap_or("").trim();
    let shown: String = typed_store.chars().take(SHOWN_STORE_CHARS).collect();
    let token = field(fields, FORM_FIELD).unwrap_or("");
    let csrf = match browser_nonce {
        Some(nonce) => {
            verify(secret, token, CsrfBinding::Browser(nonce), now_ms).map_err(|e| e.to_string())
        }
        None => {
            Err("this browser has no sign-in form open; reload the page and try again".to_owned())
        }
    };
    if let Err(message) = csrf {
        return Err(SignInRefused {
            status: 403,
            store: shown,
            notice: ConsoleNotice::error(&message),
        });
    }
    let owner_token = field(fields, "token").unwrap_or("");
    let Ok(store) = StoreSlug::parse(typed_store) else {
        return Err(SignInRefused::not_recognised(&shown));
    };
    if owner_token.is_empty() || owner_token.len() > MAX_OWNER_TOKEN_LEN {
        return Err(SignInRefused::not_recognised(&shown));
    }
    Ok(SignInAttempt {
        store,
        token_hash: hash_token(owner_token),
        shown,
    })
}

#[cfg(test)]
#[path = "actions_tests.rs"]
mod tests;
