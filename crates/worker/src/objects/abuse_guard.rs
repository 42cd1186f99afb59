//! AbuseGuard: a few objects (`"guard-{shard}"`, `core::abuse::shard`) that keep each
//! client's strikes and bans, and exact counters (checkout hand-offs), exactly and durably, so a ban survives a restart. The rules are
//! `core::abuse`; the object reads a client's record and persists what they decide.

use crate::internal::{self, reply};
use crate::sql::Db;
use wandstore_core::abuse::{BanPolicy, ClientRecord, Counter};
use wandstore_protocol::guard::{
    Ban, CheckClient, CountHit, GuardError, GuardQuestion, StrikeClient,
};
use wandstore_storage::{self as storage, plans};
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
        self.db
            .ensure_schema(&self.state, storage::guard::MIGRATIONS)?;
        let question: GuardQuestion = match internal::read_question(&req).await? {
            Ok(q) => q,
            Err(e) => return Ok(internal::unreadable(&e)),
        };
        let now = crate::clock::now_ms();
        Ok(match question {
            GuardQuestion::Check(CheckClient { client }) => {
                let until = self.record(&client)?.banned_until(now);
                reply::<CheckClient>(&Ok::<_, GuardError>(Ban { until_ms: until }))
            }
            GuardQuestion::Strike(StrikeClient { client }) => {
                let mut record = self.record(&client)?;
                let until = record.strike(now, BanPolicy::default());
                let json = storage::json_text(&record)?;
                let banned = record.banned_until_ms;
                self.db.write(&plans::save_client(&client, json, banned))?;
                reply::<StrikeClient>(&Ok::<_, GuardError>(Ban { until_ms: until }))
            }
            GuardQuestion::Count(CountHit {
                key,
                limit,
                window_ms,
            }) => {
                let mut counter: Counter = self
                    .db
                    .lenient_json_row(storage::guard::SELECT_COUNTER, vec![key.as_str().into()])?
                    .unwrap_or_default();
                let quota = counter.hit(now, limit, window_ms);
                let json = storage::json_text(&counter)?;
                self.db.write(&plans::save_counter(&key, json))?;
                reply::<CountHit>(&Ok::<_, GuardError>(quota))
            }
        })
    }
}

impl AbuseGuard {
    /// A client's record (a new one when absent or unreadable).
    fn record(&self, client: &str) -> Result<ClientRecord> {
        Ok(self
            .db
            .lenient_json_row(storage::guard::SELECT_CLIENT, vec![client.into()])?
            .unwrap_or_default())
    }
}
