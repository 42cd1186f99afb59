//! The transport between the Worker and the Durable Objects: typed questions
//! ([`ask`]), forwarded page requests, and reading bodies with one call into JavaScript
//! rather than chunk by chunk.
//!
//! Only the Worker can reach an object, so what it sends in internal headers is trusted; the
//! entry never forwards a client's own `x-wandstore-*` headers.

use wandstore_protocol::entry_route::ObjectCall;
use wandstore_protocol::wire::{self, AskError, MalformedMessage, Question};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Request, Response, Stub, web_sys};

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

/// What `RequestInit` and `ResponseInit` take as headers: `pairs` (name and value each a
/// string, borrowed or owned) as a JavaScript array of name–value arrays, made with one call
/// into JavaScript. The runtime builds the message's own `Headers` from it, so no `Headers`
/// object is made only to be copied.
pub fn headers_init<K: AsRef<str> + serde::Serialize, V: AsRef<str> + serde::Serialize>(
    pairs: &[(K, V)],
) -> worker::Result<JsValue> {
    // A pair serializes as a two-string JSON array, the sequence `Headers` takes.
    let json = serde_json::to_string(pairs)?;
    Ok(worker::js_sys::JSON::parse(&json)?)
}

/// A response made in JavaScript: `status`, `pairs` as its headers ([`headers_init`]) and
/// `body` (bytes, or a stream never copied into Wasm) as it is.
pub fn response<K: AsRef<str> + serde::Serialize, V: AsRef<str> + serde::Serialize>(
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
pub fn make_headers<K: AsRef<str> + serde::Serialize, V: AsRef<str> + serde::Serialize>(
    pairs: &[(K, V)],
) -> worker::Result<web_sys::Headers> {
    Ok(web_sys::Headers::new_with_str_sequence_sequence(
        &headers_init(pairs)?,
    )?)
}

/// The stub of the object named `name` in the namespace bound as `binding`.
pub fn stub(env: &worker::Env, binding: &str, name: &str) -> worker::Result<Stub> {
    let namespace = crate::bindings::held(binding, || env.durable_object(binding))?;
    let id = namespace.id_from_name(name)?;
    id.get_stub()
}

/// Sends `method path` (with `headers` and `body`) to the object behind `stub`, made
/// directly in JavaScript (the host is ignored by the runtime), and answers its raw response
/// (the body still a stream).
async fn fetch(
    stub: Stub,
    method: &str,
    path: &str,
    headers: &JsValue,
    body: Option<&str>,
) -> worker::Result<web_sys::Response> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(headers);
    // An object's redirect (a 303 after a form post) is for the browser, not for the Worker.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let url = format!("https://object.internal{path}");
    let req = web_sys::Request::new_with_str_and_init(&url, &init)?;
    let raw: worker::worker_sys::DurableObject = stub.into_rpc();
    let promise = raw.fetch_with_request(&req)?;
    Ok(JsFuture::from(promise)
        .await?
        .dyn_into::<web_sys::Response>()?)
}

/// Sends `call` to its object in the namespace bound as `binding` and answers its raw
/// response.
pub async fn send(
    env: &worker::Env,
    binding: &str,
    call: &ObjectCall<'_>,
) -> worker::Result<web_sys::Response> {
    let stub = stub(env, binding, &call.name)?;
    let headers = headers_init(&call.headers)?;
    fetch(stub, call.method, &call.path, &headers, call.body).await
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

/// Asks an object a typed question and reads its typed answer. A refusal comes back as
/// `AskError::Refused`; a failed call or an answer of the wrong shape as `Broken`, never as
/// a default value.
pub async fn ask<Q: Question>(
    stub: Stub,
    question: Q,
    request_id: &str,
) -> Result<Q::Answer, AskError<Q::Error>> {
    let body = wire::encode_question(question)?;
    let text = ask_text(stub, body, request_id).await?;
    wire::decode_reply::<Q>(text.as_bytes())?.map_err(AskError::Refused)
}

/// Posts an encoded question to the object and answers its reply's body (a status other than
/// 200 is a broken call).
pub async fn ask_text<E>(
    stub: Stub,
    body: String,
    request_id: &str,
) -> Result<String, AskError<E>> {
    let broken = |e: worker::Error| AskError::Broken(e.to_string());
    let headers = headers_init(&[(REQUEST_ID, request_id)]).map_err(broken)?;
    let sent = fetch(stub, "POST", ASK_PATH, &headers, Some(&body)).await;
    let resp = sent.map_err(broken)?;
    let text = text_of(resp.text()).await.map_err(broken)?;
    wire::reply_body(resp.status(), text)
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
