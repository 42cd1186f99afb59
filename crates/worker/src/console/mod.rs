//! The owner console on the platform host (`/console`): server-rendered pages that work
//! without JavaScript. Sign in with the store's slug and owner token (an exact per-client
//! limit, failing closed), then edit the draft theme through forms, see it in a preview
//! frame, publish, roll back, upload images, sign out. Every form carries a CSRF token
//! (`core::console`); every request's session is checked with the store's object.
//!
//! The rules live in pure crates: tokens, cookies and the limit in `core::console`, the form
//! → theme mapping in `wandstore_theme::form`, the pages in `wandstore_render`. Errors a
//! browser causes are pages (4xx), never a 5xx.

mod pages;
mod session;
mod upload;

use crate::entry::ClientHeaders;
use crate::objects::{guard_client, store_client};
use crate::respond::{self, Audience};
use crate::{body, random};
use pages::{Shown, done_message};
use session::{Keys, Session, now_ms};
use wandstore_core::asset;
use wandstore_core::console::{self as rules, CsrfBinding, SignInGate, SignInLimit};
use wandstore_core::csrf::FORM_FIELD;
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::limits::BodyKind;
use wandstore_core::log::RequestLog;
use wandstore_core::owner_access::{OwnerSession, SESSION_TTL_MS, fingerprint};
use wandstore_core::rate_limit;
use wandstore_core::routes::ConsoleRoute;
use wandstore_core::secret::hash_token;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::{CheckOwner, OwnerCredential};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::theme::{PublishDraft, PutDraft, RollbackTheme, ShowTheme};
use wandstore_protocol::wire::AskError;
use wandstore_render::{Chrome, ConsoleNotice, ConsoleProblem};
use worker::{Env, Request, Response};

/// Who the history names for changes made in the console (see `themes_api::author`).
const AUTHOR: &str = "owner";
/// What a failed sign-in says, whether or not the store exists.
const NOT_RECOGNISED: &str = "store or token not recognised";

/// Answers a console route. Never fails: errors become pages, with `private, no-store`.
pub async fn handle(
    req: Request,
    env: &Env,
    client: &ClientHeaders,
    route: ConsoleRoute,
    rid: &str,
    log: &mut RequestLog,
) -> Response {
    let mut resp = match run(req, env, client, route, rid, log).await {
        Ok(resp) => resp,
        Err(e) => {
            log.error_code = Some(e.code.clone());
            log.error = e.detail.clone().or_else(|| Some(e.message.clone()));
            respond::error(&e, Audience::page(Chrome::platform(rid)), rid)
        }
    };
    let _ = resp.headers_mut().set("cache-control", PRIVATE_NO_STORE);
    resp
}

/// What every console step needs: the environment, keys, the client's headers, the request
/// id, and whether cookies need `Secure`.
struct Ctx<'a> {
    env: &'a Env,
    keys: Keys,
    client: &'a ClientHeaders,
    rid: &'a str,
    secure: bool,
}

