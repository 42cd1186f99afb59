//! The cart page and the HTML form posts (CSRF-checked, answered with 303).

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::respond;
use wandstore_core::cart::{FormAction, Outcome, item_count, notice_message, reprice};
use wandstore_protocol::EdgeError;
use wandstore_render::{CartPage, Flash};
use worker::Response;

impl ShopperStorefront {
    /// `GET cart`, or the cart shown with `status` and a message after a refused change.
    pub(super) async fn cart_page(
        &self,
        page: &PageRequest<'_>,
        status: u16,
        flash: Option<Flash>,
    ) -> Result<Response, EdgeError> {
        let (lines, catalog) = self.stored_cart(page.ctx, None).await?;
        let priced = reprice(&lines, &catalog.info);
        let mut chrome = page.chrome().with_cart_count(item_count(&lines));
        let notice = page
            .param("notice")
            .and_then(notice_message)
            .map(Flash::success);
        if let Some(flash) = flash.or(notice) {
            chrome = chrome.with_flash(flash);
        }
        let csrf = self.csrf_token(page.ctx);
        let view = CartPage::priced(chrome, &priced, &catalog, page.store.currency, csrf);
        let mut resp = respond::html(status, view.html());
        let _ = resp.headers_mut().set("cache-control", "private, no-store");
        Ok(resp)
    }

    /// `POST cart/{add,update,remove,clear}`: checked against the shopper's CSRF token, then
    /// 303 to the cart; a refused change shows the cart with the reason.
    pub(super) async fn cart_form(
        &self,
        page: &PageRequest<'_>,
        action: FormAction,
        body: &str,
    ) -> Result<Response, EdgeError> {
        let fields = self.checked_form(page, body)?;
        let (status, why) = match action.command(&fields) {
            Err(e) => (e.status(), e.to_string()),
            Ok(cmd) => match self
                .apply_command(page.ctx, cmd, None, |_, _| (0, String::new()))
                .await?
                .0
            {
                Outcome::Refused(e) => (e.status(), e.to_string()),
                _ => return Ok(respond::see_other(&action.redirect(&page.ctx.base))),
            },
        };
        self.cart_page(page, status, Some(Flash::error(&why))).await
    }
}
