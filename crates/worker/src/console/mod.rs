//! The owner console on the platform host (`/console`): server-rendered pages that work
//! without JavaScript. Sign in with the store's slug and owner token (an exact per-client
//! limit, failing closed), then edit the draft theme through forms, see it in a preview
//! frame, publish, roll back, upload images, sign out. Every form carries a CSRF token
//! (`core::console`); every request's session is checked with the store's object.
//!
//! The rules live in pure crates: tokens, cookies, the limit and what each request does
//! (which form, which action, which page and notice) in `core::console` (`actions`), the
//! form → theme mapping in `wandstore_theme::form`, the pages in `wandstore_render`. Here:
//! reading bodies and cookies, asking the store's object, rendering. Errors a browser causes
//! are pages (4xx), never a 5xx.

mod pages;
mod session;
mod upload;

use crate::clock::now_ms;
use crate::entry::ClientHeaders;
use crate::objects::{guard_client, store_client};
use crate::owner_api::owns;
use crate::respond::{self, Audience};
use crate::{body, random};
use session::{Keys, Session};
use wandstore_core::console::actions::{self, Action, Done, FormBody, SignInRefused, SignedOut};
use wandstore_core::console::{self as rules, SignInLimit};
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::limits::BodyKind;
use wandstore_core::log::RequestLog;
use wandstore_core::owner_access::{OwnerSession, SESSION_TTL_MS};
use wandstore_core::rate_limit;
use wandstore_core::routes::ConsoleRoute;
use wandstore_protocol::EdgeError;
use wandstore_protocol::console_step::{self, Next, SignInVerdict};
use wandstore_protocol::owner::OwnerCredential;
use wandstore_protocol::theme::ShowTheme;
use wandstore_render::{Chrome, ConsoleNotice};
use worker::{Env, Request, Response};

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
            e.note_in(log);
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
        let fields = read_form(&mut req, route).await?;
        return sign_in(&cx, &fields).await;
    }
    let done = url
        .query_pairs()
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v.into_owned());
    let session = match session::current(env, &cx.keys, client, rid).await? {
        Session::Valid(s) => s,
        ended => {
            let ended = matches!(ended, Session::Ended);
            return Ok(signed_out_page(
                &cx,
                SignedOut::page(route, ended, done.as_deref()),
            ));
        }
    };
    log.store = Some(session.store.to_string());
    match route {
        ConsoleRoute::Home => return answer(&cx, &session, Next::home(done.as_deref())).await,
        ConsoleRoute::Upload => return upload_asset(&mut req, &cx, &session).await,
        _ => {}
    }
    let fields = read_form(&mut req, route).await?;
    let action = Action::read(route, &fields, &cx.keys.csrf, &session, now_ms())
        .ok_or_else(|| EdgeError::internal(format!("{route:?} is not a console form")))??;
    let done = action.done();
    let next = match action {
        Action::SignOut => {
            let clear = rules::clear_session_cookie(cx.secure);
            return Ok(with_cookie(respond::see_other(&done.location()), &clear));
        }
        Action::SaveDraft => {
            let base = store_client::ask(env, &session.store, ShowTheme, rid).await?;
            match Next::draft_from_form(base.base_document(), &fields, now_ms()) {
                Ok((doc, put)) => {
                    let saved = store_client::ask(env, &session.store, put, rid).await;
                    Next::after_draft(doc, saved.map(drop))?
                }
                Err(refused) => refused,
            }
        }
        Action::Publish => {
            let publish = console_step::publish(now_ms());
            let asked = store_client::ask(env, &session.store, publish, rid).await;
            Next::after_change(done, asked.map(drop))?
        }
        Action::Rollback { version } => {
            let rollback = console_step::rollback(version, now_ms());
            let asked = store_client::ask(env, &session.store, rollback, rid).await;
            Next::after_change(done, asked.map(drop))?
        }
    };
    answer(&cx, &session, next).await
}

/// A redirect, or the editor with what the owner must see.
async fn answer(cx: &Ctx<'_>, session: &OwnerSession, next: Next) -> Result<Response, EdgeError> {
    match next {
        Next::SeeOther(location) => Ok(respond::see_other(&location)),
        Next::Editor { status, shown } => {
            pages::editor(cx.env, &cx.keys, session, cx.rid, status, shown).await
        }
    }
}

