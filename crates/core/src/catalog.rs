//! Catalog types shared by the Shopify client, the product cache and the views.
//!
//! These are WandStore's own types, not Shopify's: the Shopify client maps its responses into
//! them, StoreConfig caches them as JSON in SQLite, and the render crate turns them into pages.
//! Field names are stable: renaming one invalidates every cached row.
//!
//! `description_html` is the merchant's raw HTML. It is sanitized at render time and never
//! marked safe before that.

use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::cmp::Ordering;

/// An image hosted by Shopify's CDN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub alt_text: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Lowest and highest variant price of a product, in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRange {
    pub min: Money,
    pub max: Money,
}

/// An option such as "Size" with its values in the merchant's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    pub values: Vec<String>,
}

/// One option value a variant has, e.g. Size = "M".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectedOption {
    pub name: String,
    pub value: String,
}

/// Search-engine title and description set by the merchant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seo {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A purchasable variant of a product. `id` is what a cart line refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: String,
    pub title: String,
    pub sku: Option<String>,
    pub available_for_sale: bool,
    pub price: Money,
    pub compare_at_price: Option<Money>,
    pub selected_options: Vec<SelectedOption>,
    pub image: Option<Image>,
}

impl Variant {
    /// True when a compare-at price exists and is higher than the price (a sale to show).
    pub fn on_sale(&self) -> bool {
        self.compare_at_price
            .is_some_and(|c| c.partial_cmp(&self.price) == Some(Ordering::Greater))
    }
}

/// A product as the cache stores it and the pages render it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub handle: String,
    pub title: String,
    pub vendor: String,
    pub product_type: String,
    /// Plain text.
    pub description: String,
    /// Raw merchant HTML; sanitize before rendering.
    pub description_html: String,
    pub tags: Vec<String>,
    pub available_for_sale: bool,
    /// RFC 3339, e.g. "2025-03-01T12:00:00Z". Empty in rows cached before it existed.
    #[serde(default)]
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    pub featured_image: Option<Image>,
    pub images: Vec<Image>,
    pub price_range: PriceRange,
    /// `None` when no variant has a compare-at price.
    pub compare_at_price_range: Option<PriceRange>,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    /// True when the product has more variants than the sync fetched.
    #[serde(default)]
    pub variants_truncated: bool,
    pub seo: Seo,
}

impl Product {
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }

    /// The variant a product page preselects: the first one for sale, else the first one.
    pub fn default_variant(&self) -> Option<&Variant> {
        self.variants
            .iter()
            .find(|v| v.available_for_sale)
            .or_else(|| self.variants.first())
    }

    /// `created_at` as Unix milliseconds, if it parses.
    pub fn created_at_ms(&self) -> Option<i64> {
        parse_rfc3339_ms(&self.created_at)
    }
}

/// A collection with its products' handles in the collection's own order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub id: String,
    pub handle: String,
    pub title: String,
    pub description: String,
    pub image: Option<Image>,
    /// RFC 3339.
    pub updated_at: String,
    pub product_handles: Vec<String>,
    /// True when the collection holds more products than the sync listed.
    #[serde(default)]
    pub products_truncated: bool,
}

