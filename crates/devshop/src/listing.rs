//! Filtering and ordering of products and collections: what `query`, `sortKey`, `reverse`
//! and `filters` mean over the demo catalog. Ties are always broken by id, so every order is
//! total and pagination never repeats or skips an item.

use std::cmp::Ordering;

use crate::catalog::{Collection, Product, Shop};
use crate::money::parse_decimal;
use crate::search::{self, Expr, Term, text_matches, value_matches};
use crate::time::parse_timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductOrder {
    Title,
    Price,
    UpdatedAt,
    CreatedAt,
    BestSelling,
    Id,
    Vendor,
    ProductType,
    /// Best text match first when there is a query; by id otherwise.
    Relevance,
    /// The order the indices came in (a collection's manual order).
    Manual,
}

/// Products of `shop` matching `query`, in `order`.
pub fn products(
    shop: &Shop,
    query: Option<&str>,
    order: ProductOrder,
    reverse: bool,
) -> Vec<usize> {
    let all: Vec<usize> = (0..shop.products.len()).collect();
    filter_and_sort(shop, all, query, order, reverse)
}

/// Filters `indices` by `query` and orders them.
pub fn filter_and_sort(
    shop: &Shop,
    indices: Vec<usize>,
    query: Option<&str>,
    order: ProductOrder,
    reverse: bool,
) -> Vec<usize> {
    let expr = query.map(search::parse).unwrap_or(Expr::All);
    let mut out: Vec<usize> = indices
        .into_iter()
        .filter(|&i| expr.eval(&|t: &Term| product_matches(&shop.products[i], t)))
        .collect();
    let terms = expr.text_terms();
    let products = &shop.products;
    match order {
        ProductOrder::Manual => {}
        ProductOrder::Relevance if !terms.is_empty() => {
            out.sort_by(|&a, &b| {
                relevance(&products[b], &terms)
                    .cmp(&relevance(&products[a], &terms))
                    .then(products[a].id.cmp(&products[b].id))
            });
        }
        _ => out.sort_by(|&a, &b| compare(&products[a], &products[b], order)),
    }
    if reverse {
        out.reverse();
    }
    out
}

fn compare(a: &Product, b: &Product, order: ProductOrder) -> Ordering {
    let primary = match order {
        ProductOrder::Title => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
        ProductOrder::Price => a.min_price().cmp(&b.min_price()),
        ProductOrder::UpdatedAt => a.updated_at.cmp(&b.updated_at),
        ProductOrder::CreatedAt => a.created_at.cmp(&b.created_at),
        ProductOrder::BestSelling => a.sales_rank.cmp(&b.sales_rank),
        ProductOrder::Vendor => a.vendor.to_lowercase().cmp(&b.vendor.to_lowercase()),
        ProductOrder::ProductType => a
            .product_type
            .to_lowercase()
            .cmp(&b.product_type.to_lowercase()),
        ProductOrder::Id | ProductOrder::Relevance | ProductOrder::Manual => Ordering::Equal,
    };
    primary.then(a.id.cmp(&b.id))
}

/// The sort value a cursor records next to the id.
pub fn sort_value(p: &Product, order: ProductOrder) -> String {
    match order {
        ProductOrder::Title => p.title.clone(),
        ProductOrder::Price => crate::money::format_decimal(p.min_price()),
        ProductOrder::UpdatedAt => crate::time::format_rfc3339(p.updated_at),
        ProductOrder::CreatedAt => crate::time::format_rfc3339(p.created_at),
        ProductOrder::BestSelling => p.sales_rank.to_string(),
        ProductOrder::Vendor => p.vendor.clone(),
        ProductOrder::ProductType => p.product_type.clone(),
        ProductOrder::Id | ProductOrder::Relevance | ProductOrder::Manual => p.id.to_string(),
    }
}

/// Text relevance: title hits weigh most, then tags and type, then vendor and description.
fn relevance(p: &Product, terms: &[&Term]) -> u32 {
    terms
        .iter()
        .map(|t| {
            let mut score = 0;
            if text_matches(&p.title, t, true) {
                score += 8;
            }
            if p.tags.iter().any(|tag| text_matches(tag, t, true)) {
                score += 4;
            }
            if text_matches(&p.product_type, t, true) {
                score += 3;
            }
            if text_matches(&p.vendor, t, true) {
                score += 2;
            }
            if text_matches(&p.description, t, true) {
                score += 1;
            }
            score
        })
        .sum()
}

/// Does one search term match a product? Fields follow Shopify's Storefront product search:
/// `title`, `tag`, `tag_not`, `product_type`, `vendor`, `available_for_sale`, `created_at`,
/// `updated_at`, `variants.price`; anything else is searched as text.
pub fn product_matches(p: &Product, term: &Term) -> bool {
    match term.field.as_deref() {
        None => {
            text_matches(&p.title, term, true)
                || text_matches(&p.product_type, term, true)
                || text_matches(&p.vendor, term, true)
                || p.tags.iter().any(|tag| text_matches(tag, term, true))
                || text_matches(&p.description, term, true)
        }
        Some("title") => text_matches(&p.title, term, false) || value_matches(&p.title, term),
        Some("tag") => p.tags.iter().any(|tag| value_matches(tag, term)),
        Some("tag_not") => !p.tags.iter().any(|tag| value_matches(tag, term)),
        Some("product_type") => value_matches(&p.product_type, term),
        Some("vendor") => value_matches(&p.vendor, term),
        Some("available_for_sale") => match term.value.as_str() {
            "true" => p.available(),
            "false" => !p.available(),
            _ => false,
        },
        Some("created_at") => compare_time(p.created_at, term),
        Some("updated_at") => compare_time(p.updated_at, term),
        Some("variants.price") | Some("price") => match parse_decimal(&term.value) {
            Some(cents) => p
                .variants
                .iter()
                .any(|v| term.op.holds(v.price.cmp(&cents))),
            None => false,
        },
        Some(_) => text_matches(&p.title, term, true) || text_matches(&p.description, term, true),
    }
}

