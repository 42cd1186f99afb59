//! The pages that show the shopper's own data, pure (the shopper's object only reads its rows
//! and asks StoreConfig in between): the home page from StoreConfig's home answer, the visit
//! count and the recommendations block; the product page from its answer; the cart page from
//! the stored lines priced with the catalog's facts, with its notice or flash. An answer of
//! another kind is StoreConfig's mistake (a 500), checked before anything is written.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::listing_pages::{Page, mismatch, unrendered};
use crate::{CartPage, Chrome, Flash, HomePage, PersonalizationChoice, ProductPage};
use crate::{Recommendation, listing_pages};
use wandstore_core::cart::{CartCatalog, CartLine, item_count, notice_message, reprice};
use wandstore_core::catalog::Product;
use wandstore_core::catalog_index::CollectionInfo;
use wandstore_core::catalog_question::CatalogAnswer;
use wandstore_core::money::Currency;
use wandstore_protocol::EdgeError;
use wandstore_protocol::block_run::Shown;

/// The collections a home answer features (another kind of answer: a 500).
pub fn featured(answer: &CatalogAnswer) -> Result<&[CollectionInfo], EdgeError> {
    match answer {
        CatalogAnswer::Home { featured } => Ok(featured),
        _ => Err(mismatch("home")),
    }
}

/// The product a product answer holds (another kind of answer: a 500).
pub fn product(answer: &CatalogAnswer) -> Result<&Product, EdgeError> {
    match answer {
        CatalogAnswer::Product { product } => Ok(product),
        _ => Err(mismatch("product")),
    }
}

/// The home page: the featured collections, the shopper's visit count and, when one shows,
/// the recommendations block (its cards, `data-source` and headline) with the shopper's
/// opt-out form, which a preview leaves out (`csrf` is only issued for the form).
pub fn home_page(
    chrome: Chrome,
    visits: u64,
    featured: &[CollectionInfo],
    block: Option<Shown>,
    preview: bool,
    csrf: impl FnOnce() -> String,
) -> Page {
    let mut home = HomePage::new(chrome, visits);
    home.featured = featured.to_vec();
    if let Some(block) = block {
        home.recommended = (block.cards.into_iter())
            .map(|card| Recommendation { card, reason: None })
            .collect();
        home.recommended_source = Some(block.source.as_str());
        home.recommended_headline = block.headline;
        home.personalization = (!preview).then(|| PersonalizationChoice {
            csrf: csrf(),
            opted_out: block.opted_out,
        });
    }
    home.html().map_err(unrendered)
}

/// A product page with the variant the query asks for (`?variant=`) preselected.
pub fn product_page(
    chrome: Chrome,
    product: &Product,
    query: &[(String, String)],
    csrf: String,
) -> Page {
    let view = ProductPage {
        chrome,
        product: product.clone(),
        selected_variant_id: listing_pages::param(query, "variant").map(str::to_owned),
        csrf,
    };
    view.html().map_err(unrendered)
}

/// The cart page: the stored lines priced with the catalog's current facts, the header's
/// count from these lines, and `flash` (a refused change) or else the notice the query names
/// (`?notice=added`…; an unknown one shows nothing).
pub fn cart_page(
    chrome: Chrome,
    lines: &[CartLine],
    catalog: &CartCatalog,
    currency: Currency,
    query: &[(String, String)],
    flash: Option<Flash>,
    csrf: String,
) -> Page {
    let mut chrome = chrome.with_cart_count(item_count(lines));
    let notice = listing_pages::param(query, "notice").and_then(notice_message);
    if let Some(flash) = flash.or(notice.map(Flash::success)) {
        chrome = chrome.with_flash(flash);
    }
    let priced = reprice(lines, &catalog.info);
    let view = CartPage::priced(chrome, &priced, catalog, currency, csrf);
    view.html().map_err(unrendered)
}
