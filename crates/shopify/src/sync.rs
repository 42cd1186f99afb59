//! Full catalog sync as a sans-IO state machine.
//!
//! ```text
//! let mut sync = FullSync::new(config, 5_000);
//! while let Some(request) = sync.next_request() {
//!     let response = driver.send(request)?;        // the caller's I/O, retries, breaker
//!     match sync.on_response(&response) { ... }     // Err: retry later or give up
//! }
//! let outcome = sync.finish()?;                     // products, truncated?, skipped
//! ```
//!
//! `next_request` keeps returning the request for the current page until a response for it
//! is accepted, so retrying is "call `next_request` again". A response that fails (HTTP,
//! GraphQL `errors`, bad JSON, bad pagination) changes nothing: its data is never kept.
//! Items that fail mapping on their own (a product with mixed currencies) are skipped and
//! listed in [`SyncOutcome::skipped`] rather than failing the whole store.

use crate::config::ShopConfig;
use crate::error::ShopifyError;
use crate::mapping::{collection_from_node, product_from_fields};
use crate::queries::{CollectionsPage, ProductsPage, collections_page, products_page};
use crate::request::{graphql_request, parse_graphql};
use std::collections::BTreeSet;
use std::marker::PhantomData;
use wandstore_core::catalog::{Collection, Product};
use wandstore_core::http::{HttpRequest, HttpResponse};

/// Shopify's largest page size (`first` ≤ 250).
pub const MAX_PAGE_SIZE: u32 = 250;

/// Collections per page. Each one lists up to 250 product handles, so pages stay small.
pub const COLLECTIONS_PAGE_SIZE: u32 = 25;

/// A listing the sync can page through.
pub trait PageKind {
    type Item;
    /// Default `first` per page.
    const PAGE_SIZE: u32;
    fn request(
        config: &ShopConfig,
        first: u32,
        after: Option<String>,
    ) -> Result<HttpRequest, ShopifyError>;
    fn parse(response: &HttpResponse) -> Result<PageOf<Self::Item>, ShopifyError>;
    fn id(item: &Self::Item) -> &str;
}

/// One parsed page: its items (or why each could not be mapped) and where to go next.
#[derive(Debug)]
pub struct PageOf<T> {
    pub items: Vec<Result<T, Skipped>>,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// An item left out of the sync, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// Products (with variants and images).
#[derive(Debug)]
pub enum Products {}

/// Collections (with their product handles).
#[derive(Debug)]
pub enum Collections {}

impl PageKind for Products {
    type Item = Product;
    const PAGE_SIZE: u32 = MAX_PAGE_SIZE;

    fn request(
        config: &ShopConfig,
        first: u32,
        after: Option<String>,
    ) -> Result<HttpRequest, ShopifyError> {
        graphql_request::<ProductsPage>(
            config,
            products_page::Variables {
                first: i64::from(first),
                after,
            },
        )
    }

    fn parse(response: &HttpResponse) -> Result<PageOf<Product>, ShopifyError> {
        let data: products_page::ResponseData = parse_graphql(response)?;
        let page = data.products;
        Ok(PageOf {
            items: page
                .nodes
                .into_iter()
                .map(|node| {
                    let id = node.id.clone();
                    product_from_fields(node).map_err(|e| Skipped {
                        id,
                        reason: e.to_string(),
                    })
                })
                .collect(),
            has_next_page: page.page_info.has_next_page,
            end_cursor: page.page_info.end_cursor,
        })
    }

    fn id(item: &Product) -> &str {
        &item.id
    }
}

impl PageKind for Collections {
    type Item = Collection;
    const PAGE_SIZE: u32 = COLLECTIONS_PAGE_SIZE;

    fn request(
        config: &ShopConfig,
        first: u32,
        after: Option<String>,
    ) -> Result<HttpRequest, ShopifyError> {
        graphql_request::<CollectionsPage>(
            config,
            collections_page::Variables {
                first: i64::from(first),
                after,
            },
        )
    }

    fn parse(response: &HttpResponse) -> Result<PageOf<Collection>, ShopifyError> {
        let data: collections_page::ResponseData = parse_graphql(response)?;
        let page = data.collections;
        Ok(PageOf {
            items: page
                .nodes
                .into_iter()
                .map(|node| Ok(collection_from_node(node)))
                .collect(),
            has_next_page: page.page_info.has_next_page,
            end_cursor: page.page_info.end_cursor,
        })
    }

    fn id(item: &Collection) -> &str {
        &item.id
    }
}

/// Where the sync stands after a page was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// More pages to fetch; `fetched` items so far.
    More { fetched: usize },
    /// Finished. `truncated` is true when the cap stopped it before Shopify ran out.
    Done { fetched: usize, truncated: bool },
}

