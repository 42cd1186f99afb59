//! The load generator: scenarios (what request `i` is), shoppers (one cookie each, so one
//! shopper object each), and a closed loop of `concurrency` threads that time each request
//! from sending it to its last byte.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use ureq::Agent;

/// Request `i` of a run: (method, path, body).
pub type MakeRequest = Box<dyn Fn(usize) -> (&'static str, String, Option<String>) + Send + Sync>;

pub struct Scenario {
    /// Stable name used in the report: `home`, `collection`, `product`, `cart_add`.
    pub name: &'static str,
    /// What the printed table calls it.
    pub label: &'static str,
    pub request: MakeRequest,
    /// Counts as a page view for the StoreConfig ratio.
    pub page_view: bool,
}

/// One scenario's run against one system.
pub struct LoadResult {
    pub requests: usize,
    pub errors: usize,
    pub seconds: f64,
    /// Sorted ascending.
    pub latencies_ms: Vec<f64>,
}

impl LoadResult {
    pub fn req_s(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }

    pub fn percentile(&self, p: f64) -> f64 {
        percentile(&self.latencies_ms, p)
    }
}

/// The value at rank `p`% of a sorted list (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// `GET url`: (status, body).
pub fn get(http: &Agent, url: &str) -> Result<(u16, String), String> {
    let mut resp = http
        .get(url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    Ok((status, body))
}

/// `n` new shoppers: the shopper cookie (`name=value`) a first visit to `base/` sets.
pub fn new_shoppers(http: &Agent, base: &str, n: usize) -> Result<Vec<String>, String> {
    (0..n)
        .map(|_| {
            let mut resp = http
                .get(format!("{base}/"))
                .call()
                .map_err(|e| format!("GET {base}/: {e}"))?;
            let _ = resp.body_mut().read_to_vec();
            shopper_cookie(&resp)
                .ok_or_else(|| format!("{base}/ set no shopper cookie ({})", resp.status()))
        })
        .collect()
}

/// The shopper cookie (`name=value`) a response sets, if it sets one.
fn shopper_cookie(resp: &ureq::http::Response<ureq::Body>) -> Option<String> {
    cookie_from_set_cookie(
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}

/// The `wandstore_shopper=…` pair among `Set-Cookie` values (attributes dropped).
fn cookie_from_set_cookie<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    values
        .into_iter()
        .find(|c| c.starts_with("wandstore_shopper="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
}

/// Where a run's requests go: `send_to` is wrangler's public port (through its dev proxy,
/// where `original` is the same) or the user worker's own socket, whose requests carry the
/// `MF-Original-URL` header wrangler's proxy sets, so the Worker sees the same URL either way.
#[derive(Clone, Copy)]
pub struct Via<'a> {
    pub send_to: &'a str,
    pub original: &'a str,
}

impl Via<'_> {
    /// The URL to send `path` to, and the original URL to name if it is not that one.
    fn urls(&self, path: &str) -> (String, Option<String>) {
        let url = format!("{}{path}", self.send_to);
        let original = (self.send_to != self.original).then(|| format!("{}{path}", self.original));
        (url, original)
    }
}

/// `requests` requests of `scenario` against `via`, `cookies.len()` at a time (one thread per
/// shopper, each with its own connection). Request `i` carries `X-Request-ID: {tag}-{i}`
/// (both systems keep a plain caller id), so its log line can be told apart. Every response
/// body is read to the end; anything but a 200 counts as an error. Each shopper keeps the
/// cookie the last response set, as a browser does (a first visit's cookie carries a
/// one-time hint that the next home page consumes and re-sets without).
pub fn load(
    via: Via<'_>,
    scenario: &Scenario,
    requests: usize,
    cookies: &[String],
    tag: &str,
) -> LoadResult {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let per_thread: Vec<(Vec<f64>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = cookies
            .iter()
            .map(|cookie| {
                let next = &next;
                s.spawn(move || {
                    let mut cookie = cookie.clone();
                    let http = agent();
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= requests {
                            break;
                        }
                        let (method, path, body) = (scenario.request)(i);
                        let (url, original) = via.urls(&path);
                        let id = format!("{tag}-{i}");
                        let t = Instant::now();
                        let response = match (method, body) {
                            ("POST", Some(body)) => {
                                let mut req = http
                                    .post(url.as_str())
                                    .header("cookie", &cookie)
                                    .header("x-request-id", &id)
                                    .header("content-type", "application/json");
                                if let Some(o) = &original {
                                    req = req.header("mf-original-url", o);
                                }
                                req.send(body)
                            }
                            _ => {
                                let mut req = http
                                    .get(url.as_str())
                                    .header("cookie", &cookie)
                                    .header("x-request-id", &id);
                                if let Some(o) = &original {
                                    req = req.header("mf-original-url", o);
                                }
                                req.call()
                            }
                        };
                        let status = response.map(|mut r| {
                            let _ = r.body_mut().read_to_vec();
                            if let Some(set) = shopper_cookie(&r) {
                                cookie = set;
                            }
                            r.status().as_u16()
                        });
                        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                        if !matches!(status, Ok(200)) {
                            errors += 1;
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let errors = per_thread.iter().map(|(_, e)| e).sum();
    let mut latencies_ms: Vec<f64> = per_thread.into_iter().flat_map(|(l, _)| l).collect();
    latencies_ms.sort_by(|a, b| a.total_cmp(b));
    LoadResult {
        requests: latencies_ms.len(),
        errors,
        seconds,
        latencies_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::{Via, cookie_from_set_cookie};

    #[test]
    fn a_direct_request_names_the_url_the_proxy_would_have_sent() {
        let proxy = Via {
            send_to: "http://127.0.0.1:8787",
            original: "http://127.0.0.1:8787",
        };
        assert_eq!(
            proxy.urls("/s/demo/"),
            ("http://127.0.0.1:8787/s/demo/".into(), None)
        );
        let direct = Via {
            send_to: "http://127.0.0.1:40947",
            original: "http://127.0.0.1:8787",
        };
        assert_eq!(
            direct.urls("/s/demo/?q=1"),
            (
                "http://127.0.0.1:40947/s/demo/?q=1".into(),
                Some("http://127.0.0.1:8787/s/demo/?q=1".into())
            )
        );
    }

    #[test]
    fn the_shopper_cookie_is_taken_without_its_attributes() {
        let set = [
            "other=1; Path=/",
            "wandstore_shopper=v1.abc.sig~h; Path=/s/demo/; HttpOnly; SameSite=Lax",
        ];
        assert_eq!(
            cookie_from_set_cookie(set),
            Some("wandstore_shopper=v1.abc.sig~h".to_owned())
        );
        assert_eq!(cookie_from_set_cookie(["other=1"]), None);
        assert_eq!(cookie_from_set_cookie([]), None);
    }
}
