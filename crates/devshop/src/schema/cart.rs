//! `Mutation.cartCreate` and the cart types. Lines are validated against the requesting shop:
//! the variant must exist there and be available, the quantity must be 1..=999.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Interface, Object, Result, SimpleObject, Union};

use super::connection::{PageArgs, connection};
use super::enums::{CartErrorCode, CartWarningCode, CountryCode};
use super::product::{MoneyV2, ProductVariant};
use super::scalars::{DateTime, Url};
use super::{Scope, gid};
use crate::catalog::Shop;
use crate::checkout::{Buyer, StoredCart, StoredLine};

/// Largest quantity of one line, and most lines in one cart.
pub const MAX_QUANTITY: i32 = 999;
pub const MAX_LINES: usize = 250;
const MAX_NOTE: usize = 5_000;

connection!(BaseCartLineConnection, BaseCartLineEdge, BaseCartLine);

#[derive(InputObject, Debug, Clone)]
pub struct AttributeInput {
    pub key: String,
    pub value: String,
}

#[derive(InputObject, Debug, Clone)]
pub struct CartBuyerIdentityInput {
    pub country_code: Option<CountryCode>,
    pub customer_access_token: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(InputObject, Debug, Clone)]
pub struct CartLineInput {
    pub attributes: Option<Vec<AttributeInput>>,
    pub merchandise_id: ID,
    #[graphql(default_with = "Some(1)")]
    pub quantity: Option<i32>,
    pub selling_plan_id: Option<ID>,
}

