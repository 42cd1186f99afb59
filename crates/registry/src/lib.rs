//! The store registry's rules: what a platform admin may send to create or change a store,
//! how it is validated, what is stored, and what may be shown back.
//!
//! - [`input`]: the admin API's request bodies ([`NewStore`], [`StorePatch`]).
//! - [`record`]: the stored [`StoreRecord`] and its [`PublicStore`] view (no storefront token,
//!   no owner token hash).
//! - [`validate`]: turning input into a record, or a list of [`FieldError`]s.
//! - [`domain`]: custom domain names.
//! - [`directory`]: the registry's entries, its listing, and the rules that keep slugs and
//!   domains unique.
//!
//! Architecture invariant: pure — no I/O, clock or randomness (times and the new owner token
//! are passed in) — and the storefront token never leaves a [`StoreRecord`] except through
//! [`StoreRecord::shop_config`].

pub mod directory;
pub mod domain;
pub mod input;
pub mod record;
pub mod validate;

pub use directory::{
    Claim, DomainRow, RegistryEntry, RegistryRefusal, StoreRow, check_claim, entries,
};
pub use input::{NewStore, ShopifyInput, ShopifyPatch, StorePatch, TokenKind};
pub use record::{PublicStore, StoreRecord};
pub use validate::{FieldError, Platform, apply_patch, validate_new};
