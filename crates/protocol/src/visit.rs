//! A shopper's request as the entry plans it, before any I/O: who is visiting (the cookie's
//! shopper, or a new one), what goes into the log line, which limits the request meets,
//! whether the entry renders the page itself, and what the shopper's object is sent. The
//! shell brings the cookie header, the client's facts, random bytes for a new shopper and the
//! clock; it then runs the limits, renders or forwards, and finishes the cookie.

use crate::limit_run::LimitRun;
use crate::pass_through::Forwarded;
use crate::shopper::{CookieDraft, ShopperContext};
use wandstore_core::abuse::Quota;
use wandstore_core::cookie_hints::Hints;
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::headers::PageAllowances;
use wandstore_core::identity::{CookieScope, CookieSigner, ShopperId};
use wandstore_core::log::RequestLog;
use wandstore_core::rate_limit::{self, RateDecision};
use wandstore_core::store_dispatch::ShopperRequest;
use wandstore_core::tenant::StorePath;

/// The client headers a shopper's object may read, forwarded as they came.
pub const FORWARDED: [&str; 3] = ["content-type", "accept", "idempotency-key"];

/// What the entry knows of a request for a shopper's page.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    pub target: &'a StorePath,
    pub route: ShopperRequest<'a>,
    /// Came under a valid preview link.
    pub preview: bool,
    /// `scheme://host[:port]` as the shopper reached the Worker.
    pub origin: &'a str,
    pub request_id: &'a str,
    /// The request's `Cookie` header (empty when none).
    pub cookie: &'a str,
    /// `cf-connecting-ip` and `cf-ipcountry` as the edge set them.
    pub client_ip: Option<&'a str>,
    pub country: Option<&'a str>,
    pub now_ms: u64,
}

/// Where the page comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served<'a> {
    /// The entry renders it (`core::edge_pages`), with the cart count the cookie carries.
    Edge { page: EdgePage<'a>, cart_items: u32 },
    /// The shopper's object answers it.
    Object,
}

/// One shopper request, planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit<'a> {
    /// What the shopper's object (or the entry's own page) is told.
    pub ctx: ShopperContext,
    route: ShopperRequest<'a>,
    /// The signed token the cookie carries (minted for a new shopper).
    token: String,
    new: bool,
    sent: Hints,
    client: Option<String>,
    now_ms: u64,
}

impl<'a> Visit<'a> {
    /// The visit: the cookie's shopper when its token verifies for this store (under the
    /// current or a previous secret), else a new shopper from `fresh` random bytes (asked for
    /// only then), with a token signed for this store.
    pub fn plan<E>(
        arrival: Arrival<'a>,
        signer: &CookieSigner,
        fresh: impl FnOnce() -> Result<[u8; 16], E>,
    ) -> Result<Self, E> {
        let store = &arrival.target.store;
        let known = signer.visitor_from_cookie_header(arrival.cookie, store);
        let new = known.is_none();
        let (shopper, token, sent) = match known {
            Some(v) => (v.shopper, v.token, v.hints),
            None => {
                let shopper = ShopperId::from_random(fresh()?);
                let token = signer.sign(store, &shopper);
                (shopper, token, Hints::default())
            }
        };
        let ctx = ShopperContext {
            store: store.clone(),
            shopper,
            base: arrival.target.base.clone(),
            origin: arrival.origin.to_owned(),
            request_id: arrival.request_id.to_owned(),
            buyer_ip: arrival.client_ip.map(str::to_owned),
            buyer_country: arrival.country.map(str::to_owned),
            first_visit: new,
            saw_home: sent.saw_home,
            preview: arrival.preview,
            script_nonce: None,
            pending_views: sent.views.clone(),
            home_count: sent.home.and_then(|h| h.to_store()),
        };
        Ok(Visit {
            ctx,
            route: arrival.route,
            token,
            new,
            sent,
            client: rate_limit::client_key(arrival.client_ip),
            now_ms: arrival.now_ms,
        })
    }

    /// The shopper's tag and, for a request the shopper's object counts itself (cart
    /// writes), its class: allowed here, and the object's report says if it refused.
    pub fn note_in(&self, log: &mut RequestLog) {
        log.shopper = Some(self.ctx.shopper.log_tag());
        log.new_shopper = self.new;
        if let Some(class) = self.route.counted_by_object() {
            log.rate_limit = Some(class.name());
            log.rate_decision = Some(RateDecision::Allowed.name());
        }
    }