/// The sign-in page for a request without a valid session.
fn signed_out_page(cx: &Ctx<'_>, page: SignedOut) -> Response {
    let resp = sign_in_page(cx, page.status, "", page.notice);
    if page.clear_session {
        return with_cookie(resp, &rules::clear_session_cookie(cx.secure));
    }
    resp
}

/// `resp` setting `cookie` too.
fn with_cookie(mut resp: Response, cookie: &str) -> Response {
    let _ = resp.headers_mut().append("set-cookie", cookie);
    resp
}

/// The sign-in page, with a browser nonce cookie if the browser has none yet.
fn sign_in_page(cx: &Ctx<'_>, status: u16, store: &str, notice: Option<ConsoleNotice>) -> Response {
    let held = session::browser_nonce(cx.client);
    let (nonce, cookie) = match rules::nonce_or_new(held, random::bytes16, cx.secure) {
        Ok(nonce) => nonce,
        Err(e) => {
            let e = EdgeError::internal(e);
            return respond::error(&e, Audience::page(Chrome::platform(cx.rid)), cx.rid);
        }
    };
    let resp = pages::sign_in(&cx.keys, &nonce, status, store, notice, cx.rid);
    match cookie {
        Some(cookie) => with_cookie(resp, &cookie),
        None => resp,
    }
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
    let counted =
        guard_client::count(env, &key, limit.attempts, limit.window_ms, &log.request_id).await;
    SignInVerdict::of(counted).noted_in(log)
}

async fn sign_in(cx: &Ctx<'_>, fields: &[(String, String)]) -> Result<Response, EdgeError> {
    let nonce = session::browser_nonce(cx.client);
    let refused = |r: SignInRefused| sign_in_page(cx, r.status, &r.store, Some(r.notice));
    let attempt = match actions::read_sign_in(fields, nonce.as_deref(), &cx.keys.csrf, now_ms()) {
        Ok(attempt) => attempt,
        Err(r) => return Ok(refused(r)),
    };
    let credential = OwnerCredential::TokenHash(attempt.token_hash.clone());
    if !owns(cx.env, &attempt.store, credential, cx.rid).await? {
        return Ok(refused(SignInRefused::not_recognised(&attempt.shown)));
    }
    let value = cx.keys.signer.sign_session(&attempt.session(now_ms()));
    let cookie = rules::session_cookie(&value, SESSION_TTL_MS / 1000, cx.secure);
    Ok(with_cookie(
        respond::see_other(&Done::SignedIn.location()),
        &cookie,
    ))
}

async fn upload_asset(
    req: &mut Request,
    cx: &Ctx<'_>,
    session: &OwnerSession,
) -> Result<Response, EdgeError> {
    let content_type = req.headers().get("content-type").ok().flatten();
    let bytes = body::read_limited(req, BodyKind::Asset).await?;
    actions::require_multipart(content_type.as_deref())?;
    let form = upload::read(content_type.as_deref().unwrap_or(""), bytes).await?;
    let checked = match Next::checked_upload(&form, &cx.keys.csrf, session, now_ms())? {
        Ok(checked) => checked,
        Err(refused) => return answer(cx, session, refused).await,
    };
    crate::owner_api::put_asset(cx.env, &session.store, &checked, form.bytes, cx.rid).await?;
    Ok(respond::see_other(&Done::Uploaded.location()))
}

/// A console form's fields within its route's limit: 415 for another type (before the body
/// is read), 413 when too large, 400 when not UTF-8.
async fn read_form(
    req: &mut Request,
    route: ConsoleRoute,
) -> Result<Vec<(String, String)>, EdgeError> {
    let FormBody::UrlEncoded(kind) = FormBody::of(route) else {
        return Err(EdgeError::internal(format!(
            "{route:?} has no url-encoded form"
        )));
    };
    let content_type = req.headers().get("content-type").ok().flatten();
    actions::require_form(content_type.as_deref())?;
    let bytes = body::read_limited(req, kind).await?;
    Ok(actions::parse_form(&bytes)?)
}