async fn run(
    mut req: Request,
    env: &Env,
    client: &ClientHeaders,
    route: ConsoleRoute,
    rid: &str,
    log: &mut RequestLog,
) -> Result<Response, EdgeError> {
    let url = req.url().map_err(EdgeError::internal)?;
    let cx = Ctx {
        env,
        keys: Keys::from_env(env)?,
        client,
        rid,
        secure: session::secure(&url),
    };
    if route == ConsoleRoute::SignIn {
        limit_sign_in(env, client, log).await?;
        let fields = read_form(&mut req, BodyKind::Form).await?;
        return sign_in(&cx, &fields).await;
    }
    let session = session::current(env, &cx.keys, client, rid).await?;
    let session = match session {
        Session::Valid(s) => s,
        ended => {
            let was = matches!(ended, Session::Ended);
            return Ok(signed_out_page(&cx, route, was, &url));
        }
    };
    log.store = Some(session.store.to_string());
    match route {
        ConsoleRoute::Home => {
            let notice = url
                .query_pairs()
                .find(|(k, _)| k == "done")
                .and_then(|(_, v)| done_message(&v))
                .map(ConsoleNotice::info);
            let shown = Shown {
                notice,
                ..Shown::default()
            };
            pages::editor(env, &cx.keys, &session, rid, 200, shown).await
        }
        ConsoleRoute::SignOut => {
            let fields = read_form(&mut req, BodyKind::Form).await?;
            csrf(&cx, &session, &fields)?;
            let mut resp = respond::see_other("/console?done=signed-out");
            let _ = resp
                .headers_mut()
                .append("set-cookie", &rules::clear_session_cookie(cx.secure));
            Ok(resp)
        }
        ConsoleRoute::SaveDraft => {
            let fields = read_form(&mut req, BodyKind::Theme).await?;
            csrf(&cx, &session, &fields)?;
            save_draft(&cx, &session, &fields).await
        }
        ConsoleRoute::Publish => {
            let fields = read_form(&mut req, BodyKind::Form).await?;
            csrf(&cx, &session, &fields)?;
            let publish = PublishDraft {
                author: AUTHOR.to_owned(),
                now_ms: now_ms(),
            };
            let done = store_client::ask(env, &session.store, publish, rid).await;
            after_action(&cx, &session, done.map(|_| ()), "published").await
        }
        ConsoleRoute::Rollback => {
            let fields = read_form(&mut req, BodyKind::Form).await?;
            csrf(&cx, &session, &fields)?;
            let version = field(&fields, "version")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .ok_or_else(|| {
                    EdgeError::bad_request("bad_version", "choose a version to roll back to")
                })?;
            let rollback = RollbackTheme {
                version,
                author: AUTHOR.to_owned(),
                now_ms: now_ms(),
            };
            let done = store_client::ask(env, &session.store, rollback, rid).await;
            after_action(&cx, &session, done.map(|_| ()), "rolled-back").await
        }
        ConsoleRoute::Upload => upload_asset(&mut req, &cx, &session).await,
        ConsoleRoute::SignIn => Err(EdgeError::internal("sign-in is answered before sessions")),
    }
}

/// The page for a request without a valid session: the sign-in form (401 for a form post,
/// with the session cookie cleared when one was sent).
fn signed_out_page(cx: &Ctx<'_>, route: ConsoleRoute, ended: bool, url: &worker::Url) -> Response {
    let notice = if ended {
        Some(ConsoleNotice::error(
            "Your session has ended (it expired, or the owner token was changed). Sign in again.",
        ))
    } else if route != ConsoleRoute::Home {
        Some(ConsoleNotice::error("Sign in first."))
    } else {
        url.query_pairs()
            .find(|(k, _)| k == "done")
            .and_then(|(_, v)| done_message(&v))
            .map(ConsoleNotice::info)
    };
    let status = if route == ConsoleRoute::Home {
        200
    } else {
        401
    };
    let mut resp = sign_in_page(cx, status, "", notice);
    if ended {
        let _ = resp
            .headers_mut()
            .append("set-cookie", &rules::clear_session_cookie(cx.secure));
    }
    resp
}

/// The sign-in page, with a browser nonce cookie if the browser has none yet.
fn sign_in_page(cx: &Ctx<'_>, status: u16, store: &str, notice: Option<ConsoleNotice>) -> Response {
    let (nonce, new) = match session::browser_nonce(cx.client) {
        Some(n) => (n, false),
        None => match random::bytes16() {
            Ok(bytes) => (rules::nonce_from_random(bytes), true),
            Err(e) => {
                let e = EdgeError::internal(e);
                return respond::error(&e, Audience::page(Chrome::platform(cx.rid)), cx.rid);
            }
        },
    };
    let mut resp = pages::sign_in(&cx.keys, &nonce, status, store, notice, cx.rid);
    if new {
        let _ = resp
            .headers_mut()
            .append("set-cookie", &rules::browser_cookie(&nonce, cx.secure));
    }
    resp
}

