//! AbuseGuard: a few objects (`core::abuse::guard_name`) that keep each
//! client's strikes and bans, and exact counters (checkout hand-offs), exactly and durably, so
//! a ban survives a restart. What a question reads, answers and stores is
//! `protocol::guard::GuardQuestion::answer`'s (the statements too: `GuardRow::query`,
//! `GuardSave::write`); the object reads the row and stores the change.

use super::answering;
use crate::sql::Db;
use wandstore_protocol::guard::GuardQuestion;
use wandstore_storage::{self as storage, guard};
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

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
        let (query, key) = q.row().query();
        let row: Option<storage::JsonRow> = self.db.first_row(query, &[key.into()])?;
        let stored = row.as_ref().map(|r| r.json.as_str());
        let step = q.answer(stored, crate::clock::now_ms());
        if let Some(save) = step.save {
            self.db.write(&save.write(key))?;
        }
        Ok(answering::encoded(step.reply))
    }
}
