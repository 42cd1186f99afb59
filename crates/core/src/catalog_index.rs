//! A store's catalog held in memory and indexed for the questions pages ask: a collection's
//! page N in some order, a product by handle, a text/tag search, variants by id.
//!
//! StoreConfig builds one from its SQLite cache and answers every catalog read from it, so a
//! page never waits on Shopify.

use crate::breaker::{BreakerState, CircuitBreaker};
use crate::catalog::{
    Collection, Image, PageSize, PriceRange, Product, SortKey, Variant, page_slice,
    sorted_positions,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a product card in a listing needs (a listing never carries descriptions or
/// variants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub handle: String,
    pub title: String,
    pub vendor: String,
    pub available_for_sale: bool,
    pub featured_image: Option<Image>,
    pub price_range: PriceRange,
    pub compare_at_price_range: Option<PriceRange>,
}

impl From<&Product> for ProductCard {
    fn from(p: &Product) -> Self {
        ProductCard {
            handle: p.handle.clone(),
            title: p.title.clone(),
            vendor: p.vendor.clone(),
            available_for_sale: p.available_for_sale,
            featured_image: p.featured_image.clone(),
            price_range: p.price_range,
            compare_at_price_range: p.compare_at_price_range,
        }
    }
}

/// A collection without its (long) member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionInfo {
    pub handle: String,
    pub title: String,
    pub description: String,
    pub image: Option<Image>,
    pub product_count: usize,
}

/// One page of a product listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub cards: Vec<ProductCard>,
    /// 1-based.
    pub page: u32,
    pub total_pages: u32,
    pub total_items: usize,
    pub sort: SortKey,
    pub size: PageSize,
}

/// A variant together with the product it belongs to (what a cart line needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantHit {
    pub product_handle: String,
    pub product_title: String,
    pub product_image: Option<Image>,
    pub variant: Variant,
}

/// Why a listing could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingError {
    UnknownCollection,
    /// Page 0 or past the last page.
    NoSuchPage {
        total_pages: u32,
    },
}

/// How long a synced catalog counts as fresh by default; an older one is still served while a
/// refresh runs in the background (stale-while-revalidate).
pub const FRESH_FOR_MS: u64 = 5 * 60 * 1000;

/// The most products one store's sync fetches.
pub const SYNC_PRODUCT_CAP: usize = 5_000;

/// The most collections one store's sync fetches.
pub const SYNC_COLLECTION_CAP: usize = 500;

/// What the cache knows about its own state (the admin API shows it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogStatus {
    /// When the last successful sync finished; `None` if there never was one.
    pub synced_at_ms: Option<u64>,
    pub products: usize,
    pub collections: usize,
    /// The last sync stopped at the cap: the shop has more products than are cached.
    pub truncated: bool,
    /// The last failed sync's error code and message, cleared by a successful sync.
    pub last_error: Option<String>,
    pub last_error_at_ms: Option<u64>,
    /// "closed", "open" or "half-open".
    pub breaker: String,
    pub syncing: bool,
}

impl CatalogStatus {
    /// Whether a refresh is due at `now_ms` for a catalog that stays fresh `fresh_for_ms`.
    pub fn is_stale(&self, now_ms: u64, fresh_for_ms: u64) -> bool {
        self.synced_at_ms
            .is_none_or(|t| now_ms.saturating_sub(t) >= fresh_for_ms)
    }

    /// The breaker's state as the status shows it: "closed", "open" or "half-open".
    pub fn breaker_label(state: &BreakerState) -> String {
        state.name().replace('_', "-")
    }
}

/// Whether a read of a `stale` cache starts a background refresh: not while one is
/// `syncing`, nor while the breaker would refuse the call (a breaker that could not be read,
/// `None`, is no reason to stop refreshing).
pub fn refresh_due(
    stale: bool,
    syncing: bool,
    breaker: Option<CircuitBreaker>,
    now_ms: u64,
) -> bool {
    stale && !syncing && breaker.is_none_or(|b| b.would_allow(now_ms))
}

