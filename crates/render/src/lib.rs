//! askama views over `templates/`: page models in, HTML out.
//!
//! Every value reaches the HTML through askama's escaping. Nothing here marks owner input,
//! model output or upstream text as safe.
//!
//! Architecture invariant: rendering is pure — no I/O, no clock, no shared state — so every
//! view is tested natively.

mod chrome;
mod pages;

pub use chrome::Chrome;
pub use pages::{ErrorPage, HomePage};

/// A rendered page, or the reason it could not be rendered.
pub type Rendered = Result<String, askama::Error>;
