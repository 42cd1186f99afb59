//! The shopper's cart as backups see it: StoreConfig reads the cart for a backup and
//! rewrites it in a restore (typed questions, `protocol::backup::ShopperQuestion`). Its index
//! of shoppers with a cart is told when this cart becomes non-empty or empty by the cart
//! request that changed it (`protocol::cart_run`; `wandstore_core::cart_announce` decides
//! when), best effort, told again on the next cart write until it has heard it.

use super::ShopperStorefront;
use crate::internal::{self, reply};
use crate::sql;
use wandstore_core::cart::CartLine;
use wandstore_core::cart_announce::heard_after_read;
use wandstore_protocol::backup::{ReadCart, ReplaceCart, ShopperError, ShopperQuestion};
use wandstore_storage as storage;
use worker::{Request, Response};

fn internal_error(e: worker::Error) -> ShopperError {
    ShopperError::Internal {
        message: e.to_string(),
    }
}

impl ShopperStorefront {
    /// Answers a typed question from another object (the Worker never forwards one: page
    /// requests always carry a shopper context).
    pub(super) async fn answer_question(&self, req: &Request) -> worker::Result<Response> {
        let question: ShopperQuestion = match internal::read_question(req).await? {
            Ok(q) => q,
            Err(e) => return Ok(internal::unreadable(&e)),
        };
        self.unrecorded.set(false);
        let ready = self.ensure_schema().map_err(internal_error);
        Ok(match question {
            ShopperQuestion::ReadCart(_) => {
                reply::<ReadCart>(&ready.and_then(|()| self.cart_for_backup()))
            }
            ShopperQuestion::ReplaceCart(q) => reply::<ReplaceCart>(&match ready {
                Ok(()) => self.restore_cart(q.lines).await,
                Err(e) => Err(e),
            }),
        })
    }

    /// The cart a backup reads (StoreConfig's index has now heard whether it is empty).
    fn cart_for_backup(&self) -> Result<Vec<CartLine>, ShopperError> {
        let lines = self.cart_lines().map_err(internal_error)?;
        let heard = heard_after_read(self.announced.get(), lines.is_empty());
        self.announced.set(heard);
        Ok(lines)
    }

    /// A restore's cart, written whole; it counts as activity, so retention keeps it.
    async fn restore_cart(&self, lines: Vec<CartLine>) -> Result<(), ShopperError> {
        let non_empty = !lines.is_empty();
        self.replace_cart(lines).map_err(internal_error)?;
        self.announced.set(Some(non_empty));
        self.note_activity(None, "").await;
        Ok(())
    }

    /// Replaces every cart line in one transaction.
    fn replace_cart(&self, lines: Vec<CartLine>) -> worker::Result<()> {
        self.forget_lines();
        self.forget_events();
        let rows = storage::keyed(&lines, |l| &l.variant_id)?;
        sql::apply(&self.state, &self.db, storage::plans::replace_cart(rows))
    }
}
