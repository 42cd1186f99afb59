//! The one error the Worker renders. Every typed error from the pure crates converts into an
//! [`EdgeError`] (`From`), which the shell turns into a response in one place: JSON
//! (`{"error":{"code","message","request_id",…}}`) for APIs, a themed page for browsers,
//! with `Retry-After` and `Allow` where they apply.
//!
//! A client mistake is a 4xx with a message that says what to fix; a 5xx is a dependency
//! failure or a bug, and its details go to the log line, never to the client.

use crate::store::{StoreError, Unavailable};
use crate::wire::{AskError, MalformedMessage};
use serde_json::{Map, Value};
use wandstore_core::cart::{CartError, CommandError, IdempotencyKeyError};
use wandstore_core::catalog_question::CatalogMiss;
use wandstore_core::limits::LimitError;
use wandstore_core::routes::RouteError;
use wandstore_registry::{FieldError, RegistryRefusal};

/// An error on its way to the client.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeError {
    pub status: u16,
    /// Stable and machine-readable, e.g. `store_not_found`.
    pub code: String,
    /// Shown to the client as is: says what happened and what to do.
    pub message: String,
    /// `Retry-After` in seconds (429, 503).
    pub retry_after_secs: Option<u64>,
    /// `Allow` for a 405.
    pub allow: Option<&'static str>,
    /// More fields inside `error` (e.g. `fields`, `variant_id`, `total_pages`, `cause`).
    pub extra: Map<String, Value>,
    /// What the log line says beyond the message (never sent to the client).
    pub detail: Option<String>,
    /// More response headers (e.g. `RateLimit`, `RateLimit-Policy`).
    pub headers: Vec<(&'static str, String)>,
}