/// The longest search query considered, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

/// A listing request as it arrives in a URL (`?sort=price-asc&page=2&size=48`), validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ListingQuery {
    pub sort: SortKey,
    pub page: u32,
    pub size: PageSize,
}

impl ListingQuery {
    /// Parses `sort`, `page` and `size` from query pairs; absent values take their defaults
    /// (featured, page 1, 24 per page). Anything present but invalid is an error naming it.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let mut q = ListingQuery {
            page: 1,
            ..Default::default()
        };
        for (k, v) in pairs {
            match k {
                "sort" => {
                    q.sort = SortKey::parse(v).ok_or_else(|| {
                        format!(
                            "sort must be one of {}",
                            SortKey::ALL.map(SortKey::as_str).join(", ")
                        )
                    })?
                }
                "page" => {
                    q.page = v
                        .parse()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| "page must be a whole number from 1".to_owned())?
                }
                "size" => {
                    q.size = v
                        .parse()
                        .ok()
                        .and_then(PageSize::parse)
                        .ok_or_else(|| "size must be 24 or 48".to_owned())?
                }
                _ => {}
            }
        }
        Ok(q)
    }
}

/// The in-memory catalog.
#[derive(Debug, Clone, Default)]
pub struct CatalogIndex {
    products: Vec<Product>,
    by_handle: HashMap<String, usize>,
    by_variant: HashMap<String, (usize, usize)>,
    collections: Vec<Collection>,
    collection_by_handle: HashMap<String, usize>,
    /// Lower-cased title, vendor, type and tags of each product, for search: worked out on the
    /// first search, not when the catalog is loaded (a cold object's first page is seldom one).
    haystack: OnceLock<Vec<String>>,
    /// The sort orders, worked out on the first listing that needs one (a home page or a
    /// product page needs none).
    sorted: OnceLock<Sorted>,
}

/// Every sort order of a catalog's products.
#[derive(Debug, Clone)]
struct Sorted {
    /// Product positions in each order (for "all products" listings).
    orders: HashMap<SortKey, Vec<usize>>,
    /// For each order, each product's place in it (indexed like the products).
    ranks: HashMap<SortKey, Vec<usize>>,
}

impl Sorted {
    fn of(products: &[Product]) -> Self {
        let orders: HashMap<SortKey, Vec<usize>> = sorted_positions(products).into_iter().collect();
        // Each product's place in each order: a collection's members sort by it.
        let ranks = orders
            .iter()
            .map(|(&key, order)| {
                let mut rank = vec![0; order.len()];
                for (place, &product) in order.iter().enumerate() {
                    rank[product] = place;
                }
                (key, rank)
            })
            .collect();
        Sorted { orders, ranks }
    }
}

impl CatalogIndex {
    /// Indexes products (in the order they should appear as "featured") and collections.
    /// A later product with a handle already seen is ignored.
    pub fn new(products: Vec<Product>, collections: Vec<Collection>) -> Self {
        let mut kept: Vec<Product> = Vec::with_capacity(products.len());
        let mut by_handle = HashMap::with_capacity(products.len());
        for p in products {
            if !by_handle.contains_key(&p.handle) {
                by_handle.insert(p.handle.clone(), kept.len());
                kept.push(p);
            }
        }
        let mut by_variant = HashMap::new();
        for (pi, p) in kept.iter().enumerate() {
            for (vi, v) in p.variants.iter().enumerate() {
                by_variant.entry(v.id.clone()).or_insert((pi, vi));
            }
        }
        let collection_by_handle = collections
            .iter()
            .enumerate()
            .map(|(i, c)| (c.handle.clone(), i))
            .collect();
        CatalogIndex {
            products: kept,
            by_handle,
            by_variant,
            collections,
            collection_by_handle,
            haystack: OnceLock::new(),
            sorted: OnceLock::new(),
        }
    }

    fn haystack(&self) -> &[String] {
        self.haystack
            .get_or_init(|| self.products.iter().map(search_text).collect())
    }

