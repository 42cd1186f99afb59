//! Catalog data for tests and the benchmark: plain builders and a hostile product.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use wandstore_core::catalog::{
    Image, PageSize, PriceRange, Product, ProductOption, SelectedOption, Seo, SortKey, Variant,
};
use wandstore_core::catalog_index::{CollectionInfo, Listing, ProductCard};
use wandstore_core::money::{Currency, Money};
use wandstore_core::store::{StoreSettings, StoreSlug};
use wandstore_render::Chrome;

pub const CSRF: &str = "csrf-token-123";
pub const BASE: &str = "https://acme.wandstore.dev";

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub fn store(name: &str, currency: &str) -> StoreSettings {
    StoreSettings {
        slug: StoreSlug::parse("acme").unwrap(),
        display_name: name.to_owned(),
        currency: Currency::parse(currency).unwrap_or(Currency::USD),
    }
}

/// A store frame under `/s/acme/` with a canonical base.
pub fn chrome() -> Chrome {
    Chrome::for_store(&store("Acme Goods", "USD"), "/s/acme/", "req-1").with_canonical_base(BASE)
}

pub fn image(url: &str, alt: Option<&str>, size: Option<(u32, u32)>) -> Image {
    Image {
        url: url.to_owned(),
        alt_text: alt.map(str::to_owned),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }
}

pub fn variant(
    id: &str,
    title: &str,
    price: Money,
    compare: Option<Money>,
    available: bool,
) -> Variant {
    Variant {
        id: format!("gid://shopify/ProductVariant/{id}"),
        title: title.to_owned(),
        sku: Some(format!("SKU-{id}")),
        available_for_sale: available,
        price,
        compare_at_price: compare,
        selected_options: vec![SelectedOption {
            name: "Size".to_owned(),
            value: title.to_owned(),
        }],
        image: None,
    }
}

fn range(prices: impl Iterator<Item = Money> + Clone) -> Option<PriceRange> {
    let min = prices.clone().min_by_key(|m| m.minor)?;
    let max = prices.max_by_key(|m| m.minor)?;
    Some(PriceRange { min, max })
}

/// A product with a "Size" option and the given variants.
pub fn product(handle: &str, title: &str, variants: Vec<Variant>) -> Product {
    let price_range = range(variants.iter().map(|v| v.price)).unwrap_or(PriceRange {
        min: usd(0),
        max: usd(0),
    });
    let compare_at_price_range = if variants.iter().any(|v| v.compare_at_price.is_some()) {
        range(
            variants
                .iter()
                .map(|v| v.compare_at_price.unwrap_or(Money::zero(v.price.currency))),
        )
    } else {
        None
    };
    Product {
        id: format!("gid://shopify/Product/{handle}"),
        handle: handle.to_owned(),
        title: title.to_owned(),
        vendor: "Acme".to_owned(),
        product_type: "Mug".to_owned(),
        description: "A sturdy mug.".to_owned(),
        description_html: "<p>A <strong>sturdy</strong> mug.</p>".to_owned(),
        tags: vec!["kitchen".to_owned()],
        available_for_sale: variants.iter().any(|v| v.available_for_sale),
        created_at: "2025-01-01T00:00:00Z".to_owned(),
        updated_at: "2025-01-01T00:00:00Z".to_owned(),
        featured_image: Some(image(
            &format!("https://cdn.example/{handle}-1.jpg"),
            Some("Front view"),
            Some((800, 600)),
        )),
        images: vec![
            image(
                &format!("https://cdn.example/{handle}-1.jpg"),
                Some("Front view"),
                Some((800, 600)),
            ),
            image(&format!("https://cdn.example/{handle}-2.jpg"), None, None),
        ],
        price_range,
        compare_at_price_range,
        options: vec![ProductOption {
            name: "Size".to_owned(),
            values: variants.iter().map(|v| v.title.clone()).collect(),
        }],
        variants,
        variants_truncated: false,
        seo: Seo::default(),
    }
}

/// A product whose every text field is hostile.
pub fn hostile_product() -> Product {
    let mut p = product(
        "evil",
        r#"<script>alert(1)</script> & "quotes""#,
        vec![variant(
            "1",
            r#"<b>"M"</b>"#,
            usd(1250),
            Some(usd(2000)),
            true,
        )],
    );
    p.vendor = r#"Vendor <img src=x onerror=alert(1)> "x""#.to_owned();
    p.tags = vec![r#"<tag> "quoted""#.to_owned()];
    p.options[0].name = r#"Size<script>"#.to_owned();
    p.description = "Plain </script><script>alert(3)</script> text & more".to_owned();
    p.description_html = concat!(
        r#"<p>Good <strong>stuff</strong></p>"#,
        r#"<img src=x onerror="alert(1)">"#,
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<script>alert(2)</script>"#,
        r#"<iframe src="https://evil.example"></iframe>"#,
        r#"<p style="color:red" onclick="alert(4)">styled</p>"#,
        r#"<a href="JaVaScRiPt:alert(5)" onmouseover="alert(6)">y</a>"#,
    )
    .to_owned();
    p.seo.title = Some("</title><script>alert(7)</script>".to_owned());
    p.featured_image = Some(image(
        "javascript:alert(8)",
        Some(r#"" onerror="alert(9)"#),
        None,
    ));
    p.images.push(image(
        "https://cdn.example/ok.jpg",
        Some(r#""><script>alert(10)</script>"#),
        None,
    ));
    p
}

pub fn card(handle: &str, title: &str, price: Money) -> ProductCard {
    ProductCard {
        handle: handle.to_owned(),
        title: title.to_owned(),
        vendor: "Acme".to_owned(),
        available_for_sale: true,
        featured_image: Some(image(
            &format!("https://cdn.example/{handle}.jpg"),
            None,
            Some((600, 600)),
        )),
        price_range: PriceRange {
            min: price,
            max: price,
        },
        compare_at_price_range: None,
    }
}

/// `n` cards with varied titles, prices (in `currency`) and a few sales and sold-outs.
pub fn generated_cards(n: usize, currency: Currency) -> Vec<ProductCard> {
    (0..n)
        .map(|i| {
            let price = Money::new(990 + (i as i64 * 137) % 9000, currency);
            let mut c = card(
                &format!("product-{i}"),
                &format!("Product number {i} – limited edition"),
                price,
            );
            c.vendor = format!("Vendor {}", i % 7);
            if i % 5 == 0 {
                c.compare_at_price_range = Some(PriceRange {
                    min: Money::new(price.minor + 500, currency),
                    max: Money::new(price.minor + 500, currency),
                });
            }
            if i % 11 == 0 {
                c.available_for_sale = false;
            }
            if i % 3 == 0 {
                c.price_range.max = Money::new(price.minor + 1000, currency);
            }
            c
        })
        .collect()
}

pub fn collection_info(handle: &str, title: &str, count: usize) -> CollectionInfo {
    CollectionInfo {
        handle: handle.to_owned(),
        title: title.to_owned(),
        description: format!("All our {title}."),
        image: Some(image(
            &format!("https://cdn.example/c-{handle}.jpg"),
            None,
            Some((1200, 800)),
        )),
        product_count: count,
    }
}

/// Page `page` of a listing of `total` items, holding `cards` (as the index would cut it).
pub fn listing(
    cards: Vec<ProductCard>,
    page: u32,
    total: usize,
    sort: SortKey,
    size: PageSize,
) -> Listing {
    Listing {
        cards,
        page,
        total_pages: u32::try_from(total.div_ceil(size.get()).max(1)).unwrap(),
        total_items: total,
        sort,
        size,
    }
}
