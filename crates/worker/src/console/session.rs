//! Who is signed in to the console: the session cookie's signature and expiry, then the
//! store's own word that the owner token the session was made with is still its token (a
//! rotated token ends every session at once). Also the console's cookies and CSRF checks.

use crate::entry::ClientHeaders;
use crate::env_config;
use crate::objects::store_client;
use wandstore_core::console::{self, BROWSER_COOKIE, CsrfBinding};
use wandstore_core::identity::{CookieScope, CookieSigner, cookie_values};
use wandstore_core::owner_access::{OwnerSession, SESSION_COOKIE};
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::{CheckOwner, OwnerCredential};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::wire::AskError;
use worker::Env;

/// What the console needs of the platform's secrets.
pub struct Keys {
    pub signer: std::rc::Rc<CookieSigner>,
    pub csrf: Vec<u8>,
}

impl Keys {
    pub fn from_env(env: &Env) -> Result<Keys, EdgeError> {
        let signer = env_config::cookie_signer(env).map_err(|weak| {
            EdgeError::misconfigured("config", "the console is not configured yet", weak)
        })?;
        let csrf = env_config::csrf_secret(env).ok_or_else(|| {
            EdgeError::misconfigured(
                "config",
                "the console is not configured yet",
                "no cookie secret",
            )
        })?;
        Ok(Keys { signer, csrf })
    }
}

/// What the request's session cookie says.
pub enum Session {
    /// Signed in, and the store still recognises the token the session was made with.
    Valid(OwnerSession),
    /// A cookie was sent but is forged, expired, or its token was rotated: sign in again.
    Ended,
    /// No session cookie.
    None,
}

pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// The session of this request, checked with its store's object.
pub async fn current(
    env: &Env,
    keys: &Keys,
    client: &ClientHeaders,
    rid: &str,
) -> Result<Session, EdgeError> {
    let header = client.get("cookie").unwrap_or("");
    let mut sent = false;
    let mut found = None;
    for value in cookie_values(header, SESSION_COOKIE) {
        sent = true;
        if let Some(s) = keys.signer.verify_session(value, now_ms()) {
            found = Some(s);
            break;
        }
    }
    let Some(session) = found else {
        return Ok(if sent { Session::Ended } else { Session::None });
    };
    let check = CheckOwner {
        credential: OwnerCredential::SessionFingerprint(session.fingerprint.clone()),
    };
    match store_client::ask(env, &session.store, check, rid).await {
        Ok(()) => Ok(Session::Valid(session)),
        Err(AskError::Refused(StoreError::Forbidden | StoreError::NotFound)) => Ok(Session::Ended),
        Err(e) => Err(e.into()),
    }
}

/// The sign-in form's browser nonce from its cookie, if well-formed.
pub fn browser_nonce(client: &ClientHeaders) -> Option<String> {
    cookie_values(client.get("cookie").unwrap_or(""), BROWSER_COOKIE)
        .find(|v| console::is_nonce(v))
        .map(str::to_owned)
}

/// Whether cookies need `Secure` (everywhere but plain-HTTP localhost).
pub fn secure(url: &worker::Url) -> bool {
    CookieScope::new(
        console::COOKIE_PATH,
        url.scheme(),
        url.host_str().unwrap_or(""),
    )
    .secure
}

/// A 403 for a console form whose CSRF token does not hold.
pub fn check_csrf(keys: &Keys, token: &str, binding: CsrfBinding<'_>) -> Result<(), EdgeError> {
    console::verify(&keys.csrf, token, binding, now_ms())
        .map_err(|e| EdgeError::new(403, e.code(), e.to_string()))
}
