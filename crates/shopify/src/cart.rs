//! `cartCreate`: turn WandStore's cart lines into a Shopify cart and hand the shopper to its
//! `checkoutUrl`.

use crate::config::ShopConfig;
use crate::error::{ShopifyError, UserError};
use crate::queries::CartCreate;
use crate::queries::cart_create::{self, CartBuyerIdentityInput, CartInput, CartLineInput};
use crate::request::{graphql_request, parse_graphql};
use std::fmt;
use wandstore_core::http::{HttpRequest, HttpResponse};
use wandstore_core::money::Money;

/// Most lines one checkout hand-off may carry.
pub const MAX_CART_LINES: usize = 250;
/// Largest quantity on one line.
pub const MAX_LINE_QUANTITY: u32 = 10_000;

const VARIANT_GID_PREFIX: &str = "gid://shopify/ProductVariant/";

/// One line to buy: a variant's global id and a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    /// e.g. "gid://shopify/ProductVariant/44" (`catalog::Variant::id`).
    pub variant_id: String,
    pub quantity: u32,
}

/// An ISO 3166-1 alpha-2 country code ("US", "DE"), used for the buyer's market.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountryCode(String);

impl CountryCode {
    /// Two ASCII capital letters.
    pub fn parse(raw: &str) -> Result<CountryCode, ShopifyError> {
        if raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(CountryCode(raw.to_owned()))
        } else {
            Err(ShopifyError::InvalidInput(format!(
                "{raw:?} is not a two-letter country code"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A cart Shopify created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCart {
    /// e.g. "gid://shopify/Cart/c1-…".
    pub id: String,
    /// Where to send the shopper to pay. Always https (or loopback http in development).
    pub checkout_url: String,
    pub total_quantity: u32,
    pub subtotal: Money,
    pub total: Money,
}

/// Builds the `cartCreate` request. Refuses empty carts, more than [`MAX_CART_LINES`] lines,
/// quantities outside 1..=[`MAX_LINE_QUANTITY`] and ids that are not variant global ids.
pub fn cart_create_request(
    config: &ShopConfig,
    lines: &[CartLine],
    buyer_country: Option<&CountryCode>,
) -> Result<HttpRequest, ShopifyError> {
    if lines.is_empty() {
        return Err(ShopifyError::InvalidInput("the cart has no lines".into()));
    }
    if lines.len() > MAX_CART_LINES {
        return Err(ShopifyError::InvalidInput(format!(
            "the cart has {} lines; at most {MAX_CART_LINES} can go to checkout",
            lines.len()
        )));
    }
    let mut inputs = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let id_ok = line
            .variant_id
            .strip_prefix(VARIANT_GID_PREFIX)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic()))
            && line.variant_id.len() <= 200;
        if !id_ok {
            return Err(ShopifyError::InvalidInput(format!(
                "line {i}: {:?} is not a product variant id",
                line.variant_id
            )));
        }
        if !(1..=MAX_LINE_QUANTITY).contains(&line.quantity) {
            return Err(ShopifyError::InvalidInput(format!(
                "line {i}: quantity {} is outside 1..={MAX_LINE_QUANTITY}",
                line.quantity
            )));
        }
        inputs.push(CartLineInput {
            attributes: None,
            merchandise_id: line.variant_id.clone(),
            quantity: Some(i64::from(line.quantity)),
            selling_plan_id: None,
        });
    }
    let input = CartInput {
        attributes: None,
        buyer_identity: buyer_country.map(|c| CartBuyerIdentityInput {
            country_code: Some(c.as_str().to_owned()),
            customer_access_token: None,
            email: None,
            phone: None,
        }),
        discount_codes: None,
        lines: Some(inputs),
        note: None,
    };
    graphql_request::<CartCreate>(config, cart_create::Variables { input })
}

/// Reads the `cartCreate` response: the new cart, or `UserErrors` when Shopify refused the
/// lines (even if it also returned a cart).
pub fn parse_cart_create(
    config: &ShopConfig,
    response: &HttpResponse,
) -> Result<CreatedCart, ShopifyError> {
    let data: cart_create::ResponseData = parse_graphql(response)?;
    let payload = data
        .cart_create
        .ok_or_else(|| ShopifyError::MissingData("cartCreate is null".into()))?;
    if !payload.user_errors.is_empty() {
        return Err(ShopifyError::UserErrors(
            payload
                .user_errors
                .into_iter()
                .map(|e| UserError {
                    field: e.field.unwrap_or_default(),
                    message: e.message,
                    code: e.code,
                })
                .collect(),
        ));
    }
    let cart = payload
        .cart
        .ok_or_else(|| ShopifyError::MissingData("cartCreate returned no cart".into()))?;
    if !is_safe_checkout_url(&cart.checkout_url, config.is_loopback()) {
        return Err(ShopifyError::InvalidData(format!(
            "checkoutUrl {:?} is not an https URL",
            cart.checkout_url
        )));
    }
    let (sub, tot) = (&cart.cost.subtotal_amount, &cart.cost.total_amount);
    let subtotal = money(&sub.amount, &sub.currency_code, "subtotalAmount")?;
    let total = money(&tot.amount, &tot.currency_code, "totalAmount")?;
    if subtotal.currency != total.currency {
        return Err(ShopifyError::InvalidData(format!(
            "cart amounts in mixed currencies: {} and {}",
            subtotal.currency, total.currency
        )));
    }
    let total_quantity = u32::try_from(cart.total_quantity).map_err(|_| {
        ShopifyError::InvalidData(format!("totalQuantity {} is negative", cart.total_quantity))
    })?;
    Ok(CreatedCart {
        id: cart.id,
        checkout_url: cart.checkout_url,
        total_quantity,
        subtotal,
        total,
    })
}

fn money(amount: &str, currency: &str, field: &str) -> Result<Money, ShopifyError> {
    Money::parse(amount, currency)
        .map_err(|e| ShopifyError::InvalidData(format!("cart {field}: {e}")))
}

/// The shopper is redirected here, so only an absolute https URL with a host passes (plain
/// http is accepted from a loopback development upstream, for loopback hosts only).
fn is_safe_checkout_url(url: &str, loopback_upstream: bool) -> bool {
    if url.len() > 2048 || url.bytes().any(|b| !b.is_ascii_graphic()) {
        return false;
    }
    let (rest, plain_http) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (rest, false),
        (None, Some(rest)) if loopback_upstream => (rest, true),
        _ => return false,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    if plain_http {
        let host = if authority.starts_with("[::1]") {
            "[::1]"
        } else {
            authority.split(':').next().unwrap_or("")
        };
        return matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_urls() {
        let table = [
            ("https://shop.example.com/cart/c/abc?key=1", false, true),
            ("https://shop.myshopify.com/checkouts/cn/x", false, true),
            ("http://shop.example.com/cart", false, false),
            ("http://127.0.0.1:8788/cart/c/1", true, true),
            ("http://localhost:8788/cart/c/1", true, true),
            ("http://evil.example.com/cart", true, false),
            ("http://[::1]:8788/cart", true, true),
            ("http://127.0.0.1.evil.com/cart", true, false),
            ("http://127.0.0.1:8788/cart/c/1", false, false),
            ("javascript:alert(1)", false, false),
            ("//evil.example.com", false, false),
            ("https://", false, false),
            ("https://user@evil.example.com/", false, false),
            ("https://shop.example.com/a b", false, false),
        ];
        for (url, loopback, ok) in table {
            assert_eq!(is_safe_checkout_url(url, loopback), ok, "{url}");
        }
    }

    #[test]
    fn country_codes() {
        assert_eq!(CountryCode::parse("US").unwrap().as_str(), "US");
        for bad in ["us", "USA", "U", "", "1A"] {
            assert!(matches!(
                CountryCode::parse(bad),
                Err(ShopifyError::InvalidInput(_))
            ));
        }
    }
}
