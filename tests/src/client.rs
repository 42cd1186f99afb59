//! An HTTP client that keeps one shopper's cookie, like a browser would.

use std::time::Duration;
use ureq::Agent;

/// One response, read fully.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Page {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The `name=value` part of the shopper cookie this response set, if any.
    pub fn shopper_cookie(&self) -> Option<String> {
        self.headers_named("set-cookie")
            .into_iter()
            .find(|c| c.starts_with("wandstore_shopper="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }

    /// The body parsed as JSON (panics with the body if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> Option<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse("input[name=csrf]").ok()?;
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned)
    }

    /// The variant a product page's add-to-cart form would send: the hidden field of a
    /// single-variant product, or the first option that is not disabled.
    pub fn available_variant(&self) -> Option<String> {
        let doc = scraper::Html::parse_document(&self.body);
        for css in [
            "input[type=hidden][name=variant_id]",
            "select[name=variant_id] option:not([disabled])",
        ] {
            let sel = scraper::Selector::parse(css).ok()?;
            if let Some(v) = doc
                .select(&sel)
                .next()
                .and_then(|e| e.value().attr("value"))
            {
                return Some(v.to_owned());
            }
        }
        None
    }

    /// The visit count shown on a home page.
    pub fn visits(&self) -> Option<u64> {
        if self.body.contains("This is your first visit.") {
            return Some(1);
        }
        let start = self.body.find("data-visits=\"")? + "data-visits=\"".len();
        let end = self.body[start..].find('"')? + start;
        self.body[start..end].parse().ok()
    }
}

/// A client bound to a stack's base URL, holding at most one cookie header value.
pub struct Client {
    base: String,
    agent: Agent,
    pub cookie: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Client {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            cookie: None,
        }
    }

    /// GET `path`, sending the cookie if there is one and keeping any shopper cookie set.
    pub fn get(&mut self, path: &str) -> Page {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let page = read(req.call());
        if let Some(c) = page.shopper_cookie() {
            self.cookie = Some(c);
        }
        page
    }

    /// GET `path` with one extra header (and no cookie handling).
    pub fn get_with_header(&self, path: &str, name: &str, value: &str) -> Page {
        read(
            self.agent
                .get(format!("{}{path}", self.base))
                .header(name, value)
                .call(),
        )
    }

    /// Any request, with explicit headers and an optional body; cookies are not touched.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Page {
        self.try_send(method, path, headers, body)
            .unwrap_or_else(|e| panic!("request failed: {e}"))
    }

    /// Any request with a binary body (uploads); cookies are not touched.
    pub fn send_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Page {
        let uri = format!("{}{path}", self.base);
        let mut builder = ureq::http::Request::builder().method(method).uri(&uri);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let req = builder
            .body(body.to_vec())
            .unwrap_or_else(|e| panic!("building {method} {uri}: {e}"));
        read(self.agent.run(req))
    }

    /// Like [`Client::send`], but a request the HTTP library refuses to build or send (an
    /// invalid header value, a broken connection) is an `Err` instead of a panic.
    pub fn try_send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Page, String> {
        let uri = format!("{}{path}", self.base);
        let mut builder = ureq::http::Request::builder().method(method).uri(&uri);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let req = builder
            .body(body.unwrap_or_default().to_owned())
            .map_err(|e| format!("building {method} {uri}: {e}"))?;
        match self.agent.run(req) {
            Ok(resp) => Ok(read(Ok(resp))),
            Err(e) => Err(format!("{method} {uri}: {e}")),
        }
    }

    /// POST a form (`application/x-www-form-urlencoded`) as a browser would, with the cookie,
    /// keeping any shopper cookie set; redirects are not followed.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let page = read(req.send_form(fields.iter().copied()));
        if let Some(c) = page.shopper_cookie() {
            self.cookie = Some(c);
        }
        page
    }

    /// POST a JSON body with the cookie and extra headers, keeping any shopper cookie set.
    pub fn post_json(&mut self, path: &str, body: &str, headers: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        let cookie = self.cookie.clone();
        if let Some(c) = &cookie {
            all.push(("cookie", c));
        }
        let page = self.send("POST", path, &all, Some(body));
        if let Some(c) = page.shopper_cookie() {
            self.cookie = Some(c);
        }
        page
    }

    /// POST an empty form to `path`.
    pub fn post_empty(&mut self, path: &str) -> Page {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        read(req.send_empty())
    }
}

fn read(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Page {
    let mut resp = match result {
        Ok(r) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("reading body: {e}"));
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}
