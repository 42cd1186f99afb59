//! The GraphQL operations, compiled by graphql_client from `graphql/*.graphql` and checked at
//! build time against `graphql/schema.graphql`.
//!
//! Custom scalars are carried as strings and parsed where they are used (money in
//! [`crate::mapping`], URLs in [`crate::cart`]). `CurrencyCode`, `CountryCode` and
//! `CartErrorCode` are taken as strings too, so a code that Shopify adds later never fails a
//! whole response.

use graphql_client::GraphQLQuery;

/// `DateTime`: RFC 3339 / ISO 8601 UTC, e.g. "2025-03-01T12:00:00Z".
pub type DateTime = String;
/// `Decimal`: a decimal number as a string, e.g. "12.30"; parsed with `wandstore_core::money`.
pub type Decimal = String;
/// `HTML`: raw merchant HTML; sanitized at render time, never here.
pub type HTML = String;
/// `URL`: an absolute URL as a string.
pub type URL = String;
/// `ID`: a Shopify global id, e.g. "gid://shopify/Product/1".
pub type ID = String;
/// `CurrencyCode` (an enum in the schema), validated by `wandstore_core::money::Currency`.
pub type CurrencyCode = String;
/// `CartErrorCode` (an enum in the schema), kept as text for logs and messages.
pub type CartErrorCode = String;
/// `CountryCode` (an enum in the schema), validated by [`crate::cart::CountryCode`].
pub type CountryCode = String;

/// One page of products for the full sync.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "graphql/schema.graphql",
    query_path = "graphql/products_page.graphql",
    extern_enums("CurrencyCode"),
    response_derives = "Debug, Clone"
)]
pub struct ProductsPage;

/// One product by handle. Its `product` field reuses [`products_page::ProductFields`]: both
/// files carry the same fragments (a test checks they stay byte-identical), so one mapping
/// serves the sync and the single-product fetch.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "graphql/schema.graphql",
    query_path = "graphql/product_by_handle.graphql",
    extern_enums("CurrencyCode"),
    response_type = "crate::queries::products_page::ProductFields",
    response_derives = "Debug, Clone"
)]
pub struct ProductByHandle;

/// One page of collections with their product handles.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "graphql/schema.graphql",
    query_path = "graphql/collections_page.graphql",
    response_derives = "Debug, Clone"
)]
pub struct CollectionsPage;

/// `cartCreate`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "graphql/schema.graphql",
    query_path = "graphql/cart_create.graphql",
    extern_enums("CurrencyCode", "CartErrorCode", "CountryCode"),
    response_derives = "Debug, Clone",
    variables_derives = "Debug, Clone",
    skip_serializing_none,
    fragments_other_variant = "true"
)]
pub struct CartCreate;
