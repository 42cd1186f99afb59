//! The Rust floor of `cargo xtask bench` (see ../README.md): `bench/floor-js` written with
//! workers-rs 0.8, crossing into JavaScript the way WandStore's shell does (the runtime's own
//! `Request` taken as it comes, headers crossing as one JSON object, the object's body streamed
//! through untouched). It does what the JavaScript floor does and nothing more, so what it
//! costs above that floor is what workers-rs and wasm-bindgen cost a Worker per request.

use worker::js_sys::{Array, JSON, Uint8Array};
use worker::wasm_bindgen::{self, JsCast, JsValue, prelude::*};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{
    Context, DurableObject, Env, Method, Request, Response, Result, State, durable_object, event,
    web_sys,
};

/// About the size of the pages the two storefronts serve (the same page as the JS floor's).
const PAGE_BYTES: usize = 24 * 1024;
const ROW: &str = "<li><a href=\"/products/p\">A product &amp; its price</a></li>\n";
const COOKIE: &str = "wandstore_shopper";

fn page() -> String {
    let mut page = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Floor</title></head><body><ul>\n",
    );
    for _ in 0..PAGE_BYTES.div_ceil(ROW.len()) {
        page.push_str(ROW);
    }
    page.push_str("</ul></body></html>\n");
    page
}

/// Answers the fixed page, touching no storage.
#[durable_object]
pub struct ShopperStorefront {
    page: String,
}

impl DurableObject for ShopperStorefront {
    fn new(_state: State, _env: Env) -> Self {
        ShopperStorefront { page: page() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.method() == Method::Post {
            req.text().await?;
        }
        let mut resp = Response::from_html(&self.page)?;
        resp.headers_mut()
            .set("x-floor-report", "{\"rows_read\":0}")?;
        Ok(resp)
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &Uint8Array);
}

/// 16 random bytes as 32 hex characters (a request id or a new shopper).
fn random_hex() -> String {
    let buf = Uint8Array::new_with_length(16);
    get_random_values(&buf);
    buf.to_vec().iter().map(|b| format!("{b:02x}")).collect()
}

/// Every header, read with two calls into JavaScript (as WandStore's `internal::read_headers`).
fn read_headers(headers: &web_sys::Headers) -> Vec<(String, String)> {
    JSON::stringify(&Array::from(headers.as_ref()))
        .ok()
        .and_then(|json| json.as_string())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// `pairs` as the record `Headers` takes, made with one call into JavaScript (as WandStore's
/// `internal::headers_init` sends them when no name repeats, which none here does).
fn headers_init(pairs: &[(String, String)]) -> Result<JsValue> {
    let record: serde_json::Map<String, serde_json::Value> = (pairs.iter())
        .map(|(name, value)| (name.clone(), value.as_str().into()))
        .collect();
    Ok(JSON::parse(&serde_json::to_string(&record)?)?)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The client's request id if it is a sane one, else a new one.
fn request_id(given: Option<&str>) -> String {
    let sane = |id: &str| {
        !id.is_empty()
            && id.len() <= 64
            && (id.bytes()).all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    given
        .filter(|id| sane(id))
        .map_or_else(random_hex, str::to_owned)
}

/// The shopper in the cookie, if it holds 32 lower-case hex characters.
fn shopper_cookie(header: Option<&str>) -> Option<String> {
    let hex = |v: &str| {
        v.len() == 32 && (v.bytes()).all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    header?.split(';').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name == COOKIE && hex(value)).then(|| value.to_owned())
    })
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, _ctx: Context) -> Result<web_sys::Response> {
    let started = worker::Date::now().as_millis();
    let url = worker::Url::parse(&req.url())?;
    let client = read_headers(&req.headers());
    let rid = request_id(header(&client, "x-request-id"));
    let known = shopper_cookie(header(&client, "cookie"));
    let shopper = known.clone().unwrap_or_else(random_hex);
    let method = req.method();

    let context = serde_json::json!({ "store": "demo", "shopper": shopper, "request_id": rid });
    let init = web_sys::RequestInit::new();
    init.set_method(&method);
    init.set_headers(&headers_init(&[(
        "x-wandstore-context".into(),
        context.to_string(),
    )])?);
    if method == "POST"
        && let Some(body) = req.body()
    {
        init.set_body(&body);
    }
    let target = match url.query() {
        Some(query) => format!("https://shopper{}?{query}", url.path()),
        None => format!("https://shopper{}", url.path()),
    };
    let inner = web_sys::Request::new_with_str_and_init(&target, &init)?;
    let namespace = env.durable_object("SHOPPER_STOREFRONT")?;
    let stub = namespace
        .id_from_name(&format!("demo/{shopper}"))?
        .get_stub()?;
    let raw: worker::worker_sys::DurableObject = stub.into_rpc();
    let answer: web_sys::Response = JsFuture::from(raw.fetch_with_request(&inner)?)
        .await?
        .dyn_into()?;

    let duration = worker::Date::now().as_millis().saturating_sub(started);
    let mut headers: Vec<(String, String)> = read_headers(&answer.headers())
        .into_iter()
        .filter(|(name, _)| name != "x-floor-report")
        .collect();
    let finishing = [
        ("x-request-id", rid.clone()),
        ("x-response-time", format!("{duration}ms")),
        ("x-content-type-options", "nosniff".into()),
        ("referrer-policy", "strict-origin-when-cross-origin".into()),
        ("x-frame-options", "DENY".into()),
    ];
    headers.extend(finishing.map(|(name, value)| (name.to_owned(), value)));
    if known.is_none() {
        let cookie = format!("{COOKIE}={shopper}; Path=/; HttpOnly; SameSite=Lax");
        headers.push(("set-cookie".into(), cookie));
    }
    let line = serde_json::json!({
        "ts": started,
        "level": "info",
        "msg": "request",
        "request_id": rid,
        "method": method,
        "path": url.path(),
        "status": answer.status(),
        "duration_ms": duration,
        "store": "demo",
        "shopper": shopper.get(..12),
        "do": "ShopperStorefront",
        "new_shopper": known.is_none().then_some(true),
        "rows_read": 0,
        "rows_written": 0,
        "do_calls": 1,
    });
    worker::console_log!("{line}");
    let out = web_sys::ResponseInit::new();
    out.set_status(answer.status());
    out.set_headers(&headers_init(&headers)?);
    Ok(web_sys::Response::new_with_opt_readable_stream_and_init(
        answer.body().as_ref(),
        &out,
    )?)
}