#[derive(InputObject, Debug, Clone)]
pub struct CartInput {
    pub attributes: Option<Vec<AttributeInput>>,
    pub buyer_identity: Option<CartBuyerIdentityInput>,
    pub discount_codes: Option<Vec<String>>,
    pub lines: Option<Vec<CartLineInput>>,
    pub note: Option<String>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct CartUserError {
    pub code: Option<CartErrorCode>,
    pub field: Option<Vec<String>>,
    pub message: String,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct CartWarning {
    pub code: CartWarningCode,
    pub message: String,
    pub target: ID,
}

#[derive(SimpleObject, Clone)]
pub struct CartCreatePayload {
    pub cart: Option<Cart>,
    pub user_errors: Vec<CartUserError>,
    pub warnings: Vec<CartWarning>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct CartBuyerIdentity {
    pub country_code: Option<CountryCode>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct CartCost {
    pub checkout_charge_amount: MoneyV2,
    pub subtotal_amount: MoneyV2,
    pub subtotal_amount_estimated: bool,
    pub total_amount: MoneyV2,
    pub total_amount_estimated: bool,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct CartLineCost {
    pub amount_per_quantity: MoneyV2,
    pub compare_at_amount_per_quantity: Option<MoneyV2>,
    pub subtotal_amount: MoneyV2,
    pub total_amount: MoneyV2,
}

#[derive(Union, Clone)]
pub enum Merchandise {
    ProductVariant(ProductVariant),
}

#[derive(Interface, Clone)]
#[graphql(
    field(name = "cost", ty = "CartLineCost"),
    field(name = "id", ty = "ID"),
    field(name = "merchandise", ty = "Merchandise"),
    field(name = "quantity", ty = "i32")
)]
pub enum BaseCartLine {
    CartLine(CartLine),
}

#[derive(Clone)]
pub struct CartLine {
    shop: Arc<Shop>,
    cart_token: String,
    line: StoredLine,
}

#[Object]
impl CartLine {
    async fn cost(&self) -> CartLineCost {
        let currency = self.shop.currency;
        CartLineCost {
            amount_per_quantity: MoneyV2::new(self.line.unit_price, currency),
            compare_at_amount_per_quantity: self.line.compare_at.map(|c| MoneyV2::new(c, currency)),
            subtotal_amount: MoneyV2::new(self.line.total(), currency),
            total_amount: MoneyV2::new(self.line.total(), currency),
        }
    }

    async fn id(&self) -> ID {
        ID(format!(
            "gid://shopify/CartLine/{}?cart={}",
            self.line.id, self.cart_token
        ))
    }

    async fn merchandise(&self) -> Merchandise {
        Merchandise::ProductVariant(ProductVariant::new(
            &self.shop,
            self.line.product,
            self.line.variant,
        ))
    }

    async fn quantity(&self) -> i32 {
        self.line.quantity
    }
}

#[derive(Clone)]
pub struct Cart {
    shop: Arc<Shop>,
    cart: Arc<StoredCart>,
}

#[Object]
impl Cart {
    async fn buyer_identity(&self) -> CartBuyerIdentity {
        let b = &self.cart.buyer;
        CartBuyerIdentity {
            country_code: b.country_code,
            email: b.email.clone(),
            phone: b.phone.clone(),
        }
    }

    async fn checkout_url(&self, ctx: &Context<'_>) -> Result<Url> {
        let scope = ctx.data::<Scope>()?;
        Ok(Url(format!(
            "{}/checkouts/{}",
            scope.base_url, self.cart.token
        )))
    }

    async fn cost(&self) -> CartCost {
        let subtotal = MoneyV2::new(self.cart.subtotal(), self.shop.currency);
        CartCost {
            checkout_charge_amount: subtotal.clone(),
            subtotal_amount: subtotal.clone(),
            subtotal_amount_estimated: false,
            total_amount: subtotal,
            total_amount_estimated: false,
        }
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from_unix(self.cart.created_at)
    }

    async fn id(&self) -> ID {
        gid("Cart", self.cart.number)
    }

    async fn lines(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
    ) -> Result<BaseCartLineConnection> {
        let mut items: Vec<(u64, String, BaseCartLine)> = self
            .cart
            .lines
            .iter()
            .map(|line| {
                let node = BaseCartLine::CartLine(CartLine {
                    shop: self.shop.clone(),
                    cart_token: self.cart.token.clone(),
                    line: line.clone(),
                });
                (line.id, line.id.to_string(), node)
            })
            .collect();
        if reverse.unwrap_or(false) {
            items.reverse();
        }
        BaseCartLineConnection::paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }

    async fn note(&self) -> Option<&str> {
        self.cart.note.as_deref()
    }

    async fn total_quantity(&self) -> i32 {
        self.cart.total_quantity()
    }

    async fn updated_at(&self) -> DateTime {
        DateTime::from_unix(self.cart.created_at)
    }
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Creates a new cart.
    async fn cart_create(
        &self,
        ctx: &Context<'_>,
        input: Option<CartInput>,
    ) -> Result<Option<CartCreatePayload>> {
        let scope = ctx.data::<Scope>()?;
        let input = input.unwrap_or(CartInput {
            attributes: None,
            buyer_identity: None,
            discount_codes: None,
            lines: None,
            note: None,
        });
        let lines = match validate_lines(&scope.shop, input.lines.as_deref().unwrap_or(&[])) {
            Ok(lines) => lines,
            Err(user_errors) => return Ok(Some(failed(user_errors))),
        };
        if input
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE)
        {
            return Ok(Some(failed(vec![user_error(
                CartErrorCode::NoteTooLong,
                &["input", "note"],
                format!("Note is too long (maximum is {MAX_NOTE} characters)."),
            )])));
        }
        let buyer = input.buyer_identity.map_or_else(Buyer::default, |b| Buyer {
            country_code: b.country_code,
            email: b.email,
            phone: b.phone,
        });
        let cart = scope
            .carts
            .create(&scope.shop.name, lines, input.note, buyer);
        Ok(Some(CartCreatePayload {
            cart: Some(Cart {
                shop: scope.shop.clone(),
                cart,
            }),
            user_errors: Vec::new(),
            warnings: Vec::new(),
        }))
    }
}

fn failed(user_errors: Vec<CartUserError>) -> CartCreatePayload {
    CartCreatePayload {
        cart: None,
        user_errors,
        warnings: Vec::new(),
    }
}

fn user_error(code: CartErrorCode, field: &[&str], message: String) -> CartUserError {
    CartUserError {
        code: Some(code),
        field: Some(field.iter().map(|s| s.to_string()).collect()),
        message,
    }
}

/// Checks every line against `shop`; lines of the same variant are merged, as Shopify does.
fn validate_lines(
    shop: &Shop,
    input: &[CartLineInput],
) -> Result<Vec<StoredLine>, Vec<CartUserError>> {
    let mut errors = Vec::new();
    let mut lines: Vec<StoredLine> = Vec::new();
    if input.len() > MAX_LINES {
        return Err(vec![user_error(
            CartErrorCode::Invalid,
            &["input", "lines"],
            format!("A cart can have at most {MAX_LINES} lines."),
        )]);
    }
    for (i, line) in input.iter().enumerate() {
        let index = i.to_string();
        let id_field = ["input", "lines", index.as_str(), "merchandiseId"];
        let qty_field = ["input", "lines", index.as_str(), "quantity"];
        let quantity = line.quantity.unwrap_or(1);
        let variant_id = match super::parse_gid_kind(&line.merchandise_id, "ProductVariant") {
            Some(id) => id,
            None => {
                errors.push(user_error(
                    CartErrorCode::Invalid,
                    &id_field,
                    format!(
                        "The merchandise id {} is not a valid ProductVariant id.",
                        line.merchandise_id.0
                    ),
                ));
                continue;
            }
        };
        let Some((p, v)) = shop.variant_by_id(variant_id) else {
            errors.push(user_error(
                CartErrorCode::InvalidMerchandiseLine,
                &id_field,
                format!(
                    "The merchandise with id {} does not exist.",
                    line.merchandise_id.0
                ),
            ));
            continue;
        };
        let variant = &shop.products[p].variants[v];
        if !variant.available {
            errors.push(user_error(
                CartErrorCode::MerchandiseNotApplicable,
                &id_field,
                format!(
                    "The merchandise with id {} is not available for sale.",
                    line.merchandise_id.0
                ),
            ));
            continue;
        }
        if quantity < 1 {
            errors.push(user_error(
                CartErrorCode::MinimumNotMet,
                &qty_field,
                format!("The quantity must be at least 1, got {quantity}."),
            ));
            continue;
        }
        let merged = lines.iter_mut().find(|l| l.product == p && l.variant == v);
        let total = merged.as_ref().map_or(0, |l| l.quantity) + quantity;
        if quantity > MAX_QUANTITY || total > MAX_QUANTITY {
            errors.push(user_error(
                CartErrorCode::MaximumExceeded,
                &qty_field,
                format!("The quantity must be at most {MAX_QUANTITY}, got {total}."),
            ));
            continue;
        }
        match merged {
            Some(existing) => existing.quantity = total,
            None => lines.push(StoredLine {
                id: lines.len() as u64 + 1,
                product: p,
                variant: v,
                quantity,
                unit_price: variant.price,
                compare_at: variant.compare_at,
            }),
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}
