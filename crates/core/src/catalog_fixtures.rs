//! Catalog fixtures shared by core's unit tests: a few products and collections.

use crate::catalog::{Collection, PriceRange, Product, Variant};
use crate::catalog_index::CatalogIndex;
use crate::money::{Currency, Money};

pub fn product(handle: &str, title: &str, price: i64, created: &str, tags: &[&str]) -> Product {
    let m = Money::new(price, Currency::USD);
    Product {
        id: format!("gid://shopify/Product/{handle}"),
        handle: handle.into(),
        title: title.into(),
        vendor: "Acme".into(),
        product_type: "Hat".into(),
        description: String::new(),
        description_html: String::new(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        available_for_sale: true,
        created_at: created.into(),
        updated_at: created.into(),
        featured_image: None,
        images: vec![],
        price_range: PriceRange { min: m, max: m },
        compare_at_price_range: None,
        options: vec![],
        variants: vec![Variant {
            id: format!("v-{handle}"),
            title: "Default".into(),
            sku: None,
            available_for_sale: true,
            price: m,
            compare_at_price: None,
            selected_options: vec![],
            image: None,
        }],
        variants_truncated: false,
        seo: Default::default(),
    }
}

pub fn collection(handle: &str, members: &[&str]) -> Collection {
    Collection {
        id: format!("gid://shopify/Collection/{handle}"),
        handle: handle.into(),
        title: handle.to_uppercase(),
        description: String::new(),
        image: None,
        updated_at: String::new(),
        product_handles: members.iter().map(|h| (*h).to_owned()).collect(),
        products_truncated: false,
    }
}

pub fn index() -> CatalogIndex {
    CatalogIndex::new(
        vec![
            product(
                "b-hat",
                "Blue Hat",
                2000,
                "2025-01-02T00:00:00Z",
                &["summer"],
            ),
            product(
                "a-cap",
                "Red Cap",
                1000,
                "2025-03-01T00:00:00Z",
                &["Summer", "sale"],
            ),
            product("c-hat", "Green hat", 3000, "2024-12-01T00:00:00Z", &[]),
            product("b-hat", "Duplicate handle", 1, "2025-01-01T00:00:00Z", &[]),
        ],
        vec![
            collection("hats", &["c-hat", "gone", "b-hat", "c-hat"]),
            collection("empty", &[]),
        ],
    )
}
