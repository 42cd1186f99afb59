//! One product by handle: the product cache's miss path between two full syncs.

use crate::config::ShopConfig;
use crate::error::ShopifyError;
use crate::mapping::product_from_fields;
use crate::queries::{ProductByHandle, product_by_handle};
use crate::request::{graphql_request, parse_graphql};
use wandstore_core::catalog::Product;
use wandstore_core::http::{HttpRequest, HttpResponse};

/// Longest handle accepted (Shopify's limit is 255 characters).
pub const MAX_HANDLE_LEN: usize = 255;

/// Builds `product(handle:)`. Refuses an empty handle, one longer than 255 characters, or one
/// with whitespace or control characters (a handle never has them).
pub fn product_by_handle_request(
    config: &ShopConfig,
    handle: &str,
) -> Result<HttpRequest, ShopifyError> {
    let len = handle.chars().count();
    if len == 0
        || len > MAX_HANDLE_LEN
        || handle.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ShopifyError::InvalidInput(format!(
            "{handle:?} is not a product handle"
        )));
    }
    graphql_request::<ProductByHandle>(
        config,
        product_by_handle::Variables {
            handle: handle.to_owned(),
        },
    )
}

/// Reads `product(handle:)`: `Ok(None)` when the shop has no such product.
pub fn parse_product_by_handle(response: &HttpResponse) -> Result<Option<Product>, ShopifyError> {
    let data: product_by_handle::ResponseData = parse_graphql(response)?;
    data.product.map(product_from_fields).transpose()
}