fn compare_time(at: i64, term: &Term) -> bool {
    match parse_timestamp(&term.value) {
        Some(t)
            if term.op == crate::search::Op::Eq && t % 86_400 == 0 && !term.value.contains('t') =>
        {
            // A bare date matches the whole day.
            (t..t + 86_400).contains(&at)
        }
        Some(t) => term.op.holds(at.cmp(&t)),
        None => false,
    }
}

/// A collection products filter (`ProductFilter`); every given part must hold.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub available: Option<bool>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub product_type: Option<String>,
    pub vendor: Option<String>,
    pub tag: Option<String>,
    pub variant_option: Option<(String, String)>,
}

impl ProductFilter {
    pub fn matches(&self, p: &Product) -> bool {
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        self.available.is_none_or(|a| p.available() == a)
            && self
                .price_min
                .is_none_or(|min| p.variants.iter().any(|v| v.price >= min))
            && self
                .price_max
                .is_none_or(|max| p.variants.iter().any(|v| v.price <= max))
            && self
                .product_type
                .as_deref()
                .is_none_or(|t| eq(t, &p.product_type))
            && self.vendor.as_deref().is_none_or(|v| eq(v, &p.vendor))
            && self
                .tag
                .as_deref()
                .is_none_or(|t| p.tags.iter().any(|x| eq(x, t)))
            && self.variant_option.as_ref().is_none_or(|(name, value)| {
                p.variants
                    .iter()
                    .any(|v| v.selected.iter().any(|(n, x)| eq(n, name) && eq(x, value)))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionOrder {
    Id,
    Relevance,
    Title,
    UpdatedAt,
}

/// Collections of `shop` matching `query` (`title`, `updated_at`, plain words), in `order`.
pub fn collections(
    shop: &Shop,
    query: Option<&str>,
    order: CollectionOrder,
    reverse: bool,
) -> Vec<usize> {
    let expr = query.map(search::parse).unwrap_or(Expr::All);
    let cs = &shop.collections;
    let mut out: Vec<usize> = (0..cs.len())
        .filter(|&i| expr.eval(&|t: &Term| collection_matches(&cs[i], t)))
        .collect();
    out.sort_by(|&a, &b| {
        let primary = match order {
            CollectionOrder::Title => cs[a].title.to_lowercase().cmp(&cs[b].title.to_lowercase()),
            CollectionOrder::UpdatedAt => cs[a].updated_at.cmp(&cs[b].updated_at),
            CollectionOrder::Id | CollectionOrder::Relevance => Ordering::Equal,
        };
        primary.then(cs[a].id.cmp(&cs[b].id))
    });
    if reverse {
        out.reverse();
    }
    out
}

fn collection_matches(c: &Collection, term: &Term) -> bool {
    match term.field.as_deref() {
        None => text_matches(&c.title, term, true) || text_matches(&c.description, term, true),
        Some("title") => text_matches(&c.title, term, false) || value_matches(&c.title, term),
        Some("handle") => value_matches(&c.handle, term),
        Some("updated_at") => compare_time(c.updated_at, term),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_gen::generate;

    #[test]
    fn filters_by_fields() {
        let catalog = generate();
        let shop = catalog.shop("demo").unwrap();
        let gifts = products(shop, Some("tag:gift"), ProductOrder::Id, false);
        assert!(!gifts.is_empty());
        assert!(
            gifts
                .iter()
                .all(|&i| shop.products[i].tags.iter().any(|t| t == "gift"))
        );
        let wands = products(
            shop,
            Some("product_type:wands available_for_sale:true"),
            ProductOrder::Id,
            false,
        );
        assert!(
            wands
                .iter()
                .all(|&i| shop.products[i].product_type == "Wands" && shop.products[i].available())
        );
        let cheap = products(shop, Some("variants.price:<10"), ProductOrder::Price, false);
        assert!(!cheap.is_empty());
        assert!(cheap.iter().all(|&i| shop.products[i].min_price() < 1000));
    }

    #[test]
    fn orders_are_total_and_reversible() {
        let catalog = generate();
        let shop = catalog.shop("outlet").unwrap();
        let asc = products(shop, None, ProductOrder::Price, false);
        let mut desc = products(shop, None, ProductOrder::Price, true);
        desc.reverse();
        assert_eq!(asc, desc);
        assert!(
            asc.windows(2)
                .all(|w| shop.products[w[0]].min_price() <= shop.products[w[1]].min_price())
        );
    }
}
