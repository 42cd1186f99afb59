//! Page models, one per template: plain data in, [`crate::Rendered`] out.
//!
//! Each public model is what the caller fills in; its `html()` prepares a private view (links,
//! formatted money, sanitized description, JSON-LD) and renders the template with it.

mod cart;
mod collection;
mod console;
mod error;
mod home;
mod product;
mod search;

pub use cart::{CartLine, CartPage};
pub use collection::CollectionPage;
pub use console::{
    ConsoleAsset, ConsoleEditorPage, ConsoleNotice, ConsoleProblem, ConsoleShown,
    ConsoleSignInPage, ConsoleVersion, EditorFacts, EditorShown, console_answer,
};
pub use error::{Audience, ErrorPage};
pub use home::{HomePage, PersonalizationChoice, Recommendation};
pub use product::ProductPage;
pub use search::SearchPage;
