//! Shared test vocabulary.

use std::path::PathBuf;

/// What a test against the shared stack gets to know about it.
pub struct Ctx {
    /// The Worker's base URL.
    pub url: String,
    /// The platform admin token the stack was started with.
    pub admin_token: String,
    /// devshop's base URL (control API under `/_devshop/`).
    pub devshop_url: String,
    /// The Storefront token devshop accepts for its `outlet` shop, for stores a test creates.
    pub outlet_token: String,
    /// Where the stack keeps its state and logs (`wrangler.log`, `devshop.log`).
    pub state_dir: PathBuf,
}

/// A test against the shared stack.
pub type Test = fn(&Ctx);