    fn sorted(&self) -> &Sorted {
        self.sorted.get_or_init(|| Sorted::of(&self.products))
    }

    pub fn product_count(&self) -> usize {
        self.products.len()
    }

    pub fn collection_count(&self) -> usize {
        self.collections.len()
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn collections(&self) -> &[Collection] {
        &self.collections
    }

    pub fn product(&self, handle: &str) -> Option<&Product> {
        self.by_handle.get(handle).map(|&i| &self.products[i])
    }

    pub fn variant(&self, id: &str) -> Option<VariantHit> {
        let &(pi, vi) = self.by_variant.get(id)?;
        let p = &self.products[pi];
        Some(VariantHit {
            product_handle: p.handle.clone(),
            product_title: p.title.clone(),
            product_image: p.featured_image.clone(),
            variant: p.variants[vi].clone(),
        })
    }

    /// The first `n` collections, in the store's order.
    pub fn featured_collections(&self, n: usize) -> Vec<CollectionInfo> {
        self.collections
            .iter()
            .take(n)
            .map(|c| self.info(c))
            .collect()
    }

    pub fn collection(&self, handle: &str) -> Option<CollectionInfo> {
        self.collection_by_handle
            .get(handle)
            .map(|&i| self.info(&self.collections[i]))
    }

    fn info(&self, c: &Collection) -> CollectionInfo {
        CollectionInfo {
            handle: c.handle.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            image: c.image.clone(),
            product_count: self.members(c).len(),
        }
    }

    /// Positions of a collection's products that are in the cache, once each, in the
    /// merchant's order.
    fn members(&self, c: &Collection) -> Vec<usize> {
        let mut members: Vec<usize> = Vec::with_capacity(c.product_handles.len());
        let mut seen = std::collections::HashSet::with_capacity(c.product_handles.len());
        for &i in c
            .product_handles
            .iter()
            .filter_map(|h| self.by_handle.get(h))
        {
            if seen.insert(i) {
                members.push(i);
            }
        }
        members
    }

    /// Page `page` of every product in `sort` order.
    pub fn all_products(
        &self,
        sort: SortKey,
        page: u32,
        size: PageSize,
    ) -> Result<Listing, ListingError> {
        let order = (self.sorted().orders.get(&sort)).map_or(&[][..], Vec::as_slice);
        self.listing(order, sort, page, size)
    }

    /// Page `page` of a collection's products (those in the cache) in `sort` order;
    /// `Featured` is the merchant's collection order.
    pub fn collection_products(
        &self,
        handle: &str,
        sort: SortKey,
        page: u32,
        size: PageSize,
    ) -> Result<Listing, ListingError> {
        let &ci = self
            .collection_by_handle
            .get(handle)
            .ok_or(ListingError::UnknownCollection)?;
        let mut members = self.members(&self.collections[ci]);
        // The catalog's own order restricted to the members: no product compared again
        // (`ranks` holds every order; `Featured` is the merchant's order, left as it is).
        let rank = (sort != SortKey::Featured)
            .then(|| self.sorted().ranks.get(&sort))
            .flatten();
        if let Some(rank) = rank {
            members.sort_by_key(|&p| rank.get(p).copied().unwrap_or(usize::MAX));
        }
        self.listing(&members, sort, page, size)
    }

    /// Products whose title, vendor, type or tags contain every word of `query`
    /// (case-insensitive; `tag:x` matches a tag exactly). Title matches rank first, then the
    /// featured order. An empty query matches nothing.
    pub fn search(&self, query: &str, page: u32, size: PageSize) -> Result<Listing, ListingError> {
        let query: String = query
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect::<String>()
            .to_lowercase();
        let mut words: Vec<&str> = Vec::new();
        let mut tags: Vec<&str> = Vec::new();
        for w in query.split_whitespace() {
            match w.strip_prefix("tag:") {
                Some(t) if !t.is_empty() => tags.push(t),
                _ => words.push(w),
            }
        }
        let mut hits: Vec<(usize, usize)> = Vec::new();
        if !words.is_empty() || !tags.is_empty() {
            let haystack = self.haystack();
            for (i, p) in self.products.iter().enumerate() {
                let hay = &haystack[i];
                let tag_ok = tags
                    .iter()
                    .all(|t| p.tags.iter().any(|pt| pt.to_lowercase() == *t));
                if tag_ok && words.iter().all(|w| hay.contains(w)) {
                    let title = p.title.to_lowercase();
                    let in_title = words.iter().filter(|w| title.contains(*w)).count();
                    hits.push((i, in_title));
                }
            }
        }
        // Stable: more title matches first, then the featured order.
        hits.sort_by_key(|&(_, in_title)| std::cmp::Reverse(in_title));
        let order: Vec<usize> = hits.into_iter().map(|(i, _)| i).collect();
        self.listing(&order, SortKey::Featured, page, size)
    }

    /// Up to `n` products for a shopper who looked at `seen` (most recent first): products
    /// that share a type, vendor or tag with them score by how much they share (type 3,
    /// vendor 2, each tag 1, more for recent views), sold-out and already seen ones are left
    /// out, and ties keep the featured order. Each comes with the seen product it is like.
    pub fn recommend(&self, seen: &[String], n: usize) -> Vec<(ProductCard, String)> {
        let seen: Vec<&Product> = seen
            .iter()
            .filter_map(|h| self.product(h))
            .take(10)
            .collect();
        if seen.is_empty() || n == 0 {
            return Vec::new();
        }
        let mut scored: Vec<(usize, usize, usize)> = Vec::new();
        for (i, p) in self.products.iter().enumerate() {
            if !p.available_for_sale || seen.iter().any(|s| s.handle == p.handle) {
                continue;
            }
            let mut best: Option<(usize, usize)> = None;
            for (rank, s) in seen.iter().enumerate() {
                let mut score = 0;
                if !s.product_type.is_empty() && s.product_type == p.product_type {
                    score += 3;
                }
                if !s.vendor.is_empty() && s.vendor == p.vendor {
                    score += 2;
                }
                score += s.tags.iter().filter(|t| p.tags.contains(t)).count();
                // More recent views weigh more.
                let score = score * (10 - rank);
                if score > 0 && best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, rank));
                }
            }
            if let Some((score, rank)) = best {
                scored.push((score, i, rank));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(n)
            .map(|(_, i, rank)| {
                (
                    ProductCard::from(&self.products[i]),
                    seen[rank].title.clone(),
                )
            })
            .collect()
    }

