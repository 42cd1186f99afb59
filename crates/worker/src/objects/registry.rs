//! StoreRegistry: the one object (`"registry"`) that knows every store slug and custom
//! domain, so slugs and domains stay unique and a custom domain can be routed, and each
//! store's reported storage size. What a question reads, writes and answers is
//! `protocol::registry_run::RegistryRun`'s; this file reads the rows, applies the writes in
//! one transaction and sends the reply.

use super::answering;
use crate::sql::{self, Db};
use wandstore_protocol::registry_run::{RegistryAction, RegistryRead, RegistryRow, RegistryRun};
use wandstore_storage::registry::MIGRATIONS;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

/// The registry's object name.
pub const NAME: &str = "registry";

#[durable_object]
pub struct StoreRegistry {
    state: State,
    db: Db,
}

impl DurableObject for StoreRegistry {
    fn new(state: State, _env: Env) -> Self {
        StoreRegistry {
            db: Db::new(&state),
            state,
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let question = match answering::question(&req, &self.db, &self.state, MIGRATIONS).await? {
            Ok(q) => q,
            Err(unreadable) => return Ok(unreadable),
        };
        let mut run = RegistryRun::new(question);
        loop {
            match run.poll() {
                RegistryAction::Read(read) => run.on_read(self.read(read)?),
                RegistryAction::Apply(plan) => sql::apply(&self.state, &self.db, plan)?,
                RegistryAction::Done(reply) => return Ok(answering::encoded(reply)),
            }
        }
    }
}

impl StoreRegistry {
    fn read(&self, read: RegistryRead) -> Result<RegistryRow> {
        let Some(statement) = read.statement() else {
            let bytes = self.state.storage().sql().database_size() as u64;
            return Ok(RegistryRow::OwnBytes(bytes));
        };
        let rows = self.db.rows(statement.sql, &statement.args)?;
        read.row(rows).map_err(worker::Error::RustError)
    }
}