/// How a product listing is ordered. `Featured` keeps the source order (the merchant's
/// collection order, or the cache's order for "all products").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortKey {
    #[default]
    Featured,
    PriceAsc,
    PriceDesc,
    TitleAsc,
    TitleDesc,
    Newest,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Featured,
        SortKey::PriceAsc,
        SortKey::PriceDesc,
        SortKey::TitleAsc,
        SortKey::TitleDesc,
        SortKey::Newest,
    ];

    /// The value used in URLs (`?sort=price-asc`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Featured => "featured",
            SortKey::PriceAsc => "price-asc",
            SortKey::PriceDesc => "price-desc",
            SortKey::TitleAsc => "title-asc",
            SortKey::TitleDesc => "title-desc",
            SortKey::Newest => "newest",
        }
    }

    /// Parses a URL value; unknown values are `None` (the caller shows the default order).
    pub fn parse(raw: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The order for this key; ties are broken by handle so pages never shuffle.
    /// `Featured` compares everything as equal (a stable sort keeps the source order).
    pub fn compare(self, a: &Product, b: &Product) -> Ordering {
        self.compare_facts(&SortFacts::of(a), &SortFacts::of(b))
    }

    /// [`SortKey::compare`] on what two products sort by, worked out beforehand.
    pub fn compare_facts(self, a: &SortFacts<'_>, b: &SortFacts<'_>) -> Ordering {
        let primary = match self {
            SortKey::Featured => return Ordering::Equal,
            SortKey::PriceAsc => a.price.cmp(&b.price),
            SortKey::PriceDesc => b.price.cmp(&a.price),
            SortKey::TitleAsc => a.title.cmp(&b.title),
            SortKey::TitleDesc => b.title.cmp(&a.title),
            // Newest first; products whose date does not parse go last.
            SortKey::Newest => match (a.created_ms, b.created_ms) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        primary.then_with(|| a.handle.cmp(b.handle))
    }
}

/// What a product sorts by, worked out once per product: a sort compares each product
/// O(log n) times, and lower-casing a title or parsing a date on every comparison was most
/// of a catalog's sorting time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortFacts<'a> {
    /// One store has one currency; the currency first keeps a mixed list deterministic anyway.
    price: (&'a str, i64),
    title: String,
    created_ms: Option<i64>,
    handle: &'a str,
}

impl<'a> SortFacts<'a> {
    pub fn of(p: &'a Product) -> Self {
        SortFacts {
            price: (p.price_range.min.currency.as_str(), p.price_range.min.minor),
            title: p.title.to_lowercase(),
            created_ms: p.created_at_ms(),
            handle: &p.handle,
        }
    }
}

/// The positions of `items` in every order of [`SortKey::ALL`] (`Featured`: as they are),
/// each product's sort facts worked out once for all of them.
pub fn sorted_positions<P: Borrow<Product>>(items: &[P]) -> Vec<(SortKey, Vec<usize>)> {
    let facts: Vec<SortFacts<'_>> = items.iter().map(|p| SortFacts::of(p.borrow())).collect();
    let sorted = |key: SortKey| {
        let mut positions: Vec<usize> = (0..items.len()).collect();
        if key != SortKey::Featured {
            positions.sort_by(|&a, &b| key.compare_facts(&facts[a], &facts[b]));
        }
        positions
    };
    SortKey::ALL
        .into_iter()
        .map(|key| (key, sorted(key)))
        .collect()
}

/// Products per listing page: 24 (default) or 48.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PageSize {
    #[default]
    Small,
    Large,
}

impl PageSize {
    pub fn get(self) -> usize {
        match self {
            PageSize::Small => 24,
            PageSize::Large => 48,
        }
    }

    pub fn parse(n: u32) -> Option<PageSize> {
        match n {
            24 => Some(PageSize::Small),
            48 => Some(PageSize::Large),
            _ => None,
        }
    }
}

/// One page of a listing. `number` is 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page<'a, T> {
    pub items: &'a [T],
    pub number: u32,
    pub size: PageSize,
    pub total_items: usize,
    /// At least 1: an empty listing has one empty page.
    pub total_pages: u32,
}

impl<T> Page<'_, T> {
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    pub fn has_next(&self) -> bool {
        self.number < self.total_pages
    }
}

/// Page `number` (1-based) of `items`. `None` for page 0 or a page past the last one, which
/// the caller answers with a 404. An empty list has exactly one (empty) page.
pub fn page_slice<T>(items: &[T], number: u32, size: PageSize) -> Option<Page<'_, T>> {
    let per = size.get();
    let total_pages = items.len().div_ceil(per).max(1);
    let total_pages = u32::try_from(total_pages).unwrap_or(u32::MAX);
    if number == 0 || number > total_pages {
        return None;
    }
    let start = (number as usize - 1).saturating_mul(per);
    let end = start.saturating_add(per).min(items.len());
    Some(Page {
        items: items.get(start..end).unwrap_or(&[]),
        number,
        size,
        total_items: items.len(),
        total_pages,
    })
}

