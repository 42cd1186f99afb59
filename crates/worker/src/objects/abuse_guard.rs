//! AbuseGuard: a few objects (`"guard-{shard}"`, `core::abuse::shard`) that keep each
//! client's strikes and bans, and exact counters (checkout hand-offs), exactly and durably, so a ban survives a restart. The rules are
//! `core::abuse`; the object reads a client's record and persists what they decide.

use crate::internal::{self, reply};
use crate::sql::{self, Db};
use wandstore_core::abuse::{BanPolicy, ClientRecord, Counter};
use wandstore_protocol::guard::{
    Ban, CheckClient, CountHit, GuardError, GuardQuestion, StrikeClient,
};
use wandstore_storage as storage;
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
        let now = worker::Date::now().as_millis();
        Ok(match question {
            GuardQuestion::Check(CheckClient { client }) => {
                let until = self.record(&client)?.banned_until(now);
                reply::<CheckClient>(&Ok::<_, GuardError>(Ban { until_ms: until }))
            }
            GuardQuestion::Strike(StrikeClient { client }) => {
                let mut record = self.record(&client)?;
                let until = record.strike(now, BanPolicy::default());
                self.db.run(
                    storage::guard::UPSERT_CLIENT,
                    vec![
                        client.as_str().into(),
                        serde_json::to_string(&record)?.into(),
                        match record.banned_until_ms {
                            Some(t) => sql::int(t)?,
                            None => worker::SqlStorageValue::Null,
                        },
                    ],
                )?;
                reply::<StrikeClient>(&Ok::<_, GuardError>(Ban { until_ms: until }))
            }
            GuardQuestion::Count(CountHit {
                key,
                limit,
                window_ms,
            }) => {
                let rows: Vec<storage::JsonRow> = self
                    .db
                    .rows(storage::guard::SELECT_COUNTER, vec![key.as_str().into()])?;
                let mut counter: Counter = rows
                    .first()
                    .and_then(|r| serde_json::from_str(&r.json).ok())
                    .unwrap_or_default();
                let quota = counter.hit(now, limit, window_ms);
                self.db.run(
                    storage::guard::UPSERT_COUNTER,
                    vec![key.as_str().into(), serde_json::to_string(&counter)?.into()],
                )?;
                reply::<CountHit>(&Ok::<_, GuardError>(quota))
            }
        })
    }
}

impl AbuseGuard {
    fn record(&self, client: &str) -> Result<ClientRecord> {
        let rows: Vec<storage::JsonRow> = self
            .db
            .rows(storage::guard::SELECT_CLIENT, vec![client.into()])?;
        Ok(rows
            .first()
            .and_then(|r| serde_json::from_str(&r.json).ok())
            .unwrap_or_default())
    }
}
