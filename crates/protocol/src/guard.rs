//! What an AbuseGuard object answers: whether a client is banned, and a strike against it.

use crate::wire::{encode_reply, questions};
use serde::{Deserialize, Serialize};
pub use wandstore_core::abuse::Quota;
use wandstore_core::abuse::{BanPolicy, ClientRecord, Counter};
use wandstore_storage::plans;

/// Every question an AbuseGuard answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardQuestion {
    Check(CheckClient),
    Strike(StrikeClient),
    Count(CountHit),
}

/// A guard never refuses a question; a storage failure fails the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuardError {}

questions! {
    GuardQuestion, GuardError;
    CheckClient => Check -> Ban;
    StrikeClient => Strike -> Ban;
    CountHit => Count -> Quota;
}

/// One request against an exact limit: `limit` per `window_ms` for `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountHit {
    pub key: String,
    pub limit: u32,
    pub window_ms: u64,
}

/// Is this client banned now?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckClient {
    pub client: String,
}

/// This client went past a rate limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrikeClient {
    pub client: String,
}

/// The ban in force, if any (until then, ms since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    pub until_ms: Option<u64>,
}

/// The one stored row a question reads (and may replace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardRow<'a> {
    /// A client's record (strikes and ban), by client.
    Client(&'a str),
    /// An exact counter, by key.
    Counter(&'a str),
}

/// What to store after answering: a client's record (JSON) with its ban, or a counter (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardSave {
    Client {
        json: String,
        banned_until_ms: Option<u64>,
    },
    Counter {
        json: String,
    },
}

/// A question's answer, as the reply's body, and the row to store (if it changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardStep {
    pub reply: String,
    pub save: Option<GuardSave>,
}

impl GuardQuestion {
    /// The row this question reads.
    pub fn row(&self) -> GuardRow<'_> {
        match self {
            GuardQuestion::Check(CheckClient { client })
            | GuardQuestion::Strike(StrikeClient { client }) => GuardRow::Client(client),
            GuardQuestion::Count(hit) => GuardRow::Counter(&hit.key),
        }
    }

    /// Answers from the stored row's JSON at `now_ms` (no row, or one that does not read: a
    /// fresh record or counter, so a damaged row never locks a client out).
    pub fn answer(&self, stored: Option<&str>, now_ms: u64) -> GuardStep {
        fn read<T: Default + serde::de::DeserializeOwned>(stored: Option<&str>) -> T {
            stored
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default()
        }
        match self {
            GuardQuestion::Check(_) => GuardStep {
                reply: ban_reply(read::<ClientRecord>(stored).banned_until(now_ms)),
                save: None,
            },
            GuardQuestion::Strike(_) => {
                let mut record: ClientRecord = read(stored);
                let until = record.strike(now_ms, BanPolicy::default());
                GuardStep {
                    reply: ban_reply(until),
                    save: Some(GuardSave::Client {
                        json: json(&record),
                        banned_until_ms: record.banned_until_ms,
                    }),
                }
            }
            GuardQuestion::Count(hit) => {
                let mut counter: Counter = read(stored);
                let quota = counter.hit(now_ms, hit.limit, hit.window_ms);
                GuardStep {
                    reply: encode_reply::<CountHit>(&Ok(quota)),
                    save: Some(GuardSave::Counter {
                        json: json(&counter),
                    }),
                }
            }
        }
    }
}

fn ban_reply(until_ms: Option<u64>) -> String {
    encode_reply::<StrikeClient>(&Ok(Ban { until_ms }))
}

impl<'a> GuardRow<'a> {
    /// The statement that reads the row, and its key.
    pub fn query(self) -> (&'static str, &'a str) {
        match self {
            GuardRow::Client(client) => (wandstore_storage::guard::SELECT_CLIENT, client),
            GuardRow::Counter(key) => (wandstore_storage::guard::SELECT_COUNTER, key),
        }
    }
}

impl GuardSave {
    /// The write that stores it as the row of `key`.
    pub fn write(self, key: &str) -> wandstore_storage::Write {
        match self {
            GuardSave::Client {
                json,
                banned_until_ms,
            } => plans::save_client(key, json, banned_until_ms),
            GuardSave::Counter { json } => plans::save_counter(key, json),
        }
    }
}

