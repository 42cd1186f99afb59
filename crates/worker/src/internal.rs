//! The transport between the Worker and the Durable Objects: typed questions
//! ([`ask_text`], read by `objects::ask`), forwarded page requests, and reading bodies with
//! one call into JavaScript rather than chunk by chunk.
//!
//! Only the Worker can reach an object, so what it sends in internal headers is trusted; the
//! entry never forwards a client's own `x-wandstore-*` headers.

use wandstore_core::header_init::init_json;
use wandstore_protocol::EdgeError;
use wandstore_protocol::entry_route::ObjectCall;
use wandstore_protocol::wire::{self, AskError, MalformedMessage, Question};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::DurableObject;
use worker::{Request, Response, web_sys};

/// The path typed questions are posted to.
pub const ASK_PATH: &str = "/ask";
pub const REQUEST_ID: &str = "x-request-id";

/// Every header of a JavaScript `Headers` object (lower-case names, in its order), read with
/// two calls into JavaScript instead of three per header.
pub fn read_headers(headers: &web_sys::Headers) -> Vec<(String, String)> {
    let pairs = worker::js_sys::Array::from(headers.as_ref());
    worker::js_sys::JSON::stringify(&pairs)
        .ok()
        .and_then(|json| json.as_string())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// What `RequestInit` and `ResponseInit` take as headers: `pairs` (name–value pairs of
/// strings, borrowed or owned) as one JavaScript value made with one call into JavaScript, an
/// object when no name repeats (`core::header_init` on why). The runtime builds the message's
/// own `Headers` from it, so no `Headers` object is made only to be copied.
pub fn headers_init<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> worker::Result<JsValue> {
    Ok(worker::js_sys::JSON::parse(&init_json(pairs))?)
}

/// A response made in JavaScript: `status`, `pairs` as its headers ([`headers_init`]) and
/// `body` (bytes, or a stream never copied into Wasm) as it is.
pub fn response<K: AsRef<str>, V: AsRef<str>>(
    status: u16,
    pairs: &[(K, V)],
    body: Option<&worker::js_sys::Object>,
) -> worker::Result<web_sys::Response> {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers_init(pairs)?);
    Ok(web_sys::Response::new_with_opt_buffer_source_and_init(
        body, &init,
    )?)
}

/// A body of bytes for [`response`], copied out of Wasm once (none when empty: a 303's).
pub fn bytes(body: &[u8]) -> Option<worker::js_sys::Object> {
    (!body.is_empty()).then(|| worker::js_sys::Uint8Array::from(body).into())
}

/// A JavaScript `Headers` object holding `pairs`, for APIs that want one.
pub fn make_headers<K: AsRef<str>, V: AsRef<str>>(
    pairs: &[(K, V)],
) -> worker::Result<web_sys::Headers> {
    Ok(web_sys::Headers::new_with_str_sequence_sequence(
        &headers_init(pairs)?,
    )?)
}

/// Sends `method path` (with `headers` and `body`) to the object named `name` in the
/// namespace bound as `binding`, made directly in JavaScript (the host is ignored by the
/// runtime), and answers its raw response (the body still a stream).
async fn fetch(
    env: &worker::Env,
    (binding, name): (&str, &str),
    (method, path): (&str, &str),
    headers: &[(impl AsRef<str>, impl AsRef<str>)],
    body: Option<&str>,
) -> worker::Result<web_sys::Response> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers_init(headers)?);
    // An object's redirect (a 303 after a form post) is for the browser, not for the Worker.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let url = format!("https://object.internal{path}");
    let req = web_sys::Request::new_with_str_and_init(&url, &init)?;
    let namespace = crate::bindings::held(binding, || env.durable_object(binding))?;
    let raw: DurableObject = namespace.id_from_name(name)?.get_stub()?.into_rpc();
    let answer = JsFuture::from(raw.fetch_with_request(&req)?).await?;
    Ok(answer.dyn_into::<web_sys::Response>()?)
}

/// Sends `call` to its object in the namespace bound as `binding` and answers its raw
/// response (a failed call is a 500).
pub async fn send(
    env: &worker::Env,
    binding: &str,
    call: &ObjectCall<'_>,
) -> Result<web_sys::Response, EdgeError> {
    let (object, request) = (
        (binding, call.name.as_str()),
        (call.method, call.path.as_str()),
    );
    let sent = fetch(env, object, request, &call.headers, call.body).await;
    sent.map_err(EdgeError::internal)
}

/// A body as text, read by JavaScript in one call (`read`: its `text()`).
async fn text_of(read: Result<worker::js_sys::Promise, JsValue>) -> worker::Result<String> {
    let text = JsFuture::from(read?).await?;
    text.as_string()
        .ok_or_else(|| worker::Error::RustError("a body was not text".into()))
}

/// A request's body as text, read by JavaScript in one call.
pub async fn request_text(req: &Request) -> worker::Result<String> {
    text_of(req.inner().text()).await
}

/// Posts an encoded question to the object named `name` in the namespace bound as `binding`
/// and answers its reply's body (a failed call, or a status other than 200, is a broken one).
pub async fn ask_text<E>(
    env: &worker::Env,
    object: (&str, &str),
    body: String,
    request_id: &str,
) -> Result<String, AskError<E>> {
    let sent = async {
        let headers = [(REQUEST_ID, request_id)];
        let resp = fetch(env, object, ("POST", ASK_PATH), &headers, Some(&body)).await?;
        Ok::<_, worker::Error>((resp.status(), text_of(resp.text()).await?))
    };
    let (status, text) = sent.await.map_err(|e| AskError::Broken(e.to_string()))?;
    wire::reply_body(status, text)
}

/// On the object's side: the question posted to [`ASK_PATH`].
pub async fn read_question<E: serde::de::DeserializeOwned>(
    req: &Request,
) -> worker::Result<Result<E, MalformedMessage>> {
    let text = request_text(req).await?;
    Ok(wire::decode_question(text.as_bytes()))
}

/// On the object's side: the answer to one question, as the asker expects it.
pub fn reply<Q: Question>(result: &Result<Q::Answer, Q::Error>) -> Response {
    crate::respond::bytes(
        200,
        "application/json",
        wire::encode_reply::<Q>(result).into_bytes(),
    )
}

/// On the object's side: a question it cannot read (a bug in the asker, logged there).
pub fn unreadable(e: &MalformedMessage) -> Response {
    crate::respond::bytes(400, "text/plain; charset=utf-8", e.to_string().into_bytes())
}
