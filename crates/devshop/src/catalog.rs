//! The in-memory demo catalog: shops, products, variants, images, collections.
//! Built once at start by [`crate::catalog_gen`]; read-only afterwards and shared behind `Arc`.
//! Money is in minor units; times are Unix seconds; image URLs are resolved per request
//! (the catalog holds file names only, so it does not depend on the port).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::money::Currency;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    pub id: u64,
    /// File stem under `/images/{shop}/{name}.svg`.
    pub name: String,
    pub alt: Option<String>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProductOption {
    pub id: u64,
    pub name: String,
    /// `(value id, value name)`.
    pub values: Vec<(u64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub id: u64,
    pub title: String,
    pub sku: Option<String>,
    pub available: bool,
    pub quantity_available: i32,
    pub price: i64,
    pub compare_at: Option<i64>,
    /// `(option name, value)` in option order.
    pub selected: Vec<(String, String)>,
    /// Index into the product's images.
    pub image: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Product {
    pub id: u64,
    pub handle: String,
    pub title: String,
    pub vendor: String,
    pub product_type: String,
    pub description_html: String,
    pub description: String,
    pub tags: Vec<String>,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: i64,
    /// 1 = best seller.
    pub sales_rank: u32,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

impl Product {
    pub fn available(&self) -> bool {
        self.variants.iter().any(|v| v.available)
    }

    /// Lowest variant price in minor units.
    pub fn min_price(&self) -> i64 {
        self.variants.iter().map(|v| v.price).min().unwrap_or(0)
    }

    pub fn max_price(&self) -> i64 {
        self.variants.iter().map(|v| v.price).max().unwrap_or(0)
    }

    /// Lowest and highest compare-at price; `(0, 0)` when no variant is on sale (as Shopify).
    pub fn compare_at_range(&self) -> (i64, i64) {
        let prices = self.variants.iter().filter_map(|v| v.compare_at);
        let min = prices.clone().min().unwrap_or(0);
        let max = prices.max().unwrap_or(0);
        (min, max)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Collection {
    pub id: u64,
    pub handle: String,
    pub title: String,
    pub description_html: String,
    pub description: String,
    pub image: Option<Image>,
    pub updated_at: i64,
    /// Product indices in the collection's manual order.
    pub products: Vec<usize>,
}

/// One shop's catalog with lookup indexes.
#[derive(Debug)]
pub struct Shop {
    /// The shop key: `demo`, `outlet`.
    pub name: String,
    pub title: String,
    pub currency: Currency,
    pub products: Vec<Product>,
    pub collections: Vec<Collection>,
    by_handle: HashMap<String, usize>,
    by_id: HashMap<u64, usize>,
    variants: HashMap<u64, (usize, usize)>,
    collections_by_handle: HashMap<String, usize>,
    collections_by_id: HashMap<u64, usize>,
}

impl Shop {
    pub fn new(
        name: &str,
        title: &str,
        currency: Currency,
        products: Vec<Product>,
        collections: Vec<Collection>,
    ) -> Shop {
        let by_handle = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.handle.clone(), i))
            .collect();
        let by_id = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let variants = products
            .iter()
            .enumerate()
            .flat_map(|(pi, p)| {
                p.variants
                    .iter()
                    .enumerate()
                    .map(move |(vi, v)| (v.id, (pi, vi)))
            })
            .collect();
        let collections_by_handle = collections
            .iter()
            .enumerate()
            .map(|(i, c)| (c.handle.clone(), i))
            .collect();
        let collections_by_id = collections
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        Shop {
            name: name.to_string(),
            title: title.to_string(),
            currency,
            products,
            collections,
            by_handle,
            by_id,
            variants,
            collections_by_handle,
            collections_by_id,
        }
    }

    pub fn product_by_handle(&self, handle: &str) -> Option<usize> {
        self.by_handle.get(handle).copied()
    }

    pub fn product_by_id(&self, id: u64) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// `(product index, variant index)` of a variant id.
    pub fn variant_by_id(&self, id: u64) -> Option<(usize, usize)> {
        self.variants.get(&id).copied()
    }

    pub fn collection_by_handle(&self, handle: &str) -> Option<usize> {
        self.collections_by_handle.get(handle).copied()
    }

    pub fn collection_by_id(&self, id: u64) -> Option<usize> {
        self.collections_by_id.get(&id).copied()
    }
}

/// Every demo shop.
#[derive(Debug)]
pub struct Catalog {
    pub shops: Vec<Arc<Shop>>,
}

impl Catalog {
    pub fn shop(&self, name: &str) -> Option<&Arc<Shop>> {
        self.shops.iter().find(|s| s.name == name)
    }

    pub fn product_count(&self) -> usize {
        self.shops.iter().map(|s| s.products.len()).sum()
    }

    pub fn collection_count(&self) -> usize {
        self.shops.iter().map(|s| s.collections.len()).sum()
    }

    /// A stable 64-bit FNV-1a fingerprint of every shop's content, to prove determinism.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = Fnv1a::default();
        for shop in &self.shops {
            shop.name.hash(&mut hasher);
            shop.title.hash(&mut hasher);
            shop.currency.hash(&mut hasher);
            shop.products.hash(&mut hasher);
            shop.collections.hash(&mut hasher);
        }
        hasher.finish()
    }
}

/// FNV-1a, 64 bit: keyless, so the same on every run (unlike `DefaultHasher`'s contract).
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
