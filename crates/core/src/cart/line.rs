//! A cart's lines, and the catalog they are checked against.

use crate::catalog::{Product, Variant};
use crate::catalog_index::{CatalogIndex, VariantHit};
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::BuildHasher;

/// One line of a cart, as stored in the shopper's SQLite. Field names are stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    /// e.g. "gid://shopify/ProductVariant/44"; unique within a cart.
    pub variant_id: String,
    pub product_handle: String,
    /// What the shopper saw when they last changed the line ("Mug — Blue"); shown when the
    /// variant has since left the catalog.
    #[serde(default)]
    pub title: String,
    /// 1..=[`MAX_QUANTITY`](super::MAX_QUANTITY).
    pub quantity: u32,
    /// The unit price when the shopper last changed the line; [`reprice`](super::reprice)
    /// compares with it.
    pub unit_price_when_added: Money,
    /// When the line was created (merges keep it, so lines keep their order).
    pub added_at_ms: u64,
}

/// What the cart needs to know about a variant right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantInfo {
    pub variant_id: String,
    pub product_handle: String,
    pub product_title: String,
    /// "Blue / M"; Shopify calls the only variant of a simple product "Default Title".
    pub variant_title: String,
    pub price: Money,
    /// For sale now (false when sold out).
    pub available: bool,
}

impl VariantInfo {
    pub fn new(product: &Product, variant: &Variant) -> VariantInfo {
        VariantInfo {
            variant_id: variant.id.clone(),
            product_handle: product.handle.clone(),
            product_title: product.title.clone(),
            variant_title: variant.title.clone(),
            price: variant.price,
            available: variant.available_for_sale,
        }
    }

    /// The name a shopper knows it by: "Mug — Blue", or just "Mug" for a single-variant
    /// product.
    pub fn display_name(&self) -> String {
        let v = self.variant_title.trim();
        if v.is_empty() || v == "Default Title" {
            self.product_title.clone()
        } else {
            format!("{} — {v}", self.product_title)
        }
    }
}

impl From<VariantHit> for VariantInfo {
    fn from(hit: VariantHit) -> VariantInfo {
        VariantInfo {
            variant_id: hit.variant.id,
            product_handle: hit.product_handle,
            product_title: hit.product_title,
            variant_title: hit.variant.title,
            price: hit.variant.price,
            available: hit.variant.available_for_sale,
        }
    }
}

/// What the catalog says about the variants a cart refers to: their current facts and the
/// image to show for each (the variant's own, else its product's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CartCatalog {
    pub info: std::collections::HashMap<String, VariantInfo>,
    pub images: std::collections::HashMap<String, crate::catalog::Image>,
}

impl CartCatalog {
    /// The cart's catalog from StoreConfig's answer to a variants question (another kind of
    /// answer: `None`).
    pub fn from_answer(answer: &crate::catalog_question::CatalogAnswer) -> Option<Self> {
        match answer {
            crate::catalog_question::CatalogAnswer::Variants { hits } => {
                Some(Self::from_hits(hits))
            }
            _ => None,
        }
    }

    /// The facts of the variants StoreConfig found (unknown ids are simply absent).
    pub fn from_hits(hits: &[VariantHit]) -> Self {
        let mut catalog = CartCatalog::default();
        for hit in hits {
            let image = hit
                .variant
                .image
                .clone()
                .or_else(|| hit.product_image.clone());
            if let Some(image) = image {
                catalog.images.insert(hit.variant.id.clone(), image);
            }
            catalog
                .info
                .insert(hit.variant.id.clone(), VariantInfo::from(hit.clone()));
        }
        catalog
    }
}

/// The shell's view of the catalog: the current state of a variant, or `None` if the store
/// no longer sells it. Implemented for the in-memory [`CatalogIndex`] and for a map of the
/// variants the shell fetched from StoreConfig before calling [`apply`](super::apply) or
/// [`reprice`](super::reprice).
pub trait VariantLookup {
    fn lookup_variant(&self, variant_id: &str) -> Option<VariantInfo>;
}

impl VariantLookup for CatalogIndex {
    fn lookup_variant(&self, variant_id: &str) -> Option<VariantInfo> {
        CatalogIndex::variant(self, variant_id).map(VariantInfo::from)
    }
}