/// Counts a sign-in attempt against the client's exact limit. Past it: 429. If the limiter
/// cannot answer, the attempt is refused (fail closed): 503.
async fn limit_sign_in(
    env: &Env,
    client: &ClientHeaders,
    log: &mut RequestLog,
) -> Result<(), EdgeError> {
    let who = rate_limit::client_key(client.get("cf-connecting-ip"));
    let var = env.var("CONSOLE_SIGN_IN_LIMIT").ok().map(|v| v.to_string());
    let limit = SignInLimit::from_var(var.as_deref());
    let key = SignInLimit::key(who.as_deref());
    log.rate_limit = Some("sign_in");
    let counted =
        guard_client::count(env, &key, limit.attempts, limit.window_ms, &log.request_id).await;
    let gate = SignInGate::from_count(&counted.as_ref().map(|q| q.allowed));
    log.rate_decision = Some(gate.name());
    match (gate, counted) {
        (SignInGate::Allowed, _) => Ok(()),
        (SignInGate::Limited, Ok(quota)) => Err(EdgeError::over_quota("sign_in", &quota)),
        (_, counted) => {
            if let Err(e) = counted {
                log.error = Some(format!("abuse guard (sign-in refused): {e:?}"));
            }
            Err(EdgeError::new(
                503,
                "sign_in_unavailable",
                "signing in is not possible right now because the attempt limiter cannot be \
                 reached; please try again in a minute",
            )
            .with_retry_after(60))
        }
    }
}

async fn sign_in(cx: &Ctx<'_>, fields: &[(String, String)]) -> Result<Response, EdgeError> {
    let typed_store = field(fields, "store").unwrap_or("").trim();
    let shown_store: String = typed_store.chars().take(63).collect();
    let token = field(fields, FORM_FIELD).unwrap_or("");
    let csrf = match session::browser_nonce(cx.client) {
        Some(nonce) => session::check_csrf(&cx.keys, token, CsrfBinding::Browser(&nonce))
            .map_err(|e| e.message),
        None => {
            Err("this browser has no sign-in form open; reload the page and try again".to_owned())
        }
    };
    if let Err(message) = csrf {
        let notice = ConsoleNotice::error(&message);
        return Ok(sign_in_page(cx, 403, &shown_store, Some(notice)));
    }
    let owner_token = field(fields, "token").unwrap_or("");
    let refused = || {
        sign_in_page(
            cx,
            401,
            &shown_store,
            Some(ConsoleNotice::error(NOT_RECOGNISED)),
        )
    };
    let Ok(store) = StoreSlug::parse(typed_store) else {
        return Ok(refused());
    };
    if owner_token.is_empty() || owner_token.len() > 256 {
        return Ok(refused());
    }
    let token_hash = hash_token(owner_token);
    let check = CheckOwner {
        credential: OwnerCredential::TokenHash(token_hash.clone()),
    };
    match store_client::ask(cx.env, &store, check, cx.rid).await {
        Ok(()) => {}
        Err(AskError::Refused(StoreError::Forbidden | StoreError::NotFound)) => {
            return Ok(refused());
        }
        Err(e) => return Err(e.into()),
    }
    let session = OwnerSession {
        store,
        fingerprint: fingerprint(&token_hash),
        expires_at_ms: now_ms().saturating_add(SESSION_TTL_MS),
    };
    let value = cx.keys.signer.sign_session(&session);
    let mut resp = respond::see_other("/console?done=signed-in");
    let cookie = rules::session_cookie(&value, SESSION_TTL_MS / 1000, cx.secure);
    let _ = resp.headers_mut().append("set-cookie", &cookie);
    Ok(resp)
}