    /// The limits the request meets before anything else (none for a path no route takes:
    /// the object answers its 404).
    pub fn limits(&self) -> Option<LimitRun> {
        let class = self.route.class?;
        let tag = self.ctx.shopper.log_tag();
        Some(LimitRun::store_request(
            class,
            &tag,
            self.client.as_deref(),
            self.now_ms,
        ))
    }

    /// Whether the entry answers the page itself: a collection, search or product read
    /// (`query`: the URL's, without `?`), off a preview, for a shopper whose cookie carries
    /// today's cart count (and, for a product, has room for its view).
    pub fn served(&self, query: &str) -> Served<'a> {
        let edge = self.route.page.and_then(|page| {
            page.answered_here(self.ctx.preview, &self.sent, query, self.now_ms)
                .map(|cart_items| Served::Edge { page, cart_items })
        });
        edge.unwrap_or(Served::Object)
    }

    /// The visit count a home page the entry answers shows (`Served::Edge` with
    /// `EdgePage::Home`: the cookie's count and this view).
    pub fn edge_home_visits(&self) -> u64 {
        self.sent.home.map_or(1, |h| h.visits.saturating_add(1))
    }

    /// The `Set-Cookie` value after a page the entry answered itself (`scope` is asked for
    /// only when there is one): a home page pends its view, a product page (that showed
    /// `viewed`) its view while there is room; a listing page changes nothing.
    pub fn edge_cookie(
        &self,
        page: EdgePage<'_>,
        viewed: Option<&str>,
        scope: impl FnOnce() -> CookieScope,
    ) -> Option<String> {
        let hints = match page {
            EdgePage::Home => self.sent.with_home_view(self.now_ms),
            _ => viewed.and_then(|handle| self.sent.with_view(handle, self.now_ms)),
        };
        hints.map(|h| self.cookie(scope()).set(&h))
    }

    /// The shopper's object: one per shopper per store.
    pub fn object_name(&self) -> String {
        self.ctx.shopper.object_name(&self.ctx.store)
    }

    /// The path the object is asked for: the path within the store and the query as sent.
    pub fn object_path(&self, rest: &str, query: Option<&str>) -> String {
        match query {
            Some(q) if !q.is_empty() => format!("{rest}?{q}"),
            _ => rest.to_owned(),
        }
    }

    /// What a preview page may do beyond the default policy (its live-refresh script, under
    /// a fresh `nonce` the object also gets in the context; framing by the console on
    /// `base_domain`); `None`, and neither is read, off a preview.
    pub fn allow_preview<E>(
        &mut self,
        nonce: impl FnOnce() -> Result<String, E>,
        base_domain: impl FnOnce() -> String,
    ) -> Result<Option<PageAllowances>, E> {
        if !self.ctx.preview {
            return Ok(None);
        }
        let nonce = nonce()?;
        self.ctx.script_nonce = Some(nonce.clone());
        Ok(Some(PageAllowances::preview(nonce, &base_domain())))
    }

    /// What the entry keeps of a visit it forwards, to finish the object's answer: the
    /// cookie (in `scope`), an exact limit's `quota`, and a preview's allowances
    /// ([`Visit::allow_preview`]: the object's call is made after this, its context carrying
    /// the nonce).
    pub fn forwarded<E>(
        &mut self,
        scope: CookieScope,
        quota: Option<Quota>,
        nonce: impl FnOnce() -> Result<String, E>,
        base_domain: impl FnOnce() -> String,
    ) -> Result<Forwarded, E> {
        let allow = self.allow_preview(nonce, base_domain)?;
        let cookie = Some(self.cookie(scope));
        Ok(Forwarded {
            cookie,
            quota,
            allow,
        })
    }

    /// The cookie to finish once the object's report is read (`CookieDraft::header`).
    pub fn cookie(&self, scope: CookieScope) -> CookieDraft {
        CookieDraft {
            token: self.token.clone(),
            scope,
            new: self.new,
            sent: self.sent.clone(),
            now_ms: self.now_ms,
        }
    }
}

#[cfg(test)]
#[path = "visit_tests.rs"]
mod tests;