/// What a finished sync produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOutcome<T> {
    /// In Shopify's order (by id), without duplicates.
    pub items: Vec<T>,
    /// True when the cap stopped the sync: the shop has more than `items`.
    pub truncated: bool,
    pub pages: u32,
    pub skipped: Vec<Skipped>,
}

/// A paginated sync of one listing, capped at `cap` items.
#[derive(Debug)]
pub struct Paginated<K: PageKind> {
    config: ShopConfig,
    cap: usize,
    page_size: u32,
    cursor: Option<String>,
    items: Vec<K::Item>,
    seen: BTreeSet<String>,
    skipped: Vec<Skipped>,
    pages: u32,
    state: State,
    kind: PhantomData<K>,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Running,
    Done { truncated: bool },
    Failed(ShopifyError),
}

/// Products sync: `FullSync::new(config, cap)`.
pub type FullSync = Paginated<Products>;
/// Collections sync: `CollectionSync::new(config, cap)`.
pub type CollectionSync = Paginated<Collections>;

impl<K: PageKind> Paginated<K> {
    /// A sync that stops after `cap` items (at least 1).
    pub fn new(config: ShopConfig, cap: usize) -> Self {
        Paginated {
            config,
            cap: cap.max(1),
            page_size: K::PAGE_SIZE,
            cursor: None,
            items: Vec::new(),
            seen: BTreeSet::new(),
            skipped: Vec::new(),
            pages: 0,
            state: State::Running,
            kind: PhantomData,
        }
    }

    /// Items per page, 1 to 250.
    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// The request for the current page, or `None` when the sync has finished (or failed).
    pub fn next_request(&mut self) -> Option<HttpRequest> {
        if self.state != State::Running {
            return None;
        }
        let room = self.cap.saturating_sub(self.items.len());
        let first = u32::try_from(room).unwrap_or(u32::MAX).min(self.page_size);
        match K::request(&self.config, first, self.cursor.clone()) {
            Ok(request) => Some(request),
            Err(e) => {
                self.state = State::Failed(e);
                None
            }
        }
    }

    /// Takes the response to the last [`next_request`](Self::next_request). On `Err`, nothing
    /// from the response is kept; if the error is retryable, send the same request again.
    pub fn on_response(&mut self, response: &HttpResponse) -> Result<Progress, ShopifyError> {
        if self.state != State::Running {
            return Err(ShopifyError::InvalidInput(
                "a response arrived after the sync finished".into(),
            ));
        }
        let page = K::parse(response)?;
        if page.has_next_page {
            let advances = page
                .end_cursor
                .as_ref()
                .is_some_and(|c| !c.is_empty() && Some(c) != self.cursor.as_ref());
            if !advances {
                return Err(ShopifyError::MissingData(
                    "hasNextPage is true but endCursor is missing or did not move".into(),
                ));
            }
            if page.items.is_empty() {
                return Err(ShopifyError::MissingData(
                    "an empty page claims that more pages follow".into(),
                ));
            }
        }
        self.pages += 1;
        let mut overflow = false;
        for item in page.items {
            match item {
                Ok(item) if self.seen.contains(K::id(&item)) => {}
                Ok(item) if self.items.len() < self.cap => {
                    self.seen.insert(K::id(&item).to_owned());
                    self.items.push(item);
                }
                Ok(_) => overflow = true,
                Err(skipped) => self.skipped.push(skipped),
            }
        }
        let fetched = self.items.len();
        let full = fetched >= self.cap;
        if full && (page.has_next_page || overflow) {
            self.state = State::Done { truncated: true };
            Ok(Progress::Done {
                fetched,
                truncated: true,
            })
        } else if !page.has_next_page {
            self.state = State::Done { truncated: false };
            Ok(Progress::Done {
                fetched,
                truncated: false,
            })
        } else {
            self.cursor = page.end_cursor;
            Ok(Progress::More { fetched })
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done { .. })
    }

    /// Items accepted so far.
    pub fn fetched(&self) -> usize {
        self.items.len()
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// The result of a finished sync. `Err` if it has not finished, or could not build a
    /// request: a partial sync is never handed out as if it were the catalog.
    pub fn finish(self) -> Result<SyncOutcome<K::Item>, ShopifyError> {
        match self.state {
            State::Done { truncated } => Ok(SyncOutcome {
                items: self.items,
                truncated,
                pages: self.pages,
                skipped: self.skipped,
            }),
            State::Failed(e) => Err(e),
            State::Running => Err(ShopifyError::InvalidInput(format!(
                "the sync has not finished ({} pages, {} items so far)",
                self.pages,
                self.items.len()
            ))),
        }
    }
}
