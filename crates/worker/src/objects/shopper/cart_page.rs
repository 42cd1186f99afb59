//! The cart page and its form posts (CSRF-checked): a change to the cart (303 to the cart,
//! or the cart with why it was refused) and the checkout hand-off (303 to Shopify's
//! checkout, or the cart with what happened). `cart_run` decides; see `cart.rs`.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use wandstore_core::cart::FormAction;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_run::CartRequest;
use worker::Response;

impl ShopperStorefront {
    /// `POST cart/{add,update,remove,clear}`.
    pub(super) async fn cart_form(
        &self,
        page: &PageRequest<'_>,
        action: FormAction,
        body: &str,
    ) -> Result<Response, EdgeError> {
        let fields = self.checked_form(page, body)?;
        (self.run_cart(page, CartRequest::form(action, fields, page.ctx))).await
    }

    /// `POST checkout`: Shopify's `cartCreate` (through StoreConfig) with the available
    /// lines; if that fails the cart stays as it is.
    pub(super) async fn checkout(
        &self,
        page: &PageRequest<'_>,
        body: &str,
    ) -> Result<Response, EdgeError> {
        self.checked_form(page, body)?;
        self.run_cart(page, CartRequest::checkout(page.ctx)).await
    }
}