async fn save_draft(
    cx: &Ctx<'_>,
    session: &OwnerSession,
    fields: &[(String, String)],
) -> Result<Response, EdgeError> {
    let overview = store_client::ask(cx.env, &session.store, ShowTheme, cx.rid).await?;
    let base = pages::base_document(&overview);
    let doc = match wandstore_theme::form::apply_form(&base, fields) {
        Ok(doc) => doc,
        Err(errors) => {
            let shown = Shown {
                theme: Some(base),
                problems: errors
                    .into_iter()
                    .map(|e| ConsoleProblem {
                        path: e.path,
                        message: e.message,
                    })
                    .collect(),
                notice: None,
            };
            return pages::editor(cx.env, &cx.keys, session, cx.rid, 422, shown).await;
        }
    };
    let put = PutDraft {
        body: doc.to_string(),
        author: AUTHOR.to_owned(),
        now_ms: now_ms(),
    };
    match store_client::ask(cx.env, &session.store, put, cx.rid).await {
        Ok(_) => Ok(respond::see_other("/console?done=saved")),
        Err(AskError::Refused(StoreError::ThemeInvalid { fields })) => {
            let shown = Shown {
                theme: Some(doc),
                problems: fields
                    .into_iter()
                    .map(|p| ConsoleProblem {
                        path: p.path,
                        message: p.message,
                    })
                    .collect(),
                notice: None,
            };
            pages::editor(cx.env, &cx.keys, session, cx.rid, 422, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

/// After publish or roll back: 303 with the message on success; a refusal the owner can act
/// on (nothing to publish, no such version) re-renders the editor with its status.
async fn after_action(
    cx: &Ctx<'_>,
    session: &OwnerSession,
    done: Result<(), AskError<StoreError>>,
    code: &str,
) -> Result<Response, EdgeError> {
    match done {
        Ok(()) => Ok(respond::see_other(&format!("/console?done={code}"))),
        Err(AskError::Refused(
            refusal @ (StoreError::Conflict { .. } | StoreError::Missing { .. }),
        )) => {
            let e = EdgeError::from(AskError::Refused(refusal));
            refused_in_editor(cx, session, &e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The editor again, with the refusal's message and status (a 4xx).
async fn refused_in_editor(
    cx: &Ctx<'_>,
    session: &OwnerSession,
    e: &EdgeError,
) -> Result<Response, EdgeError> {
    let shown = Shown {
        notice: Some(ConsoleNotice::error(&e.message)),
        ..Shown::default()
    };
    pages::editor(cx.env, &cx.keys, session, cx.rid, e.status, shown).await
}

async fn upload_asset(
    req: &mut Request,
    cx: &Ctx<'_>,
    session: &OwnerSession,
) -> Result<Response, EdgeError> {
    let content_type = req.headers().get("content-type").ok().flatten();
    let bytes = body::read_limited(req, BodyKind::Asset).await?;
    let form = upload::read(content_type.as_deref(), bytes).await?;
    session::check_csrf(&cx.keys, &form.csrf, CsrfBinding::Session(session))?;
    let checked =
        match asset::check_upload(&form.file_name, form.content_type.as_deref(), &form.bytes) {
            Ok(checked) => checked,
            Err(refused) => {
                let e = EdgeError::from(refused);
                return refused_in_editor(cx, session, &e).await;
            }
        };
    crate::owner_api::put_asset(cx.env, &session.store, &checked, form.bytes, cx.rid).await?;
    Ok(respond::see_other("/console?done=uploaded"))
}

/// A 403 unless the form's CSRF token belongs to this session.
fn csrf(
    cx: &Ctx<'_>,
    session: &OwnerSession,
    fields: &[(String, String)],
) -> Result<(), EdgeError> {
    let token = field(fields, FORM_FIELD).unwrap_or("");
    session::check_csrf(&cx.keys, token, CsrfBinding::Session(session))
}

fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// An `application/x-www-form-urlencoded` body within `kind`'s limit: 415 for another type,
/// 413 when too large, 400 when not UTF-8.
async fn read_form(req: &mut Request, kind: BodyKind) -> Result<Vec<(String, String)>, EdgeError> {
    let content_type = req.headers().get("content-type").ok().flatten();
    let is_form = content_type.as_deref().is_some_and(|ct| {
        ct.split(';').next().is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    if !is_form {
        return Err(EdgeError::new(
            415,
            "unsupported_media_type",
            "console forms are sent as application/x-www-form-urlencoded",
        ));
    }
    let bytes = body::read_limited(req, kind).await?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(EdgeError::bad_request(
            "bad_encoding",
            "the form is not UTF-8 text",
        ));
    }
    Ok(worker::url::form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}
