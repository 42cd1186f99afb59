//! The listing pages' decisions, pure (the shell only asks StoreConfig in between): a page's
//! frame for its shopper, which catalog question a collection or search page asks (none for
//! an empty search; a bad query string is a 400), and the page an answer renders (an answer
//! of another kind is StoreConfig's mistake, a 500).

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::{Chrome, CollectionPage, SearchPage, shopper_pages};
use std::sync::Arc;
use wandstore_core::catalog_index::ListingQuery;
use wandstore_core::catalog_question::{CatalogAnswer, CatalogQuestion};
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::store::StoreSettings;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_theme::Theme;

/// A rendered page, or why there is none.
pub type Page = Result<String, EdgeError>;

/// The frame of a store page for this shopper: the store's theme and links, the canonical
/// base, the cart count, and under a preview the preview bar (with live refresh when the
/// entry gave the page a script nonce).
pub fn chrome(
    ctx: &ShopperContext,
    store: &StoreSettings,
    theme: Arc<Theme>,
    cart_count: u32,
) -> Chrome {
    let canonical = format!("{}{}", ctx.origin, ctx.base.trim_end_matches('/'));
    let chrome = Chrome::for_store(store, &ctx.base, &ctx.request_id)
        .with_theme(theme)
        .with_canonical_base(&canonical)
        .with_cart_count(cart_count);
    match (ctx.preview, &ctx.script_nonce) {
        (true, Some(nonce)) => chrome.with_preview().with_live_refresh(nonce),
        (true, None) => chrome.with_preview(),
        (false, _) => chrome,
    }
}

/// A query parameter's first value.
pub fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The listing's sort, page and size from the query (400 when one is not valid).
pub fn listing_query(query: &[(String, String)]) -> Result<ListingQuery, EdgeError> {
    ListingQuery::parse(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|m| EdgeError::bad_request("bad_query", format!("{m}.")))
}

/// A template that failed to render (a bug).
pub fn unrendered(e: impl std::fmt::Display) -> EdgeError {
    EdgeError::internal(format!("a page failed to render: {e}"))
}

/// StoreConfig answered a question with an answer of another kind (a bug).
pub fn mismatch(asked: &str) -> EdgeError {
    EdgeError::internal(format!(
        "StoreConfig answered a {asked} question with another kind"
    ))
}

/// The question a collection page asks.
pub fn collection_question(
    handle: &str,
    query: &[(String, String)],
) -> Result<CatalogQuestion, EdgeError> {
    Ok(CatalogQuestion::Collection {
        handle: handle.to_owned(),
        query: listing_query(query)?,
    })
}

/// A collection page from its answer.
pub fn collection_page(chrome: Chrome, answer: &CatalogAnswer) -> Page {
    let CatalogAnswer::Collection {
        collection,
        listing,
    } = answer
    else {
        return Err(mismatch("collection"));
    };
    let view = CollectionPage {
        chrome,
        collection,
        listing,
    };
    view.html().map_err(unrendered)
}

/// What the shopper searched for (trimmed; empty: nothing).
pub fn search_text(query: &[(String, String)]) -> String {
    param(query, "q").unwrap_or_default().trim().to_owned()
}

/// The question a search page asks; `None` for an empty search, which asks nothing.
pub fn search_question(
    text: &str,
    query: &[(String, String)],
) -> Result<Option<CatalogQuestion>, EdgeError> {
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(CatalogQuestion::search(text, listing_query(query)?)))
}

/// A search page: the form alone when nothing was asked, else with the answer's results.
pub fn search_page(chrome: Chrome, text: String, answer: Option<&CatalogAnswer>) -> Page {
    let listing = match answer {
        None => None,
        Some(CatalogAnswer::Search { listing }) => Some(listing),
        Some(_) => return Err(mismatch("search")),
    };
    let view = SearchPage {
        chrome,
        query: text,
        listing,
    };
    view.html().map_err(unrendered)
}

/// A catalog page (a home page without history, a collection, a search or a product:
/// `core::edge_pages::EdgePage`) for a query string: the one question it asks (none for an
/// empty search), then the page its answer makes.
#[derive(Debug, Clone, Copy)]
pub struct CatalogPage<'a> {
    page: EdgePage<'a>,
    query: &'a [(String, String)],
    /// The visit count a home page shows.
    visits: u64,
}

/// A catalog page as rendered, with the handle of the product it showed (its view is the
/// caller's to record, once the page is made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub html: String,
    pub viewed: Option<String>,
}

impl<'a> CatalogPage<'a> {
    pub fn new(page: EdgePage<'a>, query: &'a [(String, String)]) -> Self {
        CatalogPage {
            page,
            query,
            visits: 1,
        }
    }

    /// The page showing `visits` (a home page's count).
    pub fn with_visits(self, visits: u64) -> Self {
        CatalogPage { visits, ..self }
    }

    /// The question to ask StoreConfig (a bad query string is a 400).
    pub fn question(&self) -> Result<Option<CatalogQuestion>, EdgeError> {
        match self.page {
            EdgePage::Home => Ok(Some(CatalogQuestion::Home)),
            EdgePage::Collection(handle) => collection_question(handle, self.query).map(Some),
            EdgePage::Search => search_question(&search_text(self.query), self.query),
            EdgePage::Product(handle) => Ok(Some(CatalogQuestion::Product {
                handle: handle.to_owned(),
            })),
        }
    }

    /// The page `answer` (to [`CatalogPage::question`]) makes in `chrome`; `csrf` (the
    /// add-to-cart form's token) is asked for on a product page only. No answer where a
    /// question was due, or an answer of another kind, is a 500.
    pub fn render(
        &self,
        chrome: Chrome,
        answer: Option<&CatalogAnswer>,
        csrf: impl FnOnce() -> String,
    ) -> Result<Shown, EdgeError> {
        let listed = |html| Shown { html, viewed: None };
        match (self.page, answer) {
            (EdgePage::Search, answer) => {
                search_page(chrome, search_text(self.query), answer).map(listed)
            }
            (EdgePage::Collection(_), Some(answer)) => collection_page(chrome, answer).map(listed),
            (EdgePage::Home, Some(answer)) => {
                let featured = shopper_pages::featured(answer)?;
                let no_block = None;
                let html =
                    shopper_pages::home_page(chrome, self.visits, featured, no_block, false, csrf);
                html.map(listed)
            }
            (EdgePage::Product(_), Some(answer)) => {
                let product = shopper_pages::product(answer)?;
                let html = shopper_pages::product_page(chrome, product, self.query, csrf())?;
                let viewed = Some(product.handle.clone());
                Ok(Shown { html, viewed })
            }
            (_, None) => Err(EdgeError::internal(
                "a catalog page was made without its answer",
            )),
        }
    }
}
