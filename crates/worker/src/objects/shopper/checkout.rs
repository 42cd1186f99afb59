//! The checkout hand-off: Shopify's `cartCreate` through StoreConfig, then 303 to checkout.

use super::ShopperStorefront;
use super::cart::see_other;
use super::pages::Page;
use crate::objects::store_client;
use wandstore_core::cart::reprice;
use wandstore_render::Flash;
use worker::{Response, Result};

impl ShopperStorefront {
    /// `POST checkout`: Shopify's `cartCreate` with the available lines, then 303 to its
    /// checkout. If that fails the cart stays as it is and the cart page says what happened.
    pub(super) async fn checkout(
        &self,
        page: &Page<'_>,
        body: &str,
        buyer: (Option<String>, Option<String>),
    ) -> Result<Response> {
        if let Err(refused) = self.checked_form(page, body) {
            return Ok(refused);
        }
        let (lines, catalog) = match self.stored_cart(page.ctx).await? {
            Ok(found) => found,
            Err(answer) => return Ok(page.failed(&answer, "your cart")),
        };
        let checkout_lines: Vec<serde_json::Value> = reprice(&lines, &catalog.info)
            .iter()
            .filter(|p| !p.unavailable)
            .map(|p| serde_json::json!({ "variant_id": p.line.variant_id, "quantity": p.line.quantity }))
            .collect();
        if checkout_lines.is_empty() {
            return self
                .cart_page(
                    page,
                    422,
                    Some(Flash::error(
                        "Your cart has nothing that can be bought right now.",
                    )),
                )
                .await;
        }
        let request =
            serde_json::json!({ "lines": checkout_lines, "buyer_ip": buyer.0, "country": buyer.1 });
        let mut resp = store_client::checkout(
            &self.env,
            &page.ctx.store,
            &page.ctx.request_id,
            &request.to_string(),
        )
        .await?;
        let status = resp.status_code();
        let answer: serde_json::Value = resp.json().await.unwrap_or_default();
        match (status, answer["checkout_url"].as_str()) {
            (200, Some(url)) => Ok(see_other(url)),
            (422, _) => {
                let why = answer["error"]["message"]
                    .as_str()
                    .unwrap_or("the store refused these items");
                self.cart_page(
                    page,
                    422,
                    Some(Flash::error(&format!(
                        "Checkout was refused: {why}. Your cart is unchanged."
                    ))),
                )
                .await
            }
            _ => {
                let mut resp = self
                    .cart_page(page, 503, Some(Flash::error("Checkout is unavailable right now; your cart is unchanged. Please try again in a moment.")))
                    .await?;
                if let Some(secs) = answer["error"]["retry_after_secs"].as_u64() {
                    resp.headers_mut().set("retry-after", &secs.to_string())?;
                }
                Ok(resp)
            }
        }
    }
}
