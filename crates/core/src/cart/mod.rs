//! The shopper's cart rules (issue 4): what a cart may hold, how commands change it, how it is
//! repriced, how JSON writes are made idempotent, and the events personalization learns from.
//!
//! The cart lives in SQLite inside the shopper's Durable Object. The shell drives it like this:
//!
//! 1. parse the request into a [`CartCommand`] ([`CartCommand::from_form`] for HTML forms,
//!    [`CartCommand::from_json`] or `serde` for JSON bodies);
//! 2. fetch the [`VariantInfo`] of [`CartCommand::variant_id`] from StoreConfig (async) into a
//!    map, which implements [`VariantLookup`];
//! 3. then, synchronously inside one `transactionSync` (no `await` between reading and writing,
//!    so two requests with the same idempotency key cannot interleave): [`check_idempotency`],
//!    load the lines, [`apply`], execute [`CartChange::write`], store [`CartChange::event`] and
//!    the [`IdempotencyRecord`].
//!
//! Decisions (where the rules leave a choice):
//! - Quantity is 1..=[`MAX_QUANTITY`] per line and a cart holds at most [`MAX_LINES`] lines.
//! - Every command field is validated when parsed ([`Quantity`], [`VariantId`]), so an
//!   out-of-range command cannot reach [`apply`].
//! - `quantity` is required for `add` and `set_quantity`; there is no silent default.
//! - `set_quantity` with 0 is refused (its message points to Remove): one way to remove a line.
//! - `set_quantity` of a variant that is not in the cart is a 404 ([`CartError::NotInCart`]).
//! - `remove` of a line that is not there, and `clear` of an empty cart, are no-ops
//!   ([`CartWrite::Nothing`]), so retrying them is harmless.
//! - Adding a variant already in the cart merges quantities; the sum may not exceed 99.
//! - Increasing a line needs the variant to exist and be for sale; lowering a line (or removing
//!   it) never does, so a sold-out or discontinued line can always be reduced.
//! - A write to a line records the catalog's current price and title on it: the shopper acted
//!   on a page showing them, which acknowledges a price change [`reprice`] reported.
//! - Events: `add` and an increasing `set_quantity` emit [`ShopperEvent::Added`] with the amount
//!   added; `remove` of an existing line emits [`ShopperEvent::Removed`]; lowering a quantity and
//!   `clear` (which also follows checkout) emit nothing.
//! - [`subtotal`] counts only lines that can be bought (not `unavailable`), in the store's
//!   currency; an empty cart is zero in that currency.

mod command;
mod command_error;
mod idempotency;
mod line;
mod price;
mod rules;
#[cfg(test)]
mod test_support;
mod transaction;
mod view;

pub use crate::shopper_events::ShopperEvent;
pub use command::{CartCommand, Quantity, VariantId};
pub use command_error::CommandError;
pub use idempotency::{
    IDEMPOTENCY_CONFLICT_STATUS, IDEMPOTENCY_HEADER, IDEMPOTENCY_RETENTION_MS, IdempotencyCheck,
    IdempotencyKey, IdempotencyKeyError, IdempotencyRecord, MAX_IDEMPOTENCY_KEY_LEN,
    REPLAYED_HEADER, check_idempotency, idempotency_cutoff, request_fingerprint, should_record,
};
pub use line::{CartCatalog, CartLine, VariantInfo, VariantLookup, item_count};
pub use price::{PricedLine, reprice, subtotal};
pub use rules::{CartChange, CartError, CartWrite, apply};
pub use transaction::{CommandWrites, Idempotent, Outcome, answered_before, run_command};
pub use view::{CartJson, FormAction, LineJson, MoneyJson, notice_message};

/// The largest quantity of one variant a cart may hold.
pub const MAX_QUANTITY: u32 = 99;
/// The most lines (distinct variants) a cart may hold.
pub const MAX_LINES: usize = 100;
/// The longest variant id accepted, in bytes (Shopify's global ids are about 45).
pub const MAX_VARIANT_ID_LEN: usize = 255;