impl EdgeError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        EdgeError {
            status,
            code: code.to_owned(),
            message: message.into(),
            retry_after_secs: None,
            allow: None,
            extra: Map::new(),
            detail: None,
            headers: Vec::new(),
        }
    }

    pub fn with_extra(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs.max(1));
        self
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        EdgeError::new(400, code, message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        EdgeError::new(404, code, message)
    }

    /// A page or route that does not exist.
    pub fn no_route() -> Self {
        EdgeError::not_found("not_found", "there is nothing at this address")
    }

    /// No store answers at this address (unknown slug, store or custom domain).
    pub fn no_store(message: impl Into<String>) -> Self {
        EdgeError::not_found("store_not_found", message)
    }

    /// 405 with the methods the route takes.
    pub fn method_not_allowed(allow: &'static str) -> Self {
        let mut e = EdgeError::new(
            405,
            "method_not_allowed",
            format!("this address accepts {allow}"),
        );
        e.allow = Some(allow);
        e
    }

    /// A dependency that cannot answer now.
    pub fn unavailable(code: &str, why: &Unavailable) -> Self {
        EdgeError::new(503, code, why.message.clone())
            .with_extra("cause", why.cause.clone())
            .with_extra("retry_after_secs", why.retry_after_secs)
            .with_retry_after(why.retry_after_secs)
    }

    /// Too many requests of one class: 429 with `Retry-After` (no remaining count is
    /// invented: the limiter does not report one).
    pub fn rate_limited(class: &str, retry_after_secs: u64) -> Self {
        EdgeError::new(
            429,
            "rate_limited",
            format!("too many {class} requests; please slow down and try again shortly"),
        )
        .with_extra("class", class.to_owned())
        .with_retry_after(retry_after_secs)
    }

    /// Past an exact limit: 429 with `Retry-After` and the IETF draft's `RateLimit-Policy`
    /// and `RateLimit` (an exact counter has a remaining count to report).
    pub fn over_quota(class: &str, quota: &wandstore_core::abuse::Quota) -> Self {
        let mut e = EdgeError::rate_limited(class, quota.reset_secs.max(1));
        e.headers = vec![
            ("ratelimit-policy", quota.policy_header()),
            ("ratelimit", quota.header()),
        ];
        e
    }

    /// A client banned for going past rate limits again and again: 429 until the ban ends.
    pub fn banned(retry_after_secs: u64) -> Self {
        EdgeError::new(
            429,
            "banned",
            "this client went past the rate limits too often and is blocked for now",
        )
        .with_retry_after(retry_after_secs)
    }

    /// A bug or a runtime failure: the client sees a generic message, the log the detail.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let mut e = EdgeError::new(
            500,
            "internal",
            "something went wrong on our side; please try again in a moment",
        );
        e.detail = Some(detail.to_string());
        e
    }

    /// A configuration the deployment lacks (e.g. a secret), so the route cannot work.
    pub fn misconfigured(code: &str, message: &str, detail: impl std::fmt::Display) -> Self {
        let mut e = EdgeError::new(503, code, message);
        e.detail = Some(detail.to_string());
        e
    }

    /// Every problem with the input at once (422, `fields`).
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let message = fields
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let fields = serde_json::to_value(&fields).unwrap_or(Value::Null);
        EdgeError::new(422, "invalid", message).with_extra("fields", fields)
    }

    /// What a log line says of the error: its detail, else its message.
    pub fn for_log(&self) -> String {
        self.detail.clone().unwrap_or_else(|| self.message.clone())
    }

    /// Fills the request log's error fields: the code and [`for_log`](Self::for_log).
    pub fn note_in(&self, log: &mut wandstore_core::log::RequestLog) {
        log.error_code = Some(self.code.clone());
        log.error = Some(self.for_log());
    }

    pub fn is_server_error(&self) -> bool {
        self.status >= 500
    }

    /// The heading of the themed page a browser sees.
    pub fn heading(&self) -> &'static str {
        match (self.status, self.code.as_str()) {
            (_, "store_not_found") => "Store not found",
            (_, "csrf") => "This form has expired",
            (400, "bad_query") => "That listing does not exist",
            (400, _) => "That request was not understood",
            (401 | 403, _) => "Not allowed",
            (404, _) => "Not found",
            (405, _) => "Method not allowed",
            (409, _) => "That conflicts with what is there",
            (413, _) => "That is too large",
            (422, _) => "That did not work",
            (429, _) => "Too many requests",
            (503, _) => "Temporarily unavailable",
            _ => "Something went wrong",
        }
    }

    /// The text of the themed page: the message, in a sentence; a 5xx says what to do.
    pub fn page_message(&self) -> String {
        match self.status {
            503 => match self.retry_after_secs {
                Some(secs) => {
                    format!("This cannot be loaded right now. Please try again in {secs} seconds.")
                }
                None => "This cannot be loaded right now. Please try again later.".to_owned(),
            },
            500.. => "We could not show this page. Please try again in a moment.".to_owned(),
            _ => sentence(&self.message),
        }
    }

    /// The JSON body for API clients.
    pub fn json_body(&self, request_id: &str) -> String {
        let mut error = Map::new();
        error.insert("code".into(), Value::String(self.code.clone()));
        error.insert("message".into(), Value::String(self.message.clone()));
        error.insert("request_id".into(), Value::String(request_id.to_owned()));
        for (k, v) in &self.extra {
            error.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let mut body = Map::new();
        body.insert("error".into(), Value::Object(error));
        html_safe_json(&Value::Object(body).to_string())
    }

    /// The error's answer: its headers (content type first, then `Retry-After`, `Allow` and
    /// its own) and body, the themed `page` when one was rendered for a browser, else the
    /// JSON body (also when the page failed to render).
    pub fn answer(
        &self,
        page: Option<String>,
        request_id: &str,
    ) -> (Vec<(&'static str, String)>, String) {
        let (content_type, body) = match page {
            Some(html) => ("text/html; charset=utf-8", html),
            None => ("application/json", self.json_body(request_id)),
        };
        let mut headers = Vec::with_capacity(3 + self.headers.len());
        headers.push(("content-type", content_type.to_owned()));
        if let Some(secs) = self.retry_after_secs {
            headers.push(("retry-after", secs.to_string()));
        }
        if let Some(allow) = self.allow {
            headers.push(("allow", allow.to_owned()));
        }
        headers.extend(self.headers.iter().cloned());
        (headers, body)
    }
}

pub use wandstore_core::safe_json::html_safe_json;

/// `the thing failed` → `The thing failed.`
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut s: String = first.to_uppercase().chain(chars).collect();
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

impl From<StoreError> for EdgeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => EdgeError::no_store("there is no such store"),
            StoreError::Catalog { miss } => miss.into(),
            StoreError::CatalogUnavailable { ref why } => {
                let mut edge = EdgeError::unavailable("catalog_unavailable", why);
                edge.message = e.to_string();
                edge
            }
            StoreError::CheckoutRefused { message } => {
                EdgeError::new(422, "checkout_refused", message)
            }
            StoreError::CheckoutUnavailable { why } => {
                EdgeError::unavailable("checkout_unavailable", &why)
            }
            StoreError::Invalid { fields } => EdgeError::invalid(fields),
            StoreError::Registry { refusal } => refusal.into(),
            StoreError::AlreadyExists => EdgeError::new(409, "store_exists", e.to_string()),
            StoreError::Changed => EdgeError::new(409, "version_conflict", e.to_string()),
            StoreError::Forbidden => EdgeError::new(403, "forbidden", e.to_string()),
            StoreError::ThemeInvalid { ref fields } => {
                let list = serde_json::to_value(fields).unwrap_or(Value::Null);
                EdgeError::new(422, "invalid_theme", e.to_string()).with_extra("fields", list)
            }
            StoreError::Conflict { code, message } => EdgeError::new(409, &code, message),
            StoreError::Missing { code, message } => EdgeError::not_found(&code, message),
            StoreError::BackupRefused { code, message } => EdgeError::new(422, &code, message),
            StoreError::Misconfigured { what } => EdgeError::misconfigured(
                "config",
                "this part of the platform is not configured yet; please try again later",
                what,
            ),
            StoreError::Internal { message } => EdgeError::internal(message),
        }
    }
}

impl From<wandstore_core::asset::AssetError> for EdgeError {
    fn from(e: wandstore_core::asset::AssetError) -> Self {
        EdgeError::new(e.status(), e.code(), e.to_string())
    }
}

