//! Carts created by `cartCreate`, and the local checkout page their `checkoutUrl` points at
//! (`GET /checkouts/{token}`), so a click-through works without Shopify.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::html::escape;
use crate::money::format_display;
use crate::schema::enums::CountryCode;
use crate::server::AppState;

/// Carts kept in memory; the oldest are forgotten beyond this many.
const MAX_CARTS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct StoredLine {
    pub id: u64,
    pub product: usize,
    pub variant: usize,
    pub quantity: i32,
    /// Minor units, fixed when the cart was created.
    pub unit_price: i64,
    pub compare_at: Option<i64>,
}

impl StoredLine {
    pub fn total(&self) -> i64 {
        self.unit_price * i64::from(self.quantity)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Buyer {
    pub country_code: Option<CountryCode>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StoredCart {
    pub number: u64,
    pub token: String,
    pub shop: String,
    pub lines: Vec<StoredLine>,
    pub note: Option<String>,
    pub buyer: Buyer,
    pub created_at: i64,
}

impl StoredCart {
    pub fn subtotal(&self) -> i64 {
        self.lines.iter().map(StoredLine::total).sum()
    }

    pub fn total_quantity(&self) -> i32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
}

#[derive(Default)]
struct Inner {
    next: u64,
    carts: HashMap<String, Arc<StoredCart>>,
    order: VecDeque<String>,
}

/// Every cart of every shop, by checkout token.
pub struct CartStore {
    inner: Mutex<Inner>,
    secret: u128,
}

impl Default for CartStore {
    fn default() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        CartStore {
            inner: Mutex::new(Inner::default()),
            secret: nanos ^ (u128::from(std::process::id()) << 64),
        }
    }
}

impl CartStore {
    /// Stores a new cart; lines get ids 1, 2, … in order.
    pub fn create(
        &self,
        shop: &str,
        lines: Vec<StoredLine>,
        note: Option<String>,
        buyer: Buyer,
    ) -> Arc<StoredCart> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.next += 1;
        let number = inner.next;
        let digest = Sha256::digest(format!("{}:{shop}:{number}", self.secret).as_bytes());
        let token = hex::encode(&digest[..16]);
        let created_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let cart = Arc::new(StoredCart {
            number,
            token: token.clone(),
            shop: shop.to_string(),
            lines,
            note,
            buyer,
            created_at,
        });
        inner.carts.insert(token.clone(), cart.clone());
        inner.order.push_back(token);
        while inner.order.len() > MAX_CARTS {
            if let Some(old) = inner.order.pop_front() {
                inner.carts.remove(&old);
            }
        }
        cart
    }

    pub fn get(&self, token: &str) -> Option<Arc<StoredCart>> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.carts.get(token).cloned()
    }
}

/// `GET /checkouts/{token}`: a small HTML page listing the cart's lines.
pub async fn page(State(app): State<Arc<AppState>>, Path(token): Path<String>) -> Response {
    let Some(cart) = app.carts.get(&token) else {
        return html_response(
            StatusCode::NOT_FOUND,
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Checkout not found</title></head><body><h1>Checkout not found</h1><p>This checkout does not exist or has expired.</p></body></html>".to_string(),
        );
    };
    let Some(shop) = app.catalog.shop(&cart.shop) else {
        return html_response(StatusCode::NOT_FOUND, String::new());
    };
    let currency = shop.currency.code();
    let mut rows = String::new();
    for line in &cart.lines {
        let product = &shop.products[line.product];
        let variant = &product.variants[line.variant];
        rows.push_str(&format!(
            "<tr data-line=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {currency}</td><td>{} {currency}</td></tr>\n",
            line.id,
            escape(&product.title),
            escape(&variant.title),
            escape(variant.sku.as_deref().unwrap_or("")),
            line.quantity,
            format_display(line.unit_price),
            format_display(line.total()),
        ));
    }
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Checkout – {shop_title}</title>\
<meta name=\"robots\" content=\"noindex\"></head>\n<body><h1>Checkout</h1>\n\
<p>devshop stand-in for Shopify checkout · shop <b>{shop_name}</b> · cart {number}</p>\n\
<table><thead><tr><th>Product</th><th>Variant</th><th>SKU</th><th>Quantity</th><th>Unit price</th><th>Total</th></tr></thead>\n\
<tbody>\n{rows}</tbody>\n<tfoot><tr><th colspan=\"3\">Subtotal</th><td data-total-quantity>{qty}</td><td></td>\
<td data-subtotal>{subtotal} {currency}</td></tr></tfoot></table></body></html>\n",
        shop_title = escape(&shop.title),
        shop_name = escape(&shop.name),
        number = cart.number,
        qty = cart.total_quantity(),
        subtotal = format_display(cart.subtotal()),
    );
    html_response(StatusCode::OK, body)
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        body,
    )
        .into_response()
}
