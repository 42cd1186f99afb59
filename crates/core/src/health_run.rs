//! One health request as a sans-IO driver: [`HealthRun::poll`] says which check runs next
//! ([`HealthIo`]: for `/health/ready` and `/health` each dependency in turn, then for
//! `/health` the store list and up to [`MAX_STORES_CHECKED`] stores' catalogs at once) and
//! the `on_…` methods take what each answered (`None`: no answer within
//! [`CHECK_TIMEOUT_MS`]), until it answers ([`HealthIo::Answer`], whose
//! [`HealthAnswer::reply`] is the response's status, headers and body). `/health/live` and
//! `/.well-known/security.txt` answer at once. A slow or failing dependency is its check's
//! result; a registry that cannot list its stores leaves the store checks out (the
//! dependency check already says the objects fail).

use crate::catalog_index::CatalogStatus;
use crate::health::{CHECK_TIMEOUT_MS, Check, Dependency, MAX_STORES_CHECKED, Readiness, Summary};
use crate::safe_json::html_safe_json;
use crate::store::StoreSlug;
use crate::tuning::Tuning;
use serde::Serialize;

/// Which health answer is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthRoute {
    /// `/health/live`: the Worker runs (no check).
    Live,
    /// `/health/ready`: the dependencies only.
    Ready,
    /// `/health`: the dependencies and the stores.
    Summary,
    /// `/.well-known/security.txt` (RFC 9116), valid for a year from now (no check).
    SecurityTxt,
}

/// What the Worker says about itself in `/health`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolate {
    pub started_ms: u64,
    pub environment: Option<String>,
    pub version: &'static str,
    /// How long a synced catalog is fresh.
    pub fresh_ms: u64,
    /// `SECURITY_CONTACT`, for `security.txt` (a default without it).
    pub security_contact: Option<String>,
}

impl Isolate {
    /// This isolate, started at `started_ms` and running `version`, with the settings read
    /// through `var`: `ENVIRONMENT`, `SECURITY_CONTACT` and the catalogs' freshness
    /// ([`Tuning::from_vars`]).
    pub fn from_vars(
        started_ms: u64,
        version: &'static str,
        var: impl Fn(&str) -> Option<String>,
    ) -> Isolate {
        Isolate {
            started_ms,
            environment: var("ENVIRONMENT"),
            version,
            fresh_ms: Tuning::from_vars(&var).catalog_fresh_ms,
            security_contact: var("SECURITY_CONTACT"),
        }
    }
}

/// A finished health answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum HealthAnswer {
    /// `{"status":"ok"}`.
    Live(Live),
    Ready(Readiness),
    Summary(Summary),
    /// The text of `security.txt`.
    SecurityTxt(String),
}

/// `/health/live`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Live {
    pub status: &'static str,
}

/// A JSON answer's content type.
const JSON: &str = "application/json";

impl HealthAnswer {
    pub fn http_status(&self) -> u16 {
        match self {
            HealthAnswer::Live(_) | HealthAnswer::SecurityTxt(_) => 200,
            HealthAnswer::Ready(r) => r.http_status(),
            HealthAnswer::Summary(s) => s.http_status(),
        }
    }

    /// The response: its status, headers (the checks' answers are never cached) and body
    /// (JSON with `<`, `>`, `&` escaped, see [`html_safe_json`]).
    pub fn reply(&self) -> (u16, Vec<(&'static str, String)>, String) {
        let mut headers = vec![("content-type", JSON.to_owned())];
        let json = match self {
            HealthAnswer::SecurityTxt(text) => {
                let text_plain = vec![("content-type", "text/plain; charset=utf-8".to_owned())];
                return (200, text_plain, text.clone());
            }
            HealthAnswer::Live(_) => serde_json::to_string(self),
            HealthAnswer::Ready(_) | HealthAnswer::Summary(_) => {
                headers.push(("cache-control", "no-store".to_owned()));
                serde_json::to_string(self)
            }
        };
        // A struct of strings, numbers and lists always serializes; the fallback is never sent.
        let json = json.unwrap_or_else(|_| "{}".to_owned());
        (self.http_status(), headers, html_safe_json(&json))
    }
}

/// The check the request needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthIo {
    /// Ask this dependency, within [`CHECK_TIMEOUT_MS`] ([`HealthRun::on_dependency`]).
    Dependency(Dependency),
    /// List the registered stores ([`HealthRun::on_stores`]).
    ListStores,
    /// Ask these stores for their catalog status at once, each within
    /// [`CHECK_TIMEOUT_MS`] ([`HealthRun::on_catalogs`]).
    Catalogs(Vec<StoreSlug>),
    Answer(HealthAnswer),
}

