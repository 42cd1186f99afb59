//! The cart: lines with quantity and remove forms, price-change notices, subtotal, checkout.

use crate::cards::{ImageView, PriceView};
use crate::frame::Frame;
use crate::seo::{Head, page_title};
use crate::{Chrome, Rendered};
use askama::Template;
use std::cmp::Ordering;
use wandstore_core::cart::{CartCatalog, PricedLine, subtotal};
use wandstore_core::catalog::Image;
use wandstore_core::money::{Currency, Money};

/// Shopify's title for the only variant of a product without options (not shown).
const DEFAULT_VARIANT_TITLE: &str = "Default Title";

/// The shopper's cart. Amounts come from the cart rules (core); this page only shows them.
#[derive(Debug, Clone)]
pub struct CartPage {
    pub chrome: Chrome,
    pub lines: Vec<CartLine>,
    /// The sum of the line totals; not shown for an empty cart.
    pub subtotal: Money,
    /// The shopper's CSRF token; every form carries it.
    pub csrf: String,
}

/// One line of the cart, priced now.
#[derive(Debug, Clone)]
pub struct CartLine {
    pub variant_id: String,
    pub product_handle: String,
    pub product_title: String,
    pub variant_title: String,
    pub image: Option<Image>,
    pub quantity: u32,
    /// The variant's price now.
    pub unit_price: Money,
    /// The unit price when the shopper added it; a difference is pointed out.
    pub price_when_added: Money,
    /// `unit_price` × `quantity`.
    pub line_total: Money,
    /// False when the variant sold out (or disappeared) since it was added.
    pub available: bool,
}

pub(crate) struct PriceChange {
    /// "The price went down", "The price went up", "The price changed".
    pub wording: &'static str,
    pub was: String,
    pub now: String,
}

pub(crate) struct LineView<'a> {
    pub variant_id: &'a str,
    pub url: String,
    pub title: &'a str,
    pub variant_title: Option<&'a str>,
    pub image: Option<ImageView<'a>>,
    pub quantity: u32,
    pub unit_price: PriceView,
    pub price_change: Option<PriceChange>,
    pub line_total: String,
    pub sold_out: bool,
}

#[derive(Template)]
#[template(path = "cart.html")]
struct CartView<'a> {
    frame: Frame<'a>,
    lines: Vec<LineView<'a>>,
    subtotal: String,
    csrf: &'a str,
    update_action: String,
    remove_action: String,
    clear_action: String,
    checkout_action: String,
}

impl CartPage {
    /// The cart page for a priced cart: each line with the catalog's current names and
    /// image, and the subtotal of what can be bought.
    pub fn priced(
        chrome: Chrome,
        priced: &[PricedLine],
        catalog: &CartCatalog,
        currency: Currency,
        csrf: String,
    ) -> Self {
        let lines = priced
            .iter()
            .map(|p| {
                let info = catalog.info.get(&p.line.variant_id);
                CartLine {
                    variant_id: p.line.variant_id.clone(),
                    product_handle: p.product_handle.clone(),
                    product_title: info
                        .map_or_else(|| p.title.clone(), |i| i.product_title.clone()),
                    variant_title: info.map(|i| i.variant_title.clone()).unwrap_or_default(),
                    image: catalog.images.get(&p.line.variant_id).cloned(),
                    quantity: p.line.quantity,
                    unit_price: p.unit_price,
                    price_when_added: p.line.unit_price_when_added,
                    line_total: p.line_total.clone().unwrap_or(p.unit_price),
                    available: !p.unavailable,
                }
            })
            .collect();
        CartPage {
            chrome,
            lines,
            subtotal: subtotal(priced, currency).unwrap_or(Money::zero(currency)),
            csrf,
        }
    }
}

impl CartLine {
    fn price_change(&self) -> Option<PriceChange> {
        let wording = match self.unit_price.partial_cmp(&self.price_when_added) {
            Some(Ordering::Equal) => return None,
            Some(Ordering::Less) => "The price went down",
            Some(Ordering::Greater) => "The price went up",
            None => "The price changed",
        };
        Some(PriceChange {
            wording,
            was: self.price_when_added.to_string(),
            now: self.unit_price.to_string(),
        })
    }
}

impl CartPage {
    pub fn html(&self) -> Rendered {
        let chrome = &self.chrome;
        let frame = Frame::storefront(chrome, Head::private(page_title("Your cart", chrome)));
        let links = &frame.links;
        let lines = self
            .lines
            .iter()
            .map(|l| LineView {
                variant_id: &l.variant_id,
                url: links.product_variant(&l.product_handle, &l.variant_id),
                title: &l.product_title,
                variant_title: Some(l.variant_title.as_str())
                    .filter(|t| !t.trim().is_empty() && *t != DEFAULT_VARIANT_TITLE),
                image: l
                    .image
                    .as_ref()
                    .and_then(|i| ImageView::new(i, &l.product_title, true)),
                quantity: l.quantity,
                unit_price: PriceView::one(l.unit_price),
                price_change: l.price_change(),
                line_total: l.line_total.to_string(),
                sold_out: !l.available,
            })
            .collect();
        CartView {
            lines,
            subtotal: self.subtotal.to_string(),
            csrf: &self.csrf,
            update_action: links.cart_update(),
            remove_action: links.cart_remove(),
            clear_action: links.cart_clear(),
            checkout_action: links.checkout(),
            frame,
        }
        .render()
    }
}