impl<S: BuildHasher> VariantLookup for HashMap<String, VariantInfo, S> {
    fn lookup_variant(&self, variant_id: &str) -> Option<VariantInfo> {
        self.get(variant_id).cloned()
    }
}

/// How many items the cart holds (the number on the cart icon).
pub fn item_count(lines: &[CartLine]) -> u32 {
    lines
        .iter()
        .fold(0_u32, |n, l| n.saturating_add(l.quantity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cart_catalog_prefers_the_variants_own_image() {
        use crate::catalog::{Image, Variant};
        let image = |url: &str| Image {
            url: url.into(),
            alt_text: None,
            width: None,
            height: None,
        };
        let hit = |id: &str, own: Option<Image>| VariantHit {
            product_handle: "mug".into(),
            product_title: "Mug".into(),
            product_image: Some(image("product.png")),
            variant: Variant {
                id: id.into(),
                title: "Blue".into(),
                sku: None,
                available_for_sale: true,
                price: usd(1500),
                compare_at_price: None,
                selected_options: vec![],
                image: own,
            },
        };
        let c = CartCatalog::from_hits(&[hit(MUG, Some(image("blue.png"))), hit(CAP, None)]);
        assert_eq!(c.images[MUG].url, "blue.png");
        assert_eq!(c.images[CAP].url, "product.png");
        assert_eq!(c.info[MUG].product_title, "Mug");
        assert_eq!(c.info.len(), 2);
        assert!(CartCatalog::from_hits(&[]).info.is_empty());
        use crate::catalog_question::CatalogAnswer;
        let answer = CatalogAnswer::Variants {
            hits: vec![hit(MUG, None)],
        };
        assert_eq!(CartCatalog::from_answer(&answer).unwrap().info.len(), 1);
    }
    use crate::cart::test_support::{CAP, GONE, MUG, NOW, cmd, info, line, usd};
    use crate::cart::{CartCommand, apply};
    use crate::catalog::{PriceRange, Seo};

    #[test]
    fn the_catalog_index_is_a_variant_lookup() {
        let variant = Variant {
            id: MUG.into(),
            title: "Blue".into(),
            sku: None,
            available_for_sale: true,
            price: usd(1500),
            compare_at_price: None,
            selected_options: vec![],
            image: None,
        };
        let product = Product {
            id: "gid://shopify/Product/1".into(),
            handle: "mug".into(),
            title: "Mug".into(),
            vendor: String::new(),
            product_type: String::new(),
            description: String::new(),
            description_html: String::new(),
            tags: vec![],
            available_for_sale: true,
            created_at: String::new(),
            updated_at: String::new(),
            featured_image: None,
            images: vec![],
            price_range: PriceRange {
                min: usd(1500),
                max: usd(1500),
            },
            compare_at_price_range: None,
            options: vec![],
            variants: vec![variant.clone()],
            variants_truncated: false,
            seo: Seo::default(),
        };
        let expected = info(MUG, "mug", "Mug", "Blue", usd(1500));
        assert_eq!(VariantInfo::new(&product, &variant), expected);
        let index = CatalogIndex::new(vec![product], vec![]);
        assert_eq!(index.lookup_variant(MUG), Some(expected));
        assert_eq!(index.lookup_variant(GONE), None);
        let change = apply(&[], &cmd(CartCommand::add(MUG, 1)), &index, NOW).unwrap();
        assert_eq!(change.lines[0].title, "Mug — Blue");
    }

    #[test]
    fn item_count_sums_quantities() {
        assert_eq!(item_count(&[]), 0);
        let lines = vec![line(MUG, "mug", 2, usd(1)), line(CAP, "cap", 99, usd(1))];
        assert_eq!(item_count(&lines), 101);
    }

    #[test]
    fn lines_round_trip_through_json() {
        let l = line(MUG, "mug", 2, usd(1500));
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["unit_price_when_added"]["currency"], "USD");
        assert_eq!(serde_json::from_value::<CartLine>(json.clone()).unwrap(), l);
        let mut old = json;
        old.as_object_mut().unwrap().remove("title");
        assert_eq!(serde_json::from_value::<CartLine>(old).unwrap().title, "");
    }
}