/// Parses an RFC 3339 timestamp ("2025-03-01T12:00:00Z", "2025-03-01T12:00:00.5+02:00") to
/// Unix milliseconds. Shopify's `DateTime` values are always in this form.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    fn product(handle: &str, title: &str, min_price: i64, created_at: &str) -> Product {
        Product {
            id: format!("gid://shopify/Product/{handle}"),
            handle: handle.into(),
            title: title.into(),
            vendor: "Acme".into(),
            product_type: "Thing".into(),
            description: "A thing.".into(),
            description_html: "<p>A thing.</p>".into(),
            tags: vec!["new".into()],
            available_for_sale: true,
            created_at: created_at.into(),
            updated_at: created_at.into(),
            featured_image: None,
            images: vec![],
            price_range: PriceRange {
                min: usd(min_price),
                max: usd(min_price + 500),
            },
            compare_at_price_range: None,
            options: vec![],
            variants: vec![],
            variants_truncated: false,
            seo: Seo::default(),
        }
    }

    fn handles<P: Borrow<Product>>(items: &[P]) -> Vec<&str> {
        items.iter().map(|p| p.borrow().handle.as_str()).collect()
    }

    fn sample() -> Vec<Product> {
        vec![
            product("b-mug", "mug", 1500, "2025-01-02T00:00:00Z"),
            product("a-cap", "Cap", 1500, "2025-03-01T00:00:00Z"),
            product("c-tee", "Tee", 900, "2025-02-01T00:00:00+05:00"),
            product("d-bag", "bag", 4000, "not a date"),
        ]
    }

    #[test]
    fn sort_keys_order_as_named_with_handle_tiebreak() {
        let table: &[(SortKey, [&str; 4])] = &[
            (SortKey::Featured, ["b-mug", "a-cap", "c-tee", "d-bag"]),
            (SortKey::PriceAsc, ["c-tee", "a-cap", "b-mug", "d-bag"]),
            (SortKey::PriceDesc, ["d-bag", "a-cap", "b-mug", "c-tee"]),
            (SortKey::TitleAsc, ["d-bag", "a-cap", "b-mug", "c-tee"]),
            (SortKey::TitleDesc, ["c-tee", "b-mug", "a-cap", "d-bag"]),
            (SortKey::Newest, ["a-cap", "c-tee", "b-mug", "d-bag"]),
        ];
        let items = sample();
        let orders = sorted_positions(&items);
        for (key, expected) in table {
            let order = orders
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, o)| o)
                .unwrap();
            let sorted: Vec<&Product> = order.iter().map(|&i| &items[i]).collect();
            assert_eq!(handles(&sorted), expected, "{key:?}");
            // The same order pair by pair, as `compare` gives it.
            for pair in sorted.windows(2) {
                assert_ne!(key.compare(pair[0], pair[1]), Ordering::Greater, "{key:?}");
            }
        }
    }

    #[test]
    fn sorting_works_on_references() {
        let items = sample();
        let refs: Vec<&Product> = items.iter().collect();
        let orders = sorted_positions(&refs);
        let (_, order) = orders
            .iter()
            .find(|(k, _)| *k == SortKey::PriceAsc)
            .unwrap();
        let sorted: Vec<&Product> = order.iter().map(|&i| refs[i]).collect();
        assert_eq!(handles(&sorted), ["c-tee", "a-cap", "b-mug", "d-bag"]);
    }

    #[test]
    fn sort_key_url_values_round_trip() {
        for key in SortKey::ALL {
            assert_eq!(SortKey::parse(key.as_str()), Some(key));
        }
        assert_eq!(SortKey::parse("PRICE-ASC"), None);
        assert_eq!(SortKey::parse(""), None);
        assert_eq!(
            serde_json::to_string(&SortKey::PriceDesc).unwrap(),
            "\"price-desc\""
        );
    }

    #[test]
    fn page_slices() {
        let items: Vec<u32> = (1..=50).collect();
        let p1 = page_slice(&items, 1, PageSize::Small).unwrap();
        assert_eq!((p1.items.len(), p1.items[0], p1.total_pages), (24, 1, 3));
        assert!(!p1.has_previous() && p1.has_next());
        let p3 = page_slice(&items, 3, PageSize::Small).unwrap();
        assert_eq!(p3.items, &[49, 50]);
        assert!(p3.has_previous() && !p3.has_next());
        assert_eq!(p3.total_items, 50);
        let large = page_slice(&items, 2, PageSize::Large).unwrap();
        assert_eq!((large.items, large.total_pages), (&[49, 50][..], 2));
        assert!(page_slice(&items, 0, PageSize::Small).is_none());
        assert!(page_slice(&items, 4, PageSize::Small).is_none());
        assert!(page_slice(&items, u32::MAX, PageSize::Small).is_none());
    }

    #[test]
    fn page_slice_edges() {
        let empty: Vec<u32> = vec![];
        let only = page_slice(&empty, 1, PageSize::Small).unwrap();
        assert_eq!((only.items.len(), only.total_pages), (0, 1));
        assert!(page_slice(&empty, 2, PageSize::Small).is_none());
        let exact: Vec<u32> = (0..48).collect();
        assert_eq!(
            page_slice(&exact, 1, PageSize::Large).unwrap().total_pages,
            1
        );
        assert_eq!(
            page_slice(&exact, 2, PageSize::Small).unwrap().items.len(),
            24
        );
        assert_eq!(PageSize::parse(24), Some(PageSize::Small));
        assert_eq!(PageSize::parse(48), Some(PageSize::Large));
        assert_eq!(PageSize::parse(25), None);
    }

    #[test]
    fn rfc3339_parsing() {
        let table: &[(&str, Option<i64>)] = &[
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2025-03-01T12:00:00Z", Some(1_740_830_400_000)),
            ("2025-03-01T12:00:00.250Z", Some(1_740_830_400_250)),
            ("2025-03-01T12:00:00.5Z", Some(1_740_830_400_500)),
            ("2025-03-01T12:00:00.123456Z", Some(1_740_830_400_123)),
            ("2025-03-01T14:00:00+02:00", Some(1_740_830_400_000)),
            ("2025-03-01T07:30:00-04:30", Some(1_740_830_400_000)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800_000)),
            ("1969-12-31T23:59:59Z", Some(-1000)),
            ("2023-02-29T00:00:00Z", None),
            ("2025-13-01T00:00:00Z", None),
            // RFC 3339 §5.6 lets a space stand for the `T`.
            ("2025-03-01 12:00:00Z", Some(1_740_830_400_000)),
            ("2025-03-01T12:00Z", None),
            ("2025-03-01T12:00:00", None),
            ("2025-03-01T12:00:00.Z", None),
            ("2025-03-01T12:00:00+2:00", None),
            ("2025-03-01T24:00:00Z", None),
            ("", None),
        ];
        for (raw, ms) in table {
            assert_eq!(parse_rfc3339_ms(raw), *ms, "{raw}");
        }
    }

    #[test]
    fn variant_helpers() {
        let mut v = Variant {
            id: "gid://shopify/ProductVariant/1".into(),
            title: "M".into(),
            sku: None,
            available_for_sale: false,
            price: usd(1000),
            compare_at_price: Some(usd(1500)),
            selected_options: vec![],
            image: None,
        };
        assert!(v.on_sale());
        v.compare_at_price = Some(usd(1000));
        assert!(!v.on_sale());
        v.compare_at_price = Some(Money::new(5000, Currency::EUR));
        assert!(!v.on_sale());
        let mut p = product("x", "X", 1000, "2025-01-01T00:00:00Z");
        let mut v2 = v.clone();
        v2.id = "gid://shopify/ProductVariant/2".into();
        v2.available_for_sale = true;
        p.variants = vec![v, v2];
        assert_eq!(
            p.default_variant().map(|v| v.id.as_str()),
            Some("gid://shopify/ProductVariant/2")
        );
        assert!(p.variant("gid://shopify/ProductVariant/1").is_some());
        assert!(p.variant("nope").is_none());
    }

    #[test]
    fn product_json_round_trips_and_old_rows_still_load() {
        let p = product("x", "X", 1000, "2025-01-01T00:00:00Z");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["price_range"]["min"]["currency"], "USD");
        let back: Product = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, p);
        let mut old = json;
        let obj = old.as_object_mut().unwrap();
        obj.remove("created_at");
        obj.remove("variants_truncated");
        let loaded: Product = serde_json::from_value(old).unwrap();
        assert_eq!(loaded.created_at, "");
        assert!(!loaded.variants_truncated);
    }

    #[test]
    fn collections_round_trip() {
        let c = Collection {
            id: "gid://shopify/Collection/1".into(),
            handle: "summer".into(),
            title: "Summer".into(),
            description: String::new(),
            image: None,
            updated_at: "2025-01-01T00:00:00Z".into(),
            product_handles: vec!["b".into(), "a".into()],
            products_truncated: true,
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Collection>(&json).unwrap(), c);
    }
}
