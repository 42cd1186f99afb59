//! `QueryRoot`: products and collections of the shop that the access token selected.

use async_graphql::{Context, Error, ID, Object, Result};

use super::Scope;
use super::collection::{Collection, CollectionConnection};
use super::connection::PageArgs;
use super::enums::{CollectionSortKeys, ProductSortKeys};
use super::parse_gid;
use super::product::{Product, ProductConnection};
use crate::listing::{self, CollectionOrder, ProductOrder};

pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// Fetch a specific `Collection` by one of its unique attributes.
    async fn collection(
        &self,
        ctx: &Context<'_>,
        handle: Option<String>,
        id: Option<ID>,
    ) -> Result<Option<Collection>> {
        let shop = &ctx.data::<Scope>()?.shop;
        let index = match (id, handle) {
            (Some(id), _) => shop.collection_by_id(parse_gid(&id, "Collection")?),
            (None, Some(handle)) => shop.collection_by_handle(&handle),
            (None, None) => return Err(missing_key()),
        };
        Ok(index.map(|i| Collection::new(shop, i)))
    }

    /// List of the shop's collections.
    #[allow(clippy::too_many_arguments)]
    async fn collections(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        query: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(CollectionSortKeys::Id)")] sort_key: Option<
            CollectionSortKeys,
        >,
    ) -> Result<CollectionConnection> {
        let shop = &ctx.data::<Scope>()?.shop;
        let order: CollectionOrder = sort_key.unwrap_or(CollectionSortKeys::Id).into();
        let indices = listing::collections(shop, query.as_deref(), order, reverse.unwrap_or(false));
        let items = indices
            .into_iter()
            .map(|i| {
                let c = &shop.collections[i];
                let value = match order {
                    CollectionOrder::Title => c.title.clone(),
                    CollectionOrder::UpdatedAt => crate::time::format_rfc3339(c.updated_at),
                    _ => c.id.to_string(),
                };
                (c.id, value, Collection::new(shop, i))
            })
            .collect();
        CollectionConnection::paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }

    /// Fetch a specific `Product` by one of its unique attributes.
    async fn product(
        &self,
        ctx: &Context<'_>,
        handle: Option<String>,
        id: Option<ID>,
    ) -> Result<Option<Product>> {
        let shop = &ctx.data::<Scope>()?.shop;
        let index = match (id, handle) {
            (Some(id), _) => shop.product_by_id(parse_gid(&id, "Product")?),
            (None, Some(handle)) => shop.product_by_handle(&handle),
            (None, None) => return Err(missing_key()),
        };
        Ok(index.map(|i| Product::new(shop, i)))
    }

    /// Returns a list of the shop's products.
    #[allow(clippy::too_many_arguments)]
    async fn products(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        query: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(ProductSortKeys::Id)")] sort_key: Option<ProductSortKeys>,
    ) -> Result<ProductConnection> {
        let shop = &ctx.data::<Scope>()?.shop;
        let order: ProductOrder = sort_key.unwrap_or(ProductSortKeys::Id).into();
        let indices = listing::products(shop, query.as_deref(), order, reverse.unwrap_or(false));
        let items = indices
            .into_iter()
            .map(|i| {
                let p = &shop.products[i];
                (p.id, listing::sort_value(p, order), Product::new(shop, i))
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
}

fn missing_key() -> Error {
    Error::new("You must provide one of the following arguments: handle, id.")
}
