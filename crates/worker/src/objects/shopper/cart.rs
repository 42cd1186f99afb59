//! What the cart's handlers share: catalog facts for cart lines, the shopper's CSRF token and
//! the check of a form post.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use std::collections::HashMap;
use wandstore_core::cart::{
    CartCatalog, CartCommand, CartError, CartLine, Idempotent, Outcome, VariantInfo,
};

type VariantMap = HashMap<String, VariantInfo>;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::csrf;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ShopperContext;

impl ShopperStorefront {
    /// The CSRF token for this shopper's forms (empty if the deployment has no secret, in
    /// which case every form post is refused).
    pub(super) fn csrf_token(&self, ctx: &ShopperContext) -> String {
        crate::env_config::csrf_secret(&self.env)
            .map(|secret| csrf::issue(&secret, &ctx.store, &ctx.shopper, crate::clock::now_ms()))
            .unwrap_or_default()
    }

    /// The stored cart with catalog facts for its lines and for `cmd`'s variant, if given
    /// (unknown ids are simply absent).
    pub(super) async fn stored_cart(
        &self,
        ctx: &ShopperContext,
        cmd: Option<&CartCommand>,
    ) -> Result<(Vec<CartLine>, CartCatalog), EdgeError> {
        let lines = self.cart_lines().map_err(EdgeError::internal)?;
        let ids = (lines.iter().map(|l| l.variant_id.clone())).chain(
            cmd.and_then(CartCommand::variant_id)
                .map(|v| v.as_str().to_owned()),
        );
        let Some(question) = CatalogQuestion::variants_of(ids) else {
            return Ok((lines, CartCatalog::default()));
        };
        let reply = self.ask_catalog(ctx, question).await?;
        let catalog = CartCatalog::from_answer(&reply.answer).ok_or_else(|| {
            EdgeError::internal("StoreConfig answered a variants question with another kind")
        })?;
        Ok((lines, catalog))
    }

    /// The fields of a form post, if it carries this shopper's valid CSRF token; otherwise
    /// the 403 to send.
    pub(super) fn checked_form(
        &self,
        page: &PageRequest<'_>,
        body: &str,
    ) -> Result<Vec<(String, String)>, EdgeError> {
        let secret = crate::env_config::csrf_secret(&self.env).unwrap_or_default();
        csrf::checked_form(
            &secret,
            body,
            &page.ctx.store,
            &page.ctx.shopper,
            crate::clock::now_ms(),
        )
        .map_err(|e| EdgeError::new(403, "csrf", e.to_string()))
    }

    /// Runs a command (`run_cart_command`) with catalog facts for the cart's lines and the
    /// variant it names (`respond` gets them too); after a change, StoreConfig's cart index is
    /// told (if it must be) and an added variant counts for the recommendation it came from.
    pub(super) async fn apply_command(
        &self,
        ctx: &ShopperContext,
        cmd: CartCommand,
        idempotent: Option<Idempotent>,
        respond: impl FnOnce(&VariantMap, &Result<Vec<CartLine>, CartError>) -> (u16, String) + 'static,
    ) -> Result<(Outcome, CartCatalog), EdgeError> {
        let (_, catalog) = self.stored_cart(ctx, Some(&cmd)).await?;
        let added = cmd.added_variant().map(str::to_owned);
        let info = catalog.info.clone();
        let outcome = self
            .run_cart_command(cmd, catalog.info.clone(), idempotent, move |r| {
                respond(&info, r)
            })
            .map_err(EdgeError::internal)?;
        if let Outcome::Applied { lines } = &outcome {
            self.announce_cart(ctx, lines).await;
            if let Some(variant) = added {
                self.note_added_variant(ctx, &variant);
            }
        }
        Ok((outcome, catalog))
    }
}
