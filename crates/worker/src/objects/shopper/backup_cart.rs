//! The shopper's cart as backups see it: StoreConfig reads the cart for a backup and
//! rewrites it in a restore (typed questions, `protocol::backup::ShopperQuestion`). Its index
//! of shoppers with a cart is told when this cart becomes non-empty or empty by the cart
//! request that changed it (`protocol::cart_run`; `wandstore_core::cart_announce` decides
//! when), best effort, told again on the next cart write until it has heard it.

use super::ShopperStorefront;
use crate::internal::reply;
use crate::objects::answering;
use crate::sql;
use wandstore_core::cart::CartLine;
use wandstore_protocol::backup::{ReadCart, ReplaceCart, ShopperError, ShopperQuestion};
use wandstore_protocol::cart_rows;
use worker::{Request, Response};

impl ShopperStorefront {
    /// Answers a typed question from another object, its schema current (the Worker never
    /// forwards one: page requests always carry a shopper context).
    pub(super) async fn answer_question(&self, req: &Request) -> worker::Result<Response> {
        let migrations = wandstore_storage::shopper::MIGRATIONS;
        let question = match answering::question(req, &self.db, &self.state, migrations).await? {
            Ok(q) => q,
            Err(unreadable) => return Ok(unreadable),
        };
        self.memory.unrecorded.set(false);
        Ok(match question {
            ShopperQuestion::ReadCart(_) => reply::<ReadCart>(&self.cart_for_backup()),
            ShopperQuestion::ReplaceCart(q) => {
                reply::<ReplaceCart>(&self.restore_cart(q.lines).await)
            }
        })
    }

    /// The cart a backup reads (StoreConfig's index has now heard whether it is empty).
    fn cart_for_backup(&self) -> Result<Vec<CartLine>, ShopperError> {
        let lines = self.cart_lines().map_err(ShopperError::internal)?;
        self.memory.backup_read(&lines);
        Ok(lines)
    }

    /// A restore's cart, written whole in one transaction; it counts as activity, so
    /// retention keeps it.
    async fn restore_cart(&self, lines: Vec<CartLine>) -> Result<(), ShopperError> {
        let plan = cart_rows::replaced(&lines).map_err(ShopperError::internal)?;
        sql::apply(&self.state, &self.db, plan).map_err(ShopperError::internal)?;
        self.memory.restored(&lines);
        self.note_activity(None, "").await;
        Ok(())
    }
}
