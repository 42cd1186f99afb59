//! AbuseGuard: a few objects (`"guard-{shard}"`, `core::abuse::shard`) that keep each
//! client's strikes and bans, and exact counters (checkout hand-offs), exactly and durably, so
//! a ban survives a restart. What a question reads, answers and stores is
//! `protocol::guard::GuardQuestion::answer`'s; the object reads the row and stores the change.

use super::answering;
use crate::sql::Db;
use wandstore_protocol::guard::{GuardQuestion, GuardRow, GuardSave};
use wandstore_storage::{self as storage, guard, plans};
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

/// How many guard objects share the clients.
pub const SHARDS: u32 = 16;

#[durable_object]
pub struct AbuseGuard {
    state: State,
    db: Db,
}

impl DurableObject for AbuseGuard {
    fn new(state: State, _env: Env) -> Self {
        AbuseGuard {
            db: Db::new(&state),
            state,
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let q: GuardQuestion =
            match answering::question(&req, &self.db, &self.state, guard::MIGRATIONS).await? {
                Ok(q) => q,
                Err(unreadable) => return Ok(unreadable),
            };
        let (query, key) = match q.row() {
            GuardRow::Client(client) => (guard::SELECT_CLIENT, client),
            GuardRow::Counter(key) => (guard::SELECT_COUNTER, key),
        };
        let row: Option<storage::JsonRow> = self.db.first_row(query, vec![key.into()])?;
        let step = q.answer(
            row.as_ref().map(|r| r.json.as_str()),
            crate::clock::now_ms(),
        );
        match step.save {
            Some(GuardSave::Client {
                json,
                banned_until_ms,
            }) => self
                .db
                .write(&plans::save_client(key, json, banned_until_ms))?,
            Some(GuardSave::Counter { json }) => self.db.write(&plans::save_counter(key, json))?,
            None => {}
        }
        Ok(answering::encoded(step.reply))
    }
}