impl From<wandstore_core::secret::AuthRefusal> for EdgeError {
    fn from(r: wandstore_core::secret::AuthRefusal) -> Self {
        use wandstore_core::secret::AuthRefusal;
        match r {
            AuthRefusal::AdminDisabled => EdgeError::misconfigured(
                "admin_disabled",
                "the admin API is disabled: set the ADMIN_TOKEN secret",
                "ADMIN_TOKEN is missing or shorter than 32 bytes",
            ),
            AuthRefusal::NoBearer => challenge(EdgeError::new(
                401,
                "unauthorized",
                "send Authorization: Bearer <admin token>",
            )),
            AuthRefusal::WrongToken => challenge(EdgeError::new(
                401,
                "unauthorized",
                "the admin token is not valid",
            )),
        }
    }
}

/// A 401 says how to authenticate (`core::secret::admin_challenge`).
fn challenge(mut e: EdgeError) -> EdgeError {
    if let Some((name, value)) = wandstore_core::secret::admin_challenge(e.status) {
        e.headers.push((name, value.to_owned()));
    }
    e
}

impl From<wandstore_ai::settings::SettingsRefusal> for EdgeError {
    fn from(r: wandstore_ai::settings::SettingsRefusal) -> Self {
        use wandstore_ai::settings::SettingsRefusal;
        match r {
            SettingsRefusal::NotJson => EdgeError::bad_request("bad_json", "the body is not JSON"),
            SettingsRefusal::NotObject => {
                EdgeError::bad_request("bad_json", "the body must be a JSON object of settings")
            }
            SettingsRefusal::Fields(errors) => {
                EdgeError::invalid(crate::personalization::refused_fields(errors))
            }
        }
    }
}

impl From<wandstore_core::console::actions::ConsoleRefusal> for EdgeError {
    fn from(r: wandstore_core::console::actions::ConsoleRefusal) -> Self {
        let e = EdgeError::new(r.status, r.code, r.message);
        match r.retry_after_secs {
            Some(secs) => e.with_retry_after(secs),
            None => e,
        }
    }
}

impl From<RegistryRefusal> for EdgeError {
    fn from(r: RegistryRefusal) -> Self {
        let status = match r {
            RegistryRefusal::UnknownStore { .. } => 404,
            RegistryRefusal::SlugTaken { .. } | RegistryRefusal::DomainTaken { .. } => 409,
        };
        EdgeError::new(status, r.code(), r.to_string())
    }
}

impl From<CatalogMiss> for EdgeError {
    fn from(miss: CatalogMiss) -> Self {
        let e = EdgeError::not_found(miss.code(), miss.to_string());
        match miss {
            CatalogMiss::NoSuchPage { total_pages } => e.with_extra("total_pages", total_pages),
            _ => e,
        }
    }
}

impl From<CartError> for EdgeError {
    fn from(e: CartError) -> Self {
        EdgeError::new(e.status(), e.code(), e.to_string())
            .with_extra("variant_id", e.variant_id().to_owned())
    }
}

impl From<CommandError> for EdgeError {
    fn from(e: CommandError) -> Self {
        EdgeError::new(e.status(), e.code(), e.to_string())
    }
}

impl From<IdempotencyKeyError> for EdgeError {
    fn from(e: IdempotencyKeyError) -> Self {
        EdgeError::new(e.status(), e.code(), e.to_string())
    }
}

impl From<LimitError> for EdgeError {
    fn from(e: LimitError) -> Self {
        let edge = EdgeError::new(e.status(), e.code(), e.to_string());
        match e {
            LimitError::UnknownMethod => EdgeError {
                allow: Some(METHODS_ALLOW),
                ..edge
            },
            _ => edge,
        }
    }
}

/// The platform's methods, as an `Allow` header.
const METHODS_ALLOW: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

impl From<MalformedMessage> for EdgeError {
    fn from(e: MalformedMessage) -> Self {
        EdgeError::internal(e)
    }
}

impl<E: Into<EdgeError>> From<AskError<E>> for EdgeError {
    fn from(e: AskError<E>) -> Self {
        match e {
            AskError::Refused(refusal) => refusal.into(),
            AskError::Broken(detail) => EdgeError::internal(detail),
        }
    }
}

/// Why a question got no answer, as a log line says it: the error's message, with its
/// detail when it has one (a broken call's).
impl<E: Clone + Into<EdgeError>> std::fmt::Display for AskError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = EdgeError::from(self.clone());
        match e.detail {
            Some(detail) => write!(f, "{} ({detail})", e.message),
            None => f.write_str(&e.message),
        }
    }
}

/// A request no route takes: 404, or 405 with the methods the path does take.
pub fn route_error(e: RouteError) -> EdgeError {
    match e {
        RouteError::NotFound => EdgeError::no_route(),
        RouteError::MethodNotAllowed(allow) => EdgeError::method_not_allowed(allow),
    }
}

#[cfg(test)]
#[path = "edge_tests.rs"]
mod tests;
