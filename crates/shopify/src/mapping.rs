//! From graphql_client's response types to WandStore's catalog types.
//!
//! Money is parsed exactly with `wandstore_core::money`. A product whose prices are not all in
//! one currency is refused as a whole (a product page cannot show a price range across
//! currencies); the sync skips it and reports why.

use crate::error::ShopifyError;
use crate::queries::collections_page::CollectionsPageCollectionsNodes;
use crate::queries::products_page::{ImageFields, MoneyFields, ProductFields};
use wandstore_core::catalog::{
    Collection, Image, PriceRange, Product, ProductOption, SelectedOption, Seo, Variant,
};
use wandstore_core::money::{Currency, Money};

/// Maps one product. `Err(InvalidData)` names the product and the reason.
pub fn product_from_fields(p: ProductFields) -> Result<Product, ShopifyError> {
    let fail = |why: String| ShopifyError::InvalidData(format!("product {}: {why}", p.handle));
    let min = money(&p.price_range.min_variant_price).map_err(fail)?;
    let currency = min.currency;
    let max = money_in(&p.price_range.max_variant_price, currency).map_err(fail)?;
    let compare_min =
        money_in(&p.compare_at_price_range.min_variant_price, currency).map_err(fail)?;
    let compare_max =
        money_in(&p.compare_at_price_range.max_variant_price, currency).map_err(fail)?;
    let mut variants = Vec::with_capacity(p.variants.nodes.len());
    for v in p.variants.nodes {
        let variant_fail = |why: String| {
            ShopifyError::InvalidData(format!("product {}, variant {}: {why}", p.handle, v.id))
        };
        let price = money_in(&v.price, currency).map_err(variant_fail)?;
        let compare_at_price = v
            .compare_at_price
            .as_ref()
            .map(|m| money_in(m, currency))
            .transpose()
            .map_err(variant_fail)?;
        variants.push(Variant {
            id: v.id,
            title: v.title,
            sku: v.sku.filter(|s| !s.is_empty()),
            available_for_sale: v.available_for_sale,
            price,
            compare_at_price,
            selected_options: v
                .selected_options
                .into_iter()
                .map(|o| SelectedOption {
                    name: o.name,
                    value: o.value,
                })
                .collect(),
            image: v.image.map(image),
        });
    }
    Ok(Product {
        id: p.id,
        handle: p.handle,
        title: p.title,
        vendor: p.vendor,
        product_type: p.product_type,
        description: p.description,
        description_html: p.description_html,
        tags: p.tags,
        available_for_sale: p.available_for_sale,
        created_at: p.created_at,
        updated_at: p.updated_at,
        featured_image: p.featured_image.map(image),
        images: p.images.nodes.into_iter().map(image).collect(),
        price_range: PriceRange { min, max },
        // Shopify reports 0 at both ends when no variant has a compare-at price.
        compare_at_price_range: (!compare_max.is_zero()).then_some(PriceRange {
            min: compare_min,
            max: compare_max,
        }),
        options: p
            .options
            .into_iter()
            .map(|o| ProductOption {
                name: o.name,
                values: o.option_values.into_iter().map(|v| v.name).collect(),
            })
            .collect(),
        variants,
        variants_truncated: p.variants.page_info.has_next_page,
        seo: Seo {
            title: p.seo.title.filter(|s| !s.is_empty()),
            description: p.seo.description.filter(|s| !s.is_empty()),
        },
    })
}

/// Maps one collection and the handles of its products, in collection order.
pub fn collection_from_node(c: CollectionsPageCollectionsNodes) -> Collection {
    Collection {
        image: c.image.map(|i| {
            image(ImageFields {
                url: i.url,
                alt_text: i.alt_text,
                width: i.width,
                height: i.height,
            })
        }),
        id: c.id,
        handle: c.handle,
        title: c.title,
        description: c.description,
        updated_at: c.updated_at,
        products_truncated: c.products.page_info.has_next_page,
        product_handles: c.products.nodes.into_iter().map(|n| n.handle).collect(),
    }
}

/// Parses a `MoneyV2`.
pub fn money(m: &MoneyFields) -> Result<Money, String> {
    Money::parse(&m.amount, &m.currency_code).map_err(|e| e.to_string())
}

/// Parses a `MoneyV2` that must be in `currency`.
fn money_in(m: &MoneyFields, currency: Currency) -> Result<Money, String> {
    let parsed = money(m)?;
    if parsed.currency == currency {
        Ok(parsed)
    } else {
        Err(format!(
            "mixed currencies: {} and {}",
            currency, parsed.currency
        ))
    }
}

fn image(i: ImageFields) -> Image {
    Image {
        url: i.url,
        alt_text: i.alt_text.filter(|s| !s.is_empty()),
        width: dimension(i.width),
        height: dimension(i.height),
    }
}

fn dimension(px: Option<i64>) -> Option<u32> {
    px.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0)
}
