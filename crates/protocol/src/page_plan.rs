//! A request to a shopper's object, planned before it does anything (`render::page_run`
//! drives the request through the plan): its route (or the error page for a path no route
//! takes, or a checkout in a preview), whether it may touch storage, whether the header's
//! cart count is read, whether the shopper's own limit applies and how its refusal reads, and
//! whether a body is read.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::edge::route_error;
use crate::shopper::ObjectReport;
use wandstore_core::rate_limit::RateClass;
use wandstore_core::routes::StoreRoute;
use wandstore_core::sliding_window::SlidingWindow;

#[derive(Debug)]
pub struct PagePlan<'a> {
    /// The route to serve, or the error its page shows.
    pub route: Result<StoreRoute<'a>, EdgeError>,
    /// A first visit's page read: no storage is touched, not even the schema.
    pub unrecorded: bool,
    /// The page shows the header's cart count, read from the cart (an error page does too).
    pub counts_cart: bool,
    /// The shopper's own limit of this class applies (`RateClass::shopper_limit`), counted
    /// by the object before the request changes anything.
    pub limited: Option<RateClass>,
    /// The request's body is read (anything but GET and HEAD).
    pub reads_body: bool,
}

impl<'a> PagePlan<'a> {
    pub fn new(method: &str, path: &'a str, first_visit: bool, preview: bool) -> Self {
        let parsed = StoreRoute::parse(method, path);
        let (unrecorded, counts_cart, limited) = match &parsed {
            Ok(r) => (
                r.is_unrecorded(method, first_visit),
                r.shows_cart_count(),
                Some(r.rate_class(method)).filter(|c| c.shopper_limit().is_some()),
            ),
            Err(_) => (false, true, None),
        };
        let route = match parsed {
            Ok(StoreRoute::Checkout) if preview => Err(EdgeError::new(
                403,
                "preview_checkout",
                "checkout is off in a theme preview; open the store itself to buy",
            )),
            // Served by the Worker before any object is asked.
            Ok(StoreRoute::Asset(_) | StoreRoute::Favicon | StoreRoute::Live) => Err(
                EdgeError::not_found("not_found", "this page does not exist"),
            ),
            Ok(route) => Ok(route),
            Err(e) => Err(route_error(e)),
        };
        PagePlan {
            route,
            unrecorded,
            counts_cart,
            limited,
            reads_body: !matches!(method, "GET" | "HEAD"),
        }
    }

    /// Counts the request against the shopper's own limit of its class (`window`, before the
    /// request changes anything): `None` admits it (or no such limit applies); else the
    /// refusal ([`PagePlan::refusal`]), which the report notes.
    pub fn admit(
        &self,
        window: &mut SlidingWindow,
        now_ms: u64,
        report: &mut ObjectReport,
    ) -> Option<(EdgeError, bool)> {
        let class = self.limited?;
        let retry_after_secs = window.admit(now_ms).err()?;
        report.rate_limited = true;
        Some(self.refusal(class, retry_after_secs))
    }

    /// The refusal past the shopper's own limit (`retry_after_secs` from its window) and
    /// whether it is read as JSON (the cart API) rather than as a page.
    pub fn refusal(&self, class: RateClass, retry_after_secs: u64) -> (EdgeError, bool) {
        let api = matches!(self.route, Ok(StoreRoute::CartApi));
        (EdgeError::rate_limited(class.name(), retry_after_secs), api)
    }
}

/// How a home page view is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeView {
    /// Nothing is written (a first visit's read): the page shows this count.
    Shown(u64),
    /// Add to the stored counter, starting it at `first` (the view before this one counts
    /// too when the cookie's hint says a first visit's went unrecorded).
    Count { first: u64 },
}

/// Counts a home page view. A first visit's is not written (it is counted on the next home
/// view, through the cookie's hint), so a visitor who never returns leaves nothing; the
/// report says which happened, for the entry's cookie.
pub fn home_view(report: &mut ObjectReport, unrecorded: bool, saw_home: bool) -> HomeView {
    if unrecorded {
        report.unrecorded_home_view = true;
        return HomeView::Shown(1);
    }
    report.hint_used |= saw_home;
    HomeView::Count {
        first: 1 + u64::from(saw_home),
    }
}

#[cfg(test)]
#[path = "page_plan_tests.rs"]
mod tests;
