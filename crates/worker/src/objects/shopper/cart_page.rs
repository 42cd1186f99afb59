//! The cart page and the HTML form posts (CSRF-checked, answered with 303).

use super::ShopperStorefront;
use super::cart::see_other;
use super::cart_store::Outcome;
use super::pages::Page;
use crate::respond;
use wandstore_core::cart::{CartCommand, item_count, reprice, subtotal};
use wandstore_core::money::Money;
use wandstore_render::{CartPage, Flash};
use worker::{Response, Result};

/// Cart notices that a redirect may ask the cart page to show (never free text).
const NOTICES: [(&str, &str); 4] = [
    ("added", "Added to your cart."),
    ("updated", "Your cart was updated."),
    ("removed", "Removed from your cart."),
    ("cleared", "Your cart is empty now."),
];

impl ShopperStorefront {
    /// `GET cart`
    pub(super) async fn cart_page(
        &self,
        page: &Page<'_>,
        status: u16,
        flash: Option<Flash>,
    ) -> Result<Response> {
        let (lines, catalog) = match self.stored_cart(page.ctx).await? {
            Ok(found) => found,
            Err(answer) => return Ok(page.failed(&answer, "your cart")),
        };
        let currency = page.currency();
        let priced = reprice(&lines, &catalog.info);
        let mut chrome = page.chrome().with_cart_count(item_count(&lines));
        let notice = page
            .param("notice")
            .and_then(|n| NOTICES.iter().find(|(k, _)| *k == n))
            .map(|(_, m)| Flash::success(m));
        if let Some(flash) = flash.or(notice) {
            chrome = chrome.with_flash(flash);
        }
        let view = CartPage {
            chrome,
            lines: priced
                .iter()
                .map(|p| {
                    let info = catalog.info.get(&p.line.variant_id);
                    wandstore_render::CartLine {
                        variant_id: p.line.variant_id.clone(),
                        product_handle: p.product_handle.clone(),
                        product_title: info
                            .map_or_else(|| p.title.clone(), |i| i.product_title.clone()),
                        variant_title: info.map(|i| i.variant_title.clone()).unwrap_or_default(),
                        image: catalog.images.get(&p.line.variant_id).cloned(),
                        quantity: p.line.quantity,
                        unit_price: p.unit_price,
                        price_when_added: p.line.unit_price_when_added,
                        line_total: p.line_total.clone().unwrap_or(p.unit_price),
                        available: !p.unavailable,
                    }
                })
                .collect(),
            subtotal: subtotal(&priced, currency).unwrap_or(Money::zero(currency)),
            csrf: self.csrf_token(page.ctx),
        };
        let mut resp = respond::html(status, view.html());
        resp.headers_mut()
            .set("cache-control", "private, no-store")?;
        Ok(resp)
    }

    /// `POST cart/{add,update,remove,clear}`: checked against the shopper's CSRF token, then
    /// 303 to the cart; a refused change shows the cart with the reason.
    pub(super) async fn cart_form(
        &self,
        page: &Page<'_>,
        action: &str,
        body: &str,
    ) -> Result<Response> {
        let fields = match self.checked_form(page, body) {
            Ok(fields) => fields,
            Err(refused) => return Ok(refused),
        };
        let op = match action {
            "add" => "add",
            "update" => "set_quantity",
            "remove" => "remove",
            _ => "clear",
        };
        let pairs = fields
            .iter()
            .filter(|(k, _)| k != "op")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(std::iter::once(("op", op)));
        let cmd = match CartCommand::from_form(pairs) {
            Ok(c) => c,
            Err(e) => {
                return self
                    .cart_page(page, e.status(), Some(Flash::error(&e.to_string())))
                    .await;
            }
        };
        let catalog = match self.command_catalog(page.ctx, &cmd).await? {
            Ok(c) => c,
            Err(answer) => return Ok(page.failed(&answer, "your cart")),
        };
        match self.run_cart_command(cmd, catalog.info, None, |_| (0, String::new()))? {
            Outcome::Refused(e) => {
                self.cart_page(page, e.status(), Some(Flash::error(&e.to_string())))
                    .await
            }
            _ => {
                let notice = match action {
                    "add" => "added",
                    "update" => "updated",
                    "remove" => "removed",
                    _ => "cleared",
                };
                Ok(see_other(&format!("{}cart?notice={notice}", page.ctx.base)))
            }
        }
    }
}