/// A record or counter as stored (plain structs of numbers: serializing cannot fail).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl From<GuardError> for crate::EdgeError {
    fn from(e: GuardError) -> Self {
        match e {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode_question, decode_reply, encode_question};

    const NOW: u64 = 1_800_000_000_000;

    fn strike(stored: Option<&str>, now_ms: u64) -> (Option<u64>, Option<String>) {
        let q = GuardQuestion::Strike(StrikeClient { client: "c".into() });
        let step = q.answer(stored, now_ms);
        let ban = decode_reply::<StrikeClient>(step.reply.as_bytes())
            .unwrap()
            .unwrap();
        let Some(GuardSave::Client {
            json,
            banned_until_ms,
        }) = step.save
        else {
            panic!("a strike is stored: {step:?}")
        };
        assert_eq!(
            ban.until_ms,
            banned_until_ms.filter(|_| ban.until_ms.is_some())
        );
        (ban.until_ms, Some(json))
    }

    #[test]
    fn strikes_pile_up_into_a_ban_that_check_then_reports_without_writing() {
        let mut stored: Option<String> = None;
        let mut ban = None;
        for i in 0..BanPolicy::default().strikes {
            (ban, stored) = strike(stored.as_deref(), NOW + u64::from(i));
        }
        let until = ban.expect("enough strikes ban the client");
        assert!(until > NOW);
        let check = GuardQuestion::Check(CheckClient { client: "c".into() });
        assert_eq!(check.row(), GuardRow::Client("c"));
        let step = check.answer(stored.as_deref(), NOW + 10);
        assert_eq!(step.save, None, "a check writes nothing");
        let answered = decode_reply::<CheckClient>(step.reply.as_bytes()).unwrap();
        assert_eq!(
            answered,
            Ok(Ban {
                until_ms: Some(until)
            })
        );
        let later = check.answer(stored.as_deref(), until + 1);
        let answered = decode_reply::<CheckClient>(later.reply.as_bytes()).unwrap();
        assert_eq!(answered, Ok(Ban { until_ms: None }), "the ban ends");
    }

    #[test]
    fn a_question_reads_and_stores_its_own_row() {
        use wandstore_storage::guard as sql;
        let strike = GuardQuestion::Strike(StrikeClient { client: "c".into() });
        assert_eq!(strike.row().query(), (sql::SELECT_CLIENT, "c"));
        let save = strike.answer(None, NOW).save.expect("a strike is stored");
        let write = save.write("c");
        assert_eq!(write.sql, sql::UPSERT_CLIENT);
        assert_eq!(write.args[0], "c".into());
        let hit = GuardQuestion::Count(CountHit {
            key: "checkout:1.2.3.4".into(),
            limit: 1,
            window_ms: 1000,
        });
        assert_eq!(hit.row().query(), (sql::SELECT_COUNTER, "checkout:1.2.3.4"));
        let write = hit
            .answer(Some("{damaged"), NOW)
            .save
            .expect("a hit is counted");
        let write = write.write("checkout:1.2.3.4");
        assert_eq!(write.sql, sql::UPSERT_COUNTER);
        assert_eq!(write.args[0], "checkout:1.2.3.4".into());
    }

    #[test]
    fn an_unknown_or_damaged_row_is_a_clean_record() {
        let check = GuardQuestion::Check(CheckClient { client: "c".into() });
        for stored in [None, Some("{not json"), Some("[1,2]")] {
            let step = check.answer(stored, NOW);
            let answered = decode_reply::<CheckClient>(step.reply.as_bytes()).unwrap();
            assert_eq!(answered, Ok(Ban { until_ms: None }), "{stored:?}");
            let (ban, json) = strike(stored, NOW);
            assert_eq!(ban, None, "one strike does not ban");
            assert!(json.is_some());
        }
    }

    #[test]
    fn a_limit_of_zero_refuses_and_a_limit_of_one_allows_once_per_window() {
        let quota = |limit, window_ms, stored: Option<&str>, now| {
            let hit = GuardQuestion::Count(CountHit {
                key: "k".into(),
                limit,
                window_ms,
            });
            let step = hit.answer(stored, now);
            let Some(GuardSave::Counter { json }) = step.save else {
                panic!("{step:?}")
            };
            let q = decode_reply::<CountHit>(step.reply.as_bytes())
                .unwrap()
                .unwrap();
            (q, json)
        };
        let (none, _) = quota(0, 60_000, None, NOW);
        assert!(!none.allowed);
        assert_eq!(none.remaining, 0);
        let (first, stored) = quota(1, 60_000, None, NOW);
        let (second, _) = quota(1, 60_000, Some(&stored), NOW + 1);
        assert_eq!((first.allowed, second.allowed), (true, false));
        // A window of 0 ms is one millisecond, not a division by zero.
        let (zero_window, stored) = quota(1, 0, None, NOW);
        let (next_ms, _) = quota(1, 0, Some(&stored), NOW + 1);
        assert!(zero_window.allowed && next_ms.allowed);
    }

    #[test]
    fn a_counter_counts_to_its_limit_per_window_and_is_stored_each_time() {
        let hit = GuardQuestion::Count(CountHit {
            key: "checkout:c".into(),
            limit: 2,
            window_ms: 60_000,
        });
        assert_eq!(hit.row(), GuardRow::Counter("checkout:c"));
        let mut stored: Option<String> = Some("garbage".into());
        let mut quotas = Vec::new();
        for t in [0, 1, 2, 60_001] {
            let step = hit.answer(stored.as_deref(), NOW + t);
            quotas.push(
                decode_reply::<CountHit>(step.reply.as_bytes())
                    .unwrap()
                    .unwrap(),
            );
            let Some(GuardSave::Counter { json }) = step.save else {
                panic!("{step:?}")
            };
            stored = Some(json);
        }
        let allowed: Vec<bool> = quotas.iter().map(|q| q.allowed).collect();
        assert_eq!(allowed, [true, true, false, true]);
    }

    #[test]
    fn strikes_cross_the_wire() {
        let body = encode_question(StrikeClient {
            client: "203.0.113.7".into(),
        })
        .unwrap();
        assert!(matches!(
            decode_question::<GuardQuestion>(body.as_bytes()).unwrap(),
            GuardQuestion::Strike(StrikeClient { ref client }) if client == "203.0.113.7"
        ));
        let ban: Result<Ban, GuardError> = Ok(Ban { until_ms: Some(9) });
        assert_eq!(
            decode_reply::<StrikeClient>(encode_reply::<StrikeClient>(&ban).as_bytes()),
            Ok(ban)
        );
    }
}
