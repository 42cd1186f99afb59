//! Shared test vocabulary.

use std::path::PathBuf;
use wandstore_e2e::TestStack;

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

impl Ctx {
    /// The context of a running stack (the shared one, or a test's own).
    pub fn of(stack: &TestStack) -> Ctx {
        Ctx {
            url: stack.url(),
            admin_token: stack.stack.admin_token().unwrap_or_default().to_owned(),
            devshop_url: stack.stack.devshop_url().unwrap_or_default().to_owned(),
            outlet_token: stack
                .stack
                .shop_token("outlet")
                .unwrap_or_default()
                .to_owned(),
            state_dir: stack.state_dir(),
        }
    }
}

/// A test against the shared stack.
pub type Test = fn(&Ctx);
