//! Who is signed in to the console: the session cookie's signature and expiry
//! (`actions::Presented`), then the store's own word that the owner token the session was
//! made with is still its token (a rotated token ends every session at once).

use crate::clock::now_ms;
use crate::entry::ClientHeaders;
use crate::env_config;
use crate::owner_api::owns;
use wandstore_core::console::{
    self,
    actions::{self, Presented},
};
use wandstore_core::identity::{CookieScope, CookieSigner};
use wandstore_core::owner_access::OwnerSession;
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::OwnerCredential;
use worker::Env;

/// What the console needs of the platform's secrets.
pub struct Keys {
    pub signer: std::rc::Rc<CookieSigner>,
    pub csrf: Vec<u8>,
}

impl Keys {
    pub fn from_env(env: &Env) -> Result<Keys, EdgeError> {
        let unset = |why: String| {
            EdgeError::misconfigured("config", "the console is not configured yet", why)
        };
        let signer = env_config::cookie_signer(env).map_err(|weak| unset(weak.to_string()))?;
        let csrf = env_config::csrf_secret(env).ok_or_else(|| unset("no cookie secret".into()))?;
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

/// The session of this request, checked with its store's object.
pub async fn current(
    env: &Env,
    keys: &Keys,
    client: &ClientHeaders,
    rid: &str,
) -> Result<Session, EdgeError> {
    let header = client.get("cookie").unwrap_or("");
    let session = match Presented::read(header, &keys.signer, now_ms()) {
        Presented::Claimed(session) => session,
        Presented::Ended => return Ok(Session::Ended),
        Presented::None => return Ok(Session::None),
    };
    let credential = OwnerCredential::SessionFingerprint(session.fingerprint.clone());
    Ok(if owns(env, &session.store, credential, rid).await? {
        Session::Valid(session)
    } else {
        Session::Ended
    })
}

/// The sign-in form's browser nonce from its cookie, if well-formed.
pub fn browser_nonce(client: &ClientHeaders) -> Option<String> {
    actions::browser_nonce(client.get("cookie").unwrap_or(""))
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
