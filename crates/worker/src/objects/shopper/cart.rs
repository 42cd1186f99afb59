//! What the cart's handlers share: catalog facts for cart lines, the shopper's CSRF token and
//! the check of a form post, and the 303 answer.

use super::ShopperStorefront;
use super::pages::Page;
use crate::internal::ShopperContext;
use crate::respond;
use std::collections::HashMap;
use wandstore_core::cart::{CartCommand, CartLine, VariantInfo};
use wandstore_core::catalog::Image;
use wandstore_core::catalog_index::VariantHit;
use wandstore_core::csrf;
use wandstore_core::money::Currency;
use worker::{Response, Result};

/// What the catalog says about the variants a cart refers to.
pub struct CartCatalog {
    pub info: HashMap<String, VariantInfo>,
    pub images: HashMap<String, Image>,
}

impl Page<'_> {
    pub(super) fn currency(&self) -> Currency {
        Currency::parse(&self.store.currency).unwrap_or(Currency::USD)
    }
}

impl ShopperStorefront {
    /// The CSRF token for this shopper's forms (empty if the deployment has no secret, in
    /// which case every form post is refused).
    pub(super) fn csrf_token(&self, ctx: &ShopperContext) -> String {
        crate::env_config::csrf_secret(&self.env)
            .map(|secret| {
                csrf::issue(
                    &secret,
                    &ctx.store,
                    &ctx.shopper,
                    worker::Date::now().as_millis(),
                )
            })
            .unwrap_or_default()
    }

    /// Catalog facts for these variant ids (unknown ids are simply absent).
    pub(super) async fn cart_catalog(
        &self,
        ctx: &ShopperContext,
        ids: impl IntoIterator<Item = String>,
    ) -> Result<std::result::Result<CartCatalog, super::catalog::Answer>> {
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let mut catalog = CartCatalog {
            info: HashMap::new(),
            images: HashMap::new(),
        };
        if ids.is_empty() {
            return Ok(Ok(catalog));
        }
        let path = super::pages::catalog_path("/catalog/variants", &[("ids", ids.join(","))])?;
        let answer = self.catalog(ctx, &path).await?;
        if answer.status != 200 {
            return Ok(Err(answer));
        }
        let hits: Vec<VariantHit> = answer.json()?;
        for hit in hits {
            if let Some(image) = hit
                .variant
                .image
                .clone()
                .or_else(|| hit.product_image.clone())
            {
                catalog.images.insert(hit.variant.id.clone(), image);
            }
            catalog
                .info
                .insert(hit.variant.id.clone(), VariantInfo::from(hit));
        }
        Ok(Ok(catalog))
    }

    /// The stored cart with catalog facts for its lines.
    pub(super) async fn stored_cart(
        &self,
        ctx: &ShopperContext,
    ) -> Result<std::result::Result<(Vec<CartLine>, CartCatalog), super::catalog::Answer>> {
        let lines = self.cart_lines()?;
        let ids: Vec<String> = lines.iter().map(|l| l.variant_id.clone()).collect();
        Ok(self
            .cart_catalog(ctx, ids)
            .await?
            .map(|catalog| (lines, catalog)))
    }

    /// Catalog facts for the cart's lines and the variant a command names.
    pub(super) async fn command_catalog(
        &self,
        ctx: &ShopperContext,
        cmd: &CartCommand,
    ) -> Result<std::result::Result<CartCatalog, super::catalog::Answer>> {
        let ids = self
            .cart_lines()?
            .into_iter()
            .map(|l| l.variant_id)
            .chain(cmd.variant_id().map(|v| v.as_str().to_owned()));
        self.cart_catalog(ctx, ids).await
    }

    /// The fields of a form post, if it carries this shopper's valid CSRF token; otherwise
    /// the 403 page to send.
    pub(super) fn checked_form(
        &self,
        page: &Page<'_>,
        body: &str,
    ) -> std::result::Result<Vec<(String, String)>, Response> {
        let fields: Vec<(String, String)> = worker::url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let token = fields
            .iter()
            .find(|(k, _)| k == csrf::FORM_FIELD)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        let secret = crate::env_config::csrf_secret(&self.env).unwrap_or_default();
        csrf::verify(
            &secret,
            token,
            &page.ctx.store,
            &page.ctx.shopper,
            worker::Date::now().as_millis(),
        )
        .map_err(|e| page.error(403, "This form has expired", &e.to_string()))?;
        Ok(fields)
    }
}

pub(super) fn see_other(location: &str) -> Response {
    let mut resp = respond::bytes(303, "text/plain; charset=utf-8", Vec::new());
    let _ = resp.headers_mut().set("location", location);
    resp
}
