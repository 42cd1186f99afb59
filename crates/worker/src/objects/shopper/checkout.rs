//! The checkout hand-off: Shopify's `cartCreate` through StoreConfig, then 303 to checkout.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::objects::store_client;
use crate::respond;
use wandstore_core::cart::reprice;
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_protocol::EdgeError;
use wandstore_protocol::store::{CheckoutOrder, StoreError};
use wandstore_protocol::wire::AskError;
use wandstore_render::Flash;
use worker::Response;

impl ShopperStorefront {
    /// Personalization's strongest signal: the products the shopper went to checkout with.
    /// Best effort: the checkout has already started.
    fn record_purchase_intent(&self, lines: &[wandstore_core::cart::CartLine], rid: &str) {
        let mut seen: Vec<&str> = Vec::new();
        for line in lines {
            let handle = line.product_handle.as_str();
            if seen.contains(&handle) {
                continue;
            }
            seen.push(handle);
            let event = ShopperEvent::CheckoutStarted {
                handle: handle.to_owned(),
            };
            if let Err(e) = self.record_event(&event) {
                worker::console_error!("purchase intent not recorded ({rid}): {e}");
                return;
            }
        }
    }

    /// `POST checkout`: Shopify's `cartCreate` with the available lines, then 303 to its
    /// checkout. If that fails the cart stays as it is and the cart page says what happened.
    pub(super) async fn checkout(
        &self,
        page: &PageRequest<'_>,
        body: &str,
    ) -> Result<Response, EdgeError> {
        self.checked_form(page, body)?;
        let (lines, catalog) = self.stored_cart(page.ctx).await?;
        let order = CheckoutOrder::new(
            &reprice(&lines, &catalog.info),
            page.ctx.buyer_ip.clone(),
            page.ctx.buyer_country.clone(),
        );
        if order.lines.is_empty() {
            let why = "Your cart has nothing that can be bought right now.";
            return self.cart_page(page, 422, Some(Flash::error(why))).await;
        }
        self.report.borrow_mut().do_calls += 1;
        let ctx = page.ctx;
        match store_client::ask(&self.env, &ctx.store, order, &ctx.request_id).await {
            Ok(started) => {
                self.note_upstream(started.upstream);
                self.record_purchase_intent(&lines, &ctx.request_id);
                Ok(respond::see_other(&started.checkout_url))
            }
            Err(AskError::Refused(StoreError::CheckoutRefused { message })) => {
                let why = format!("Checkout was refused: {message}. Your cart is unchanged.");
                self.cart_page(page, 422, Some(Flash::error(&why))).await
            }
            Err(e) => {
                let edge = EdgeError::from(e);
                let why = "Checkout is unavailable right now; your cart is unchanged. Please try again in a moment.";
                let mut resp = self.cart_page(page, 503, Some(Flash::error(why))).await?;
                if let Some(secs) = edge.retry_after_secs {
                    let _ = resp.headers_mut().set("retry-after", &secs.to_string());
                }
                Ok(resp)
            }
        }
    }
}
