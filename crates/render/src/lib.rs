//! askama views over `templates/`: page models in, HTML out.
//!
//! A page model ([`HomePage`], [`CollectionPage`], [`ProductPage`], [`CartPage`],
//! [`SearchPage`], [`ErrorPage`]) is plain data filled in by the caller, around a [`Chrome`]
//! (store name, links root, cart count, [`Theme`], canonical base, flash message). Its `html()`
//! builds the links ([`Links`]), formats money with `Money`'s `Display`, and renders the
//! template; `templates/base.html` adds the head (title, description, canonical URL, Open
//! Graph) and the header and footer.
//!
//! Every value reaches the HTML through askama's escaping. Exactly two kinds of value are
//! marked safe, and only this crate can make them: merchant description HTML after
//! [`sanitize`] (ammonia, strict allow-list) and JSON-LD serialized with `<`, `>`, `&`
//! escaped ([`JsonLd`]). Owner input, upstream text, shopper input and model output are never
//! marked safe.
//!
//! Architecture invariant: rendering is pure — no I/O, no clock, no mutable shared state — and
//! nothing but sanitized merchant HTML and escaped JSON-LD is ever marked safe, so every view
//! is tested natively.

mod cards;
mod chrome;
mod frame;
mod links;
mod pager;
mod pages;
mod sanitize;
mod seo;
mod theme;

pub use chrome::{Chrome, Flash, FlashKind};
pub use links::Links;
pub use pages::{
    CartLine, CartPage, CollectionPage, ErrorPage, HomePage, ProductPage, Recommendation,
    SearchPage,
};
pub use sanitize::{SanitizedHtml, sanitize};
pub use seo::JsonLd;
pub use theme::Theme;

/// A rendered page, or the reason it could not be rendered.
pub type Rendered = Result<String, askama::Error>;
