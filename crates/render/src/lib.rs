//! askama views over `templates/`: page models in, HTML out.
//!
//! A page model ([`HomePage`], [`CollectionPage`], [`ProductPage`], [`CartPage`],
//! [`SearchPage`], [`ErrorPage`]) is plain data filled in by the caller, around a [`Chrome`]
//! (store name, links root, cart count, [`Theme`], preview flag, canonical base, flash
//! message). Its `html()`
//! builds the links ([`Links`]), formats money with `Money`'s `Display`, and renders the
//! template; `templates/base.html` adds the head (title, description, canonical URL, Open
//! Graph) and the header and footer.
//!
//! Every value reaches the HTML through askama's escaping. Exactly three kinds of value are
//! marked safe, and only this crate can make them: merchant description HTML after
//! [`sanitize`] (ammonia, strict allow-list), JSON-LD serialized with `<`, `>`, `&` escaped
//! ([`JsonLd`]), and a theme's custom CSS inside its `<style>` element, which only comes from
//! `wandstore_theme::CustomCss::for_base` (re-serialized from the parse tree, scoped under
//! `.theme-scope`, never containing `<`) and is left out of error pages. Owner text (headings,
//! announcement, alt texts), upstream text, shopper input and model output are never marked
//! safe.
//!
//! The theme ([`Theme`], from `wandstore-theme`) reaches the page as CSS custom properties on
//! `<html style>` (`--color-accent`, …), the favicon link, the header logo, the announcement
//! bar, the home page's sections in the theme's order, sections around the collection's grid
//! and the product, and the grid's columns and image ratio. [`Chrome::with_preview`] marks a
//! page as a preview: a visible bar, `noindex`, and no checkout form on the cart.
//!
//! [`page_run`] drives a shopper object's page request from its steps to the reply (sans-IO:
//! the object performs each step and keeps its memory, which the run updates).
//!
//! Architecture invariant: rendering is pure — no I/O, no clock, no mutable shared state — and
//! nothing but sanitized merchant HTML, escaped JSON-LD and sanitized, scoped theme CSS is
//! ever marked safe, so every view is tested natively.

mod cards;
pub mod cart_reply;
mod chrome;
pub mod console_reply;
mod frame;
mod links;
pub mod listing_pages;
pub mod page_run;
mod pager;
mod pages;
mod sanitize;
mod sections;
mod seo;
pub mod shopper_pages;
mod theme;

pub use chrome::{Chrome, Flash, FlashKind};
pub use links::Links;
pub use pages::{
    Audience, CartLine, CartPage, CollectionPage, ConsoleAsset, ConsoleEditorPage, ConsoleNotice,
    ConsoleProblem, ConsoleShown, ConsoleSignInPage, ConsoleVersion, EditorFacts, EditorShown,
    ErrorPage, HomePage, PersonalizationChoice, ProductPage, Recommendation, SearchPage,
    console_answer,
};
pub use sanitize::{SanitizedHtml, sanitize};
pub use seo::JsonLd;
pub use wandstore_theme::Theme;

/// A rendered page, or the reason it could not be rendered.
pub type Rendered = Result<String, askama::Error>;
