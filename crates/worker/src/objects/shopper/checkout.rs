//! The checkout hand-off: Shopify's `cartCreate` through StoreConfig, then 303 to checkout.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::objects::store_client;
use crate::respond;
use wandstore_core::cart::reprice;
use wandstore_core::shopper_events::checkout_started;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopify_calls::{checkout_failure, checkout_order};
use wandstore_render::Flash;
use worker::Response;

impl ShopperStorefront {
    /// `POST checkout`: Shopify's `cartCreate` with the available lines, then 303 to its
    /// checkout. If that fails the cart stays as it is and the cart page says what happened.
    pub(super) async fn checkout(
        &self,
        page: &PageRequest<'_>,
        body: &str,
    ) -> Result<Response, EdgeError> {
        self.checked_form(page, body)?;
        let (lines, catalog) = self.stored_cart(page.ctx, None).await?;
        let ctx = page.ctx;
        let (ip, country) = (ctx.buyer_ip.clone(), ctx.buyer_country.clone());
        let started = async {
            let order = checkout_order(&reprice(&lines, &catalog.info), ip, country)?;
            self.report.borrow_mut().do_calls += 1;
            let asked = store_client::ask(&self.env, &ctx.store, order, &ctx.request_id).await;
            asked.map_err(checkout_failure)
        };
        match started.await {
            Ok(started) => {
                self.note_upstream(started.upstream);
                // Purchase intent for personalization; best effort: the checkout has started.
                let events = checkout_started(&lines);
                if let Err(e) = events.iter().try_for_each(|e| self.record_event(e)) {
                    worker::console_error!(
                        "purchase intent not recorded ({}): {e}",
                        ctx.request_id
                    );
                }
                Ok(respond::see_other(&started.checkout_url))
            }
            Err(failed) => {
                let flash = Some(Flash::error(&failed.message));
                let mut resp = self.cart_page(page, failed.status, flash).await?;
                if let Some(secs) = failed.retry_after_secs {
                    let _ = resp.headers_mut().set("retry-after", &secs.to_string());
                }
                Ok(resp)
            }
        }
    }
}
