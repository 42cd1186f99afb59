//! The questions a page asks of its store's catalog, and their answers: the vocabulary
//! between a shopper's object and the store's StoreConfig, answered by
//! [`CatalogIndex::answer`]. Written once; both objects use these types.

use crate::cart::MAX_LINES;
use crate::catalog::{Product, SortKey};
use crate::catalog_index::{
    CatalogIndex, CollectionInfo, Listing, ListingError, ListingQuery, MAX_QUERY_CHARS,
    ProductCard, VariantHit,
};
use serde::{Deserialize, Serialize};

/// How many collections the home page features.
pub const FEATURED_COLLECTIONS: usize = 6;

/// How many products "Recommended for you" shows.
pub const RECOMMENDATIONS: usize = 8;

/// The most recently seen products a recommendation question carries.
pub const MAX_SEEN: usize = 10;

/// The most variant ids one question carries: a full cart plus the variant being added, so
/// the 101st distinct line is refused as `cart_full`, not as an unknown variant.
pub const MAX_VARIANT_IDS: usize = MAX_LINES + 1;

/// The handle that lists every product.
pub const ALL_PRODUCTS: &str = "all";

/// One question about a store's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "q", rename_all = "snake_case")]
pub enum CatalogQuestion {
    /// The home page's featured collections.
    Home,
    /// A page of a collection (`all` for every product).
    Collection { handle: String, query: ListingQuery },
    /// A product by handle.
    Product { handle: String },
    /// A page of search results.
    Search { text: String, query: ListingQuery },
    /// Products like the ones seen (most recent first).
    Recommend { seen: Vec<String> },
    /// Catalog facts for cart lines.
    Variants { ids: Vec<String> },
}

impl CatalogQuestion {
    /// A recommendation question for at most [`MAX_SEEN`] handles.
    pub fn recommend(seen: Vec<String>) -> Self {
        let mut seen = seen;
        seen.truncate(MAX_SEEN);
        CatalogQuestion::Recommend { seen }
    }

    /// A search question. Results are ranked by relevance, so the sort is dropped and equal
    /// searches ask equal questions.
    pub fn search(text: &str, query: ListingQuery) -> Self {
        CatalogQuestion::Search {
            text: text.trim().chars().take(MAX_QUERY_CHARS).collect(),
            query: ListingQuery {
                sort: SortKey::Featured,
                ..query
            },
        }
    }

    /// A variants question: ids sorted and deduplicated (so equal carts ask equal questions),
    /// at most [`MAX_VARIANT_IDS`].
    pub fn variants(ids: impl IntoIterator<Item = String>) -> Self {
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        ids.truncate(MAX_VARIANT_IDS);
        CatalogQuestion::Variants { ids }
    }

    /// The variants question for a cart's ids, or `None` when there are none to ask about.
    pub fn variants_of(ids: impl IntoIterator<Item = String>) -> Option<Self> {
        let question = Self::variants(ids);
        let empty = matches!(&question, CatalogQuestion::Variants { ids } if ids.is_empty());
        (!empty).then_some(question)
    }

    /// The key a shopper's object caches the answer under.
    pub fn cache_key(&self) -> String {
        // Strings, numbers and enums always serialize.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A product the store recommends, and the seen product it is like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub card: ProductCard,
    /// The title of the seen product this one is like.
    pub because: String,
}

/// The answer to a [`CatalogQuestion`], variant for variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "a", rename_all = "snake_case")]
pub enum CatalogAnswer {
    Home {
        featured: Vec<CollectionInfo>,
    },
    Collection {
        collection: CollectionInfo,
        listing: Listing,
    },
    Product {
        product: Box<Product>,
    },
    Search {
        listing: Listing,
    },
    Recommend {
        picks: Vec<Pick>,
    },
    Variants {
        hits: Vec<VariantHit>,
    },
}

/// Why a catalog question has no answer: the shopper asked for something that is not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "miss", rename_all = "snake_case")]
pub enum CatalogMiss {
    UnknownCollection,
    UnknownProduct,
    /// Page 0 or past the last page.
    NoSuchPage {
        total_pages: u32,
    },
}

impl From<ListingError> for CatalogMiss {
    fn from(e: ListingError) -> Self {
        match e {
            ListingError::UnknownCollection => CatalogMiss::UnknownCollection,
            ListingError::NoSuchPage { total_pages } => CatalogMiss::NoSuchPage { total_pages },
        }
    }
}

impl std::fmt::Display for CatalogMiss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogMiss::UnknownCollection => f.write_str("there is no such collection"),
            CatalogMiss::UnknownProduct => f.write_str("there is no such product"),
            CatalogMiss::NoSuchPage { total_pages } => {
                write!(f, "this listing has {total_pages} page(s)")
            }
        }
    }
}

impl CatalogMiss {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogMiss::UnknownCollection => "collection_not_found",
            CatalogMiss::UnknownProduct => "product_not_found",
            CatalogMiss::NoSuchPage { .. } => "page_not_found",
        }
    }
}

impl CatalogIndex {
    /// Answers one question from the index. Only what the question asks is computed.
    pub fn answer(&self, question: &CatalogQuestion) -> Result<CatalogAnswer, CatalogMiss> {
        Ok(match question {
            CatalogQuestion::Home => CatalogAnswer::Home {
                featured: self.featured_collections(FEATURED_COLLECTIONS),
            },
            CatalogQuestion::Collection { handle, query } if handle == ALL_PRODUCTS => {
                CatalogAnswer::Collection {
                    listing: self.all_products(query.sort, query.page, query.size)?,
                    collection: CollectionInfo {
                        handle: ALL_PRODUCTS.into(),
                        title: "All products".into(),
                        description: String::new(),
                        image: None,
                        product_count: self.product_count(),
                    },
                }
            }
            CatalogQuestion::Collection { handle, query } => {
                let collection = self
                    .collection(handle)
                    .ok_or(CatalogMiss::UnknownCollection)?;
                let listing =
                    self.collection_products(handle, query.sort, query.page, query.size)?;
                CatalogAnswer::Collection {
                    collection,
                    listing,
                }
            }
            CatalogQuestion::Product { handle } => CatalogAnswer::Product {
                product: Box::new(
                    self.product(handle)
                        .ok_or(CatalogMiss::UnknownProduct)?
                        .clone(),
                ),
            },
            CatalogQuestion::Search { text, query } => CatalogAnswer::Search {
                listing: self.search(text, query.page, query.size)?,
            },
            CatalogQuestion::Recommend { seen } => CatalogAnswer::Recommend {
                picks: self
                    .recommend(&seen[..seen.len().min(MAX_SEEN)], RECOMMENDATIONS)
                    .into_iter()
                    .map(|(card, because)| Pick { card, because })
                    .collect(),
            },
            CatalogQuestion::Variants { ids } => CatalogAnswer::Variants {
                hits: ids
                    .iter()
                    .take(MAX_VARIANT_IDS)
                    .filter_map(|id| self.variant(id))
                    .collect(),
            },
        })
    }
}

#[cfg(test)]
#[path = "catalog_question_tests.rs"]
mod tests;
