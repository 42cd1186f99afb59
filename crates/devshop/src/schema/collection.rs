//! `Collection` and the product filters of its `products` field.

use std::sync::Arc;

use async_graphql::{ID, InputObject, Object, Result};

use super::connection::{PageArgs, connection};
use super::enums::ProductCollectionSortKeys;
use super::gid;
use super::product::{Image, Product, ProductConnection, Seo, truncate};
use super::scalars::{DateTime, Html, Url};
use crate::catalog::{self, Shop};
use crate::listing::{self, ProductOrder};

connection!(CollectionConnection, CollectionEdge, Collection);

/// A filter of a collection's products (Shopify's storefront filters).
#[derive(InputObject, Debug, Clone)]
pub struct ProductFilter {
    pub available: Option<bool>,
    pub price: Option<PriceRangeFilter>,
    pub product_type: Option<String>,
    pub product_vendor: Option<String>,
    pub tag: Option<String>,
    pub variant_option: Option<VariantOptionFilter>,
}

#[derive(InputObject, Debug, Clone)]
pub struct PriceRangeFilter {
    pub max: Option<f64>,
    #[graphql(default_with = "Some(0.0)")]
    pub min: Option<f64>,
}

#[derive(InputObject, Debug, Clone)]
pub struct VariantOptionFilter {
    pub name: String,
    pub value: String,
}

/// Filter prices arrive as GraphQL Floats; they become whole minor units right here.
fn to_cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

impl From<&ProductFilter> for listing::ProductFilter {
    fn from(f: &ProductFilter) -> Self {
        listing::ProductFilter {
            available: f.available,
            price_min: f.price.as_ref().and_then(|p| p.min).map(to_cents),
            price_max: f.price.as_ref().and_then(|p| p.max).map(to_cents),
            product_type: f.product_type.clone(),
            vendor: f.product_vendor.clone(),
            tag: f.tag.clone(),
            variant_option: f
                .variant_option
                .as_ref()
                .map(|o| (o.name.clone(), o.value.clone())),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub shop: Arc<Shop>,
    pub index: usize,
}

impl Collection {
    pub fn new(shop: &Arc<Shop>, index: usize) -> Collection {
        Collection {
            shop: shop.clone(),
            index,
        }
    }

    fn data(&self) -> &catalog::Collection {
        &self.shop.collections[self.index]
    }
}

#[Object]
impl Collection {
    async fn description(&self, truncate_at: Option<i32>) -> String {
        truncate(&self.data().description, truncate_at)
    }

    async fn description_html(&self) -> Html {
        Html(self.data().description_html.clone())
    }

    async fn handle(&self) -> &str {
        &self.data().handle
    }

    async fn id(&self) -> ID {
        gid("Collection", self.data().id)
    }

    async fn image(&self) -> Option<Image> {
        self.data().image.clone().map(|data| Image {
            shop: self.shop.clone(),
            data,
            kind: "CollectionImage",
        })
    }

    async fn online_store_url(&self) -> Option<Url> {
        None
    }

    #[allow(clippy::too_many_arguments)]
    async fn products(
        &self,
        after: Option<String>,
        before: Option<String>,
        filters: Option<Vec<ProductFilter>>,
        first: Option<i32>,
        last: Option<i32>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(ProductCollectionSortKeys::CollectionDefault)")]
        sort_key: Option<ProductCollectionSortKeys>,
    ) -> Result<ProductConnection> {
        let filters: Vec<listing::ProductFilter> = filters
            .iter()
            .flatten()
            .map(listing::ProductFilter::from)
            .collect();
        let members: Vec<usize> = self
            .data()
            .products
            .iter()
            .copied()
            .filter(|&i| filters.iter().all(|f| f.matches(&self.shop.products[i])))
            .collect();
        let order: ProductOrder = sort_key
            .unwrap_or(ProductCollectionSortKeys::CollectionDefault)
            .into();
        let indices =
            listing::filter_and_sort(&self.shop, members, None, order, reverse.unwrap_or(false));
        let items = indices
            .into_iter()
            .map(|i| {
                let p = &self.shop.products[i];
                (
                    p.id,
                    listing::sort_value(p, order),
                    Product::new(&self.shop, i),
                )
            })
            .collect();
        ProductConnection::paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }

    async fn seo(&self) -> Seo {
        Seo {
            description: None,
            title: None,
        }
    }

    async fn title(&self) -> &str {
        &self.data().title
    }

    async fn updated_at(&self) -> DateTime {
        DateTime::from_unix(self.data().updated_at)
    }
}
