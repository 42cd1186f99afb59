//! AbuseGuard: a few objects (`"guard-{shard}"`, `core::abuse::shard`) that keep each
//! client's strikes and bans, and exact counters (checkout hand-offs), exactly and durably, so a ban survives a restart. The rules are
//! `core::abuse`; the object reads a client's record and persists what they decide.

use crate::internal::{self, reply};
use crate::sql::{self, Db};
use serde::Deserialize;
use wandstore_core::abuse::{BanPolicy, ClientRecord, Counter};
use wandstore_protocol::guard::{
    Ban, CheckClient, CountHit, GuardError, GuardQuestion, StrikeClient,
};
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

/// How many guard objects share the clients.
pub const SHARDS: u32 = 16;

const MIGRATIONS: &[sql::Migration] = &[
    &[
        "CREATE TABLE clients (client TEXT PRIMARY KEY, json TEXT NOT NULL, banned_until_ms INTEGER)",
    ],
    // v2: exact counters (checkout hand-offs).
    &["CREATE TABLE counters (key TEXT PRIMARY KEY, json TEXT NOT NULL)"],
];

#[derive(Deserialize)]
struct Row {
    json: String,
}

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
        self.db.ensure_schema(&self.state, MIGRATIONS)?;
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
                    "INSERT INTO clients (client, json, banned_until_ms) VALUES (?, ?, ?)
                     ON CONFLICT (client) DO UPDATE SET json = excluded.json,
                       banned_until_ms = excluded.banned_until_ms",
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
                let rows: Vec<Row> = self.db.rows(
                    "SELECT json FROM counters WHERE key = ?",
                    vec![key.as_str().into()],
                )?;
                let mut counter: Counter = rows
                    .first()
                    .and_then(|r| serde_json::from_str(&r.json).ok())
                    .unwrap_or_default();
                let quota = counter.hit(now, limit, window_ms);
                self.db.run(
                    "INSERT INTO counters (key, json) VALUES (?, ?)
                     ON CONFLICT (key) DO UPDATE SET json = excluded.json",
                    vec![key.as_str().into(), serde_json::to_string(&counter)?.into()],
                )?;
                reply::<CountHit>(&Ok::<_, GuardError>(quota))
            }
        })
    }
}

impl AbuseGuard {
    fn record(&self, client: &str) -> Result<ClientRecord> {
        let rows: Vec<Row> = self.db.rows(
            "SELECT json FROM clients WHERE client = ?",
            vec![client.into()],
        )?;
        Ok(rows
            .first()
            .and_then(|r| serde_json::from_str(&r.json).ok())
            .unwrap_or_default())
    }
}