    fn listing(
        &self,
        order: &[usize],
        sort: SortKey,
        page: u32,
        size: PageSize,
    ) -> Result<Listing, ListingError> {
        let slice = page_slice(order, page, size).ok_or_else(|| ListingError::NoSuchPage {
            total_pages: u32::try_from(order.len().div_ceil(size.get()).max(1)).unwrap_or(u32::MAX),
        })?;
        Ok(Listing {
            cards: slice
                .items
                .iter()
                .map(|&i| ProductCard::from(&self.products[i]))
                .collect(),
            page: slice.number,
            total_pages: slice.total_pages,
            total_items: slice.total_items,
            sort,
            size,
        })
    }
}

fn search_text(p: &Product) -> String {
    let mut s = String::with_capacity(p.title.len() + p.vendor.len() + 64);
    for part in [&p.title, &p.vendor, &p.product_type] {
        s.push_str(&part.to_lowercase());
        s.push('\n');
    }
    for t in &p.tags {
        s.push_str(&t.to_lowercase());
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_fixtures::{index, product};

    fn handles(l: &Listing) -> Vec<&str> {
        l.cards.iter().map(|c| c.handle.as_str()).collect()
    }

    #[test]
    fn orders_and_search_text_are_worked_out_on_first_use_and_answer_the_same() {
        let fresh = index();
        assert!(fresh.sorted.get().is_none() && fresh.haystack.get().is_none());
        // A product page and a featured collection need neither.
        assert!(fresh.product("b-hat").is_some());
        let featured = fresh.collection_products("hats", SortKey::Featured, 1, PageSize::Small);
        assert!(featured.is_ok());
        assert!(fresh.sorted.get().is_none() && fresh.haystack.get().is_none());
        // A copy made before first use answers what the original answers after it.
        let copy = fresh.clone();
        let answers = |i: &CatalogIndex| {
            let all = i
                .all_products(SortKey::PriceAsc, 1, PageSize::Small)
                .unwrap();
            let hats =
                (i.collection_products("hats", SortKey::TitleAsc, 1, PageSize::Small)).unwrap();
            let found = i.search("hat", 1, PageSize::Small).unwrap();
            (
                handles(&all).join(","),
                handles(&hats).join(","),
                handles(&found).join(","),
            )
        };
        let first = answers(&fresh);
        assert!(fresh.sorted.get().is_some() && fresh.haystack.get().is_some());
        assert_eq!(answers(&fresh), first, "worked out once");
        assert_eq!(answers(&copy), first);
        assert!(first.0.starts_with("a-cap"), "{first:?}");
    }

    #[test]
    fn a_stale_read_refreshes_unless_a_sync_runs_or_the_breaker_refuses() {
        use crate::breaker::BreakerConfig;
        let closed = CircuitBreaker::new(BreakerConfig::default());
        let open = CircuitBreaker::from_state(
            BreakerConfig::default(),
            BreakerState::Open { until_ms: 2_000 },
        );
        assert!(refresh_due(true, false, Some(closed), 1_000));
        assert!(!refresh_due(false, false, Some(closed), 1_000), "fresh");
        assert!(
            !refresh_due(true, true, Some(closed), 1_000),
            "one sync at a time"
        );
        assert!(!refresh_due(true, false, Some(open), 1_000), "breaker open");
        assert!(
            refresh_due(true, false, Some(open), 2_000),
            "open period over: probe"
        );
        assert!(refresh_due(true, false, None, 1_000), "unreadable breaker");
        let probing = CircuitBreaker::from_state(
            BreakerConfig::default(),
            BreakerState::HalfOpen {
                consecutive_successes: 0,
                probe_started_ms: Some(900),
            },
        );
        assert!(!refresh_due(true, false, Some(probing), 1_000), "probe out");
        let idle = CircuitBreaker::from_state(
            BreakerConfig::default(),
            BreakerState::HalfOpen {
                consecutive_successes: 0,
                probe_started_ms: None,
            },
        );
        assert!(refresh_due(true, false, Some(idle), 1_000));
        assert!(
            refresh_due(true, false, Some(idle), 1_000),
            "peeking took no probe"
        );
        assert_eq!(CatalogStatus::breaker_label(&probing.state()), "half-open");
        assert_eq!(CatalogStatus::breaker_label(&open.state()), "open");
    }

    #[test]
    fn listing_queries_validate_each_parameter() {
        let q = ListingQuery::parse([
            ("sort", "price-desc"),
            ("page", "3"),
            ("size", "48"),
            ("utm", "x"),
        ])
        .unwrap();
        assert_eq!(
            (q.sort, q.page, q.size),
            (SortKey::PriceDesc, 3, PageSize::Large)
        );
        let d = ListingQuery::parse([]).unwrap();
        assert_eq!(
            (d.sort, d.page, d.size),
            (SortKey::Featured, 1, PageSize::Small)
        );
        assert!(
            ListingQuery::parse([("sort", "random")])
                .unwrap_err()
                .contains("price-asc")
        );
        assert!(ListingQuery::parse([("page", "0")]).is_err());
        assert!(ListingQuery::parse([("page", "-1")]).is_err());
        assert!(ListingQuery::parse([("page", "abc")]).is_err());
        assert!(
            ListingQuery::parse([("size", "100")])
                .unwrap_err()
                .contains("24 or 48")
        );
    }

    #[test]
    fn staleness_follows_the_last_sync() {
        let mut s = CatalogStatus::default();
        assert!(s.is_stale(0, FRESH_FOR_MS), "never synced");
        s.synced_at_ms = Some(1_000);
        assert!(!s.is_stale(1_000 + FRESH_FOR_MS - 1, FRESH_FOR_MS));
        assert!(s.is_stale(1_000 + FRESH_FOR_MS, FRESH_FOR_MS));
        assert!(s.is_stale(1_001, 1));
        assert!(
            !s.is_stale(10, FRESH_FOR_MS),
            "a clock behind the sync time is not stale"
        );
    }

    #[test]
    fn duplicates_are_dropped_and_lookups_work() {
        let i = index();
        assert_eq!(i.product_count(), 3);
        assert_eq!(
            i.product("b-hat").map(|p| p.title.as_str()),
            Some("Blue Hat")
        );
        assert!(i.product("nope").is_none());
        let hit = i.variant("v-a-cap").unwrap();
        assert_eq!(
            (hit.product_handle.as_str(), hit.variant.price.minor),
            ("a-cap", 1000)
        );
        assert!(i.variant("v-nope").is_none());
    }

    #[test]
    fn all_products_in_every_order() {
        let i = index();
        let page = |s| handles(&i.all_products(s, 1, PageSize::Small).unwrap()).join(",");
        assert_eq!(page(SortKey::Featured), "b-hat,a-cap,c-hat");
        assert_eq!(page(SortKey::PriceAsc), "a-cap,b-hat,c-hat");
        assert_eq!(page(SortKey::PriceDesc), "c-hat,b-hat,a-cap");
        assert_eq!(page(SortKey::TitleAsc), "b-hat,c-hat,a-cap");
        assert_eq!(page(SortKey::Newest), "a-cap,b-hat,c-hat");
    }

    #[test]
    fn a_collection_in_any_order_is_its_members_compared_one_by_one() {
        // Ties on price, titles that differ only in case, dates that do not parse: the
        // catalog's precomputed order restricted to a collection must be exactly what
        // comparing the members gives.
        let titles = [
            "Hat", "hat", "Cap", "cap", "Zebra", "apple", "Émile", "émile",
        ];
        let dates = [
            "2025-01-02T00:00:00Z",
            "not a date",
            "2024-12-31T23:59:59Z",
            "",
        ];
        let products: Vec<Product> = (0..40)
            .map(|n| {
                let handle = format!("p{:02}", (n * 17) % 40);
                product(
                    &handle,
                    titles[n % 8],
                    500 * (n % 5) as i64,
                    dates[n % 4],
                    &[],
                )
            })
            .collect();
        let members: Vec<String> = (0..40)
            .rev()
            .step_by(3)
            .map(|n| format!("p{n:02}"))
            .collect();
        let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
        let i = CatalogIndex::new(
            products.clone(),
            vec![crate::catalog_fixtures::collection("some", &member_refs)],
        );
        for sort in SortKey::ALL {
            let listed = i
                .collection_products("some", sort, 1, PageSize::Large)
                .unwrap();
            let mut expected: Vec<&Product> = member_refs
                .iter()
                .filter_map(|h| products.iter().find(|p| p.handle == *h))
                .collect();
            if sort != SortKey::Featured {
                expected.sort_by(|a, b| sort.compare(a, b));
            }
            let expected: Vec<&str> = expected.iter().map(|p| p.handle.as_str()).collect();
            assert_eq!(handles(&listed), expected, "{sort:?}");
        }
    }

    #[test]
    fn collections_keep_merchant_order_skip_missing_and_dedupe() {
        let i = index();
        let l = i
            .collection_products("hats", SortKey::Featured, 1, PageSize::Small)
            .unwrap();
        assert_eq!(handles(&l), ["c-hat", "b-hat"]);
        assert_eq!(l.total_items, 2);
        let l = i
            .collection_products("hats", SortKey::PriceAsc, 1, PageSize::Small)
            .unwrap();
        assert_eq!(handles(&l), ["b-hat", "c-hat"]);
        assert_eq!(i.collection("hats").unwrap().product_count, 2);
        assert_eq!(
            i.collection_products("nope", SortKey::Featured, 1, PageSize::Small),
            Err(ListingError::UnknownCollection)
        );
        let empty = i
            .collection_products("empty", SortKey::Featured, 1, PageSize::Small)
            .unwrap();
        assert_eq!((empty.total_pages, empty.cards.len()), (1, 0));
        assert_eq!(
            i.collection_products("hats", SortKey::Featured, 2, PageSize::Small),
            Err(ListingError::NoSuchPage { total_pages: 1 })
        );
        assert_eq!(i.featured_collections(1).len(), 1);
    }

    #[test]
    fn pages_split_large_listings() {
        let products: Vec<Product> = (0..50)
            .map(|n| {
                product(
                    &format!("p{n:02}"),
                    &format!("P {n}"),
                    100 + n,
                    "2025-01-01T00:00:00Z",
                    &[],
                )
            })
            .collect();
        let i = CatalogIndex::new(products, vec![]);
        let p1 = i
            .all_products(SortKey::Featured, 1, PageSize::Large)
            .unwrap();
        let p2 = i
            .all_products(SortKey::Featured, 2, PageSize::Large)
            .unwrap();
        assert_eq!((p1.cards.len(), p2.cards.len(), p1.total_pages), (48, 2, 2));
        assert_eq!(p2.cards[0].handle, "p48");
        assert!(
            i.all_products(SortKey::Featured, 3, PageSize::Large)
                .is_err()
        );
        assert!(
            i.all_products(SortKey::Featured, 0, PageSize::Large)
                .is_err()
        );
    }

    #[test]
    fn recommendations_follow_what_was_seen() {
        let mut products = vec![
            product(
                "seen-hat",
                "Seen Hat",
                100,
                "2025-01-01T00:00:00Z",
                &["wool"],
            ),
            product(
                "wool-hat",
                "Wool Hat",
                100,
                "2025-01-01T00:00:00Z",
                &["wool"],
            ),
            product("plain-hat", "Plain Hat", 100, "2025-01-01T00:00:00Z", &[]),
            product(
                "sold-out-hat",
                "Sold Out Hat",
                100,
                "2025-01-01T00:00:00Z",
                &["wool"],
            ),
            product("mug", "Mug", 100, "2025-01-01T00:00:00Z", &[]),
        ];
        products[3].available_for_sale = false;
        products[4].product_type = "Mug".into();
        products[4].vendor = "Other".into();
        let i = CatalogIndex::new(products, vec![]);
        let recs = i.recommend(&["seen-hat".into(), "unknown".into()], 10);
        let handles: Vec<&str> = recs.iter().map(|(c, _)| c.handle.as_str()).collect();
        assert_eq!(
            handles,
            ["wool-hat", "plain-hat"],
            "type+vendor+tag beats type+vendor; no sold-out, seen or unrelated"
        );
        assert!(recs.iter().all(|(_, because)| because == "Seen Hat"));
        assert!(i.recommend(&[], 10).is_empty());
        assert!(i.recommend(&["nope".into()], 10).is_empty());
        assert_eq!(i.recommend(&["seen-hat".into()], 1).len(), 1);
    }

    #[test]
    fn search_matches_every_word_ranks_titles_and_filters_tags() {
        let i = index();
        let s = |q| handles(&i.search(q, 1, PageSize::Small).unwrap()).join(",");
        assert_eq!(
            s("hat"),
            "b-hat,c-hat,a-cap",
            "title matches first, then the rest (type Hat)"
        );
        assert_eq!(s("HAT blue"), "b-hat");
        assert_eq!(s("tag:summer"), "b-hat,a-cap");
        assert_eq!(s("tag:sale cap"), "a-cap");
        assert_eq!(s("acme"), "b-hat,a-cap,c-hat");
        assert_eq!(s("nothing-like-this"), "");
        assert_eq!(s("   "), "");
        assert_eq!(s("<script>"), "");
        assert_eq!(
            i.search(&"x".repeat(10_000), 1, PageSize::Small)
                .unwrap()
                .total_items,
            0
        );
    }
}