/// One health request's checks so far.
pub struct HealthRun {
    route: HealthRoute,
    isolate: Isolate,
    checks: Vec<Check>,
    /// The dependencies not yet checked, in answer order.
    pending: std::vec::IntoIter<Dependency>,
    stores: Stores,
}

enum Stores {
    /// Not listed yet.
    Unlisted,
    Listed(Vec<StoreSlug>),
    /// Listed and asked (or the listing failed).
    Done,
}

/// What a check that did not answer in time says.
fn no_answer() -> String {
    format!("no answer within {} s", CHECK_TIMEOUT_MS / 1000)
}

impl HealthRun {
    pub fn new(route: HealthRoute, isolate: Isolate) -> HealthRun {
        HealthRun {
            route,
            isolate,
            checks: Vec::with_capacity(Dependency::ALL.len()),
            pending: Dependency::ALL.to_vec().into_iter(),
            stores: Stores::Unlisted,
        }
    }

    /// The next check to run, or the answer at `now_ms`.
    pub fn poll(&mut self, now_ms: u64) -> HealthIo {
        match self.route {
            HealthRoute::Live => {
                return HealthIo::Answer(HealthAnswer::Live(Live { status: "ok" }));
            }
            HealthRoute::SecurityTxt => {
                let contact = self.isolate.security_contact.as_deref();
                let text = crate::health::security_txt(contact, now_ms);
                return HealthIo::Answer(HealthAnswer::SecurityTxt(text));
            }
            HealthRoute::Ready | HealthRoute::Summary => {}
        }
        if let Some(dependency) = self.pending.as_slice().first() {
            return HealthIo::Dependency(*dependency);
        }
        if self.route == HealthRoute::Summary {
            match &self.stores {
                Stores::Unlisted => return HealthIo::ListStores,
                Stores::Listed(stores) => return HealthIo::Catalogs(stores.clone()),
                Stores::Done => {}
            }
        }
        HealthIo::Answer(match self.route {
            HealthRoute::Summary => HealthAnswer::Summary(Summary::of(
                self.checks.clone(),
                now_ms,
                self.isolate.started_ms,
                self.isolate.environment.clone(),
                self.isolate.version,
            )),
            _ => HealthAnswer::Ready(Readiness::of(&self.checks)),
        })
    }

    /// The dependency's answer after `took_ms` (`None`: it did not answer in time).
    pub fn on_dependency(&mut self, answered: Option<Result<(), String>>, took_ms: u64) {
        let Some(dependency) = self.pending.next() else {
            return;
        };
        self.checks.push(match answered {
            Some(result) => Check::dependency(&dependency.name(), result, took_ms),
            None => dependency.timed_out(took_ms),
        });
    }

    /// The registered stores (the first [`MAX_STORES_CHECKED`] are checked), or why the
    /// registry could not list them (no store is checked).
    pub fn on_stores<E>(&mut self, listed: Result<Vec<StoreSlug>, E>) {
        self.stores = match listed {
            Ok(mut stores) if !stores.is_empty() => {
                stores.truncate(MAX_STORES_CHECKED);
                Stores::Listed(stores)
            }
            _ => Stores::Done,
        };
    }

    /// Each listed store's catalog status (in the listed order) after how long, at `now_ms`;
    /// a store that failed (its error as it is) or did not answer in time is degraded, never
    /// a failure.
    pub fn on_catalogs<E: std::fmt::Debug>(
        &mut self,
        answers: Vec<(Option<Result<CatalogStatus, E>>, u64)>,
        now_ms: u64,
    ) {
        let Stores::Listed(stores) = std::mem::replace(&mut self.stores, Stores::Done) else {
            return;
        };
        let fresh_ms = self.isolate.fresh_ms;
        for (store, (answered, took)) in stores.iter().zip(answers) {
            let status = match &answered {
                Some(Ok(status)) => Ok(status),
                Some(Err(e)) => Err(format!("{e:?}")),
                None => Err(no_answer()),
            };
            self.checks
                .push(Check::store(store.as_str(), status, now_ms, fresh_ms, took));
        }
    }
}

#[cfg(test)]
#[path = "health_run_tests.rs"]
mod tests;
