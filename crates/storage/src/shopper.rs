//! ShopperStorefront's SQLite: the cart, idempotency records, events, counters and the
//! personalization state.

use crate::Migration;

pub const MIGRATIONS: &[Migration] = &[
    &["CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"],
    // v2: the cart, idempotency keys of JSON writes, and events for personalization.
    &[
        "CREATE TABLE cart_lines (
            variant_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            json TEXT NOT NULL
        )",
        "CREATE TABLE idempotency (
            key TEXT PRIMARY KEY,
            json TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL
        )",
        "CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ms INTEGER NOT NULL,
            json TEXT NOT NULL
        )",
    ],
    // v3: personalization: the stored model suggestion, the opt-out, the last refresh and
    // the last recommendation followed (JSON values by key).
    &["CREATE TABLE ai_state (key TEXT PRIMARY KEY, json TEXT NOT NULL)"],
];

/// The cart's lines (JSON) in display order. Binds nothing; reads [`crate::JsonRow`].
pub const SELECT_CART_LINES: &str = "SELECT json FROM cart_lines ORDER BY position";

/// Adds a line at the end of the cart, or replaces an existing line's JSON keeping its
/// position. Binds the variant id and the line's JSON.
pub const UPSERT_CART_LINE: &str = "INSERT INTO cart_lines (variant_id, position, json)
     VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_lines), ?)
     ON CONFLICT (variant_id) DO UPDATE SET json = excluded.json";

/// Writes a line at a given position (the cart is being replaced whole). Binds the variant
/// id, the position and the line's JSON.
pub const INSERT_CART_LINE_AT: &str =
    "INSERT INTO cart_lines (variant_id, position, json) VALUES (?, ?, ?)";

/// Removes one line. Binds the variant id.
pub const DELETE_CART_LINE: &str = "DELETE FROM cart_lines WHERE variant_id = ?";

/// Empties the cart. Binds nothing.
pub const DELETE_CART_LINES: &str = "DELETE FROM cart_lines";

/// Records an event. Binds its time (ms) and its JSON.
pub const INSERT_EVENT: &str = "INSERT INTO events (at_ms, json) VALUES (?, ?)";

/// How many events a shopper keeps (the newest), bound into [`PRUNE_EVENTS`].
pub const KEPT_EVENTS: u64 = 500;

/// Keeps only the newest N events. Binds N.
pub const PRUNE_EVENTS: &str = "DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?";

/// The newest N events, newest first. Binds N; reads [`EventRow`].
pub const SELECT_NEWEST_EVENTS: &str = "SELECT json, at_ms FROM events ORDER BY id DESC LIMIT ?";

/// The idempotency record of a key. Binds the key; reads [`crate::JsonRow`].
pub const SELECT_IDEMPOTENCY: &str = "SELECT json FROM idempotency WHERE key = ?";

/// Deletes idempotency records created before a cutoff. Binds the cutoff (ms).
pub const PRUNE_IDEMPOTENCY: &str = "DELETE FROM idempotency WHERE created_at_ms < ?";

/// Writes (or replaces) a key's idempotency record. Binds the key, the record's JSON and
/// its creation time (ms).
pub const UPSERT_IDEMPOTENCY: &str =
    "INSERT INTO idempotency (key, json, created_at_ms) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET json = excluded.json, created_at_ms = excluded.created_at_ms";

/// A personalization value by key. Binds the key; reads [`crate::Lenient`].
pub const SELECT_AI_STATE: &str = "SELECT json FROM ai_state WHERE key = ?";

/// Three personalization values by key (the home page block's state, one statement), in
/// no particular order; an absent key has no row. Binds the three keys; reads
/// [`KeyedJsonRow`].
pub const SELECT_THREE_AI_STATES: &str = "SELECT key, json FROM ai_state WHERE key IN (?, ?, ?)";

/// Writes (or replaces) a personalization value. Binds the key and the JSON.
pub const UPSERT_AI_STATE: &str = "INSERT INTO ai_state (key, json) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET json = excluded.json";

/// The write of a personalization value: `key` holds `json` (the value as JSON text).
pub fn state_write(key: &str, json: String) -> crate::Write {
    crate::Write::new(UPSERT_AI_STATE, vec![key.into(), json.into()])
}

/// The deletion of a personalization value.
pub fn state_delete(key: &str) -> crate::Write {
    crate::Write::new(DELETE_AI_STATE, vec![key.into()])
}

/// Deletes a personalization value. Binds the key.
pub const DELETE_AI_STATE: &str = "DELETE FROM ai_state WHERE key = ?";

/// The last activity written down (ms). Binds nothing; reads [`crate::ValueRow`].
pub const SELECT_LAST_ACTIVITY: &str = "SELECT value FROM counters WHERE name = 'last_activity'";

/// Writes the last activity. Binds the time (ms).
pub const SET_LAST_ACTIVITY: &str = "INSERT INTO counters (name, value) VALUES ('last_activity', ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value";

/// The write of the last activity at `ms`.
pub fn activity_write(ms: u64) -> crate::Write {
    crate::Write::new(SET_LAST_ACTIVITY, vec![ms.into()])
}

/// What the alarm decides on: the last activity written down (ms, NULL: never) and whether
/// the cart has lines (0 or 1). Binds nothing; reads [`RetentionRow`].
pub const SELECT_RETENTION_FACTS: &str = "SELECT
     (SELECT value FROM counters WHERE name = 'last_activity') AS last_activity_ms,
     EXISTS (SELECT 1 FROM cart_lines) AS has_cart";

/// Counts a home page view and answers the count: a first write starts at the bound value
/// (1, or 2 when the cookie's hint says an unwritten first view came before), later ones add
/// one. Binds the first value; reads [`crate::ValueRow`].
pub const COUNT_PAGE_VIEW: &str = "INSERT INTO counters (name, value) VALUES ('page_views', ?)
     ON CONFLICT (name) DO UPDATE SET value = value + 1
     RETURNING value";

/// Stores the home views the shopper's cookie carried (`core::home_hint`): the counter becomes
/// at least the bound count, so a replayed cookie counts nothing twice. Binds the count.
pub const STORE_PAGE_VIEWS_AT_LEAST: &str =
    "INSERT INTO counters (name, value) VALUES ('page_views', ?)
     ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)";

/// The row of [`SELECT_RETENTION_FACTS`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct RetentionRow {
    pub last_activity_ms: Option<u64>,
    pub has_cart: u8,
}

/// A row of [`SELECT_THREE_AI_STATES`].
#[derive(Debug, serde::Deserialize)]
pub struct KeyedJsonRow {
    pub key: String,
    pub json: String,
}

/// A row of [`SELECT_NEWEST_EVENTS`]: the event (unreadable JSON: `None`) and its time.
#[derive(Debug, serde::Deserialize)]
#[serde(bound = "T: serde::de::DeserializeOwned")]
pub struct EventRow<T> {
    #[serde(deserialize_with = "crate::write::parse_text_or_none")]
    pub json: Option<T>,
    pub at_ms: u64,
}

/// Rows of [`SELECT_NEWEST_EVENTS`] (newest first) as `(event, time)` oldest first; an
/// unreadable event is left out.
pub fn oldest_first<T>(rows: Vec<EventRow<T>>) -> Vec<(T, u64)> {
    (rows.into_iter().rev())
        .filter_map(|r| r.json.map(|e| (e, r.at_ms)))
        .collect()
}

/// Every statement above (the tests prepare each one).
#[cfg(test)]
pub(crate) const STATEMENTS: &[&str] = &[
    SELECT_CART_LINES,
    UPSERT_CART_LINE,
    INSERT_CART_LINE_AT,
    DELETE_CART_LINE,
    DELETE_CART_LINES,
    INSERT_EVENT,
    PRUNE_EVENTS,
    SELECT_NEWEST_EVENTS,
    SELECT_IDEMPOTENCY,
    PRUNE_IDEMPOTENCY,
    UPSERT_IDEMPOTENCY,
    SELECT_AI_STATE,
    SELECT_THREE_AI_STATES,
    UPSERT_AI_STATE,
    DELETE_AI_STATE,
    SELECT_LAST_ACTIVITY,
    SET_LAST_ACTIVITY,
    SELECT_RETENTION_FACTS,
    COUNT_PAGE_VIEW,
    STORE_PAGE_VIEWS_AT_LEAST,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb;
    use rusqlite::{Connection, params};

    fn lines(db: &Connection) -> Vec<String> {
        testdb::texts(db, SELECT_CART_LINES)
    }

    #[test]
    fn the_cart_upsert_keeps_a_lines_position_and_replaces_its_json() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_CART_LINE, params!["a", "a1"]).unwrap();
        db.execute(UPSERT_CART_LINE, params!["b", "b1"]).unwrap();
        db.execute(UPSERT_CART_LINE, params!["a", "a2"]).unwrap();
        assert_eq!(lines(&db), ["a2", "b1"]);
        db.execute(DELETE_CART_LINE, params!["a"]).unwrap();
        db.execute(UPSERT_CART_LINE, params!["a", "a3"]).unwrap();
        assert_eq!(lines(&db), ["b1", "a3"], "a line added again goes last");
        db.execute(DELETE_CART_LINE, params!["missing"]).unwrap();
        db.execute(DELETE_CART_LINES, []).unwrap();
        assert!(lines(&db).is_empty());
        db.execute(UPSERT_CART_LINE, params!["c", "c1"]).unwrap();
        assert_eq!(lines(&db), ["c1"]);
    }

    #[test]
    fn a_replaced_cart_keeps_the_given_order() {
        let db = testdb::migrated(MIGRATIONS);
        for (i, v) in ["z", "y", "x"].iter().enumerate() {
            db.execute(INSERT_CART_LINE_AT, params![v, i as i64 + 1, v])
                .unwrap();
        }
        assert_eq!(lines(&db), ["z", "y", "x"]);
        assert!(
            db.execute(INSERT_CART_LINE_AT, params!["z", 9, "again"])
                .is_err(),
            "a variant is one line"
        );
    }

    #[test]
    fn the_events_prune_keeps_the_newest_n() {
        let db = testdb::migrated(MIGRATIONS);
        for i in 0..10 {
            db.execute(INSERT_EVENT, params![i * 100, format!("e{i}")])
                .unwrap();
            db.execute(PRUNE_EVENTS, params![3]).unwrap();
        }
        let got: Vec<(String, i64)> = testdb::all(&db, SELECT_NEWEST_EVENTS, params![100], |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
        assert_eq!(
            got,
            [("e9".into(), 900), ("e8".into(), 800), ("e7".into(), 700)]
        );
        let two = testdb::all(&db, SELECT_NEWEST_EVENTS, params![2], |_| Ok(())).len();
        assert_eq!(two, 2);
    }

    #[test]
    fn a_busy_shopper_keeps_the_newest_kept_events() {
        let db = testdb::migrated(MIGRATIONS);
        let kept = i64::try_from(KEPT_EVENTS).unwrap();
        for i in 0..kept + 20 {
            db.execute(INSERT_EVENT, params![i, "e"]).unwrap();
            db.execute(PRUNE_EVENTS, params![kept]).unwrap();
        }
        let times: Vec<i64> =
            testdb::all(&db, SELECT_NEWEST_EVENTS, params![kept + 50], |r| r.get(1));
        assert_eq!(times.len(), KEPT_EVENTS as usize);
        assert_eq!(times.first(), Some(&(kept + 19)));
        assert_eq!(times.last(), Some(&20));
    }

    #[test]
    fn pruning_an_empty_event_table_is_harmless() {
        let db = testdb::migrated(MIGRATIONS);
        assert_eq!(db.execute(PRUNE_EVENTS, params![500]).unwrap(), 0);
    }

    #[test]
    fn idempotency_records_older_than_the_cutoff_are_deleted() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_IDEMPOTENCY, params!["old", "o", 100])
            .unwrap();
        db.execute(UPSERT_IDEMPOTENCY, params!["edge", "e", 200])
            .unwrap();
        db.execute(UPSERT_IDEMPOTENCY, params!["new", "n1", 300])
            .unwrap();
        db.execute(UPSERT_IDEMPOTENCY, params!["new", "n2", 400])
            .unwrap();
        assert_eq!(db.execute(PRUNE_IDEMPOTENCY, params![200]).unwrap(), 1);
        let get = |key: &str| -> Option<String> {
            db.query_row(SELECT_IDEMPOTENCY, params![key], |r| r.get(0))
                .ok()
        };
        assert_eq!(get("old"), None);
        assert_eq!(get("edge").as_deref(), Some("e"));
        assert_eq!(get("new").as_deref(), Some("n2"));
        let created: i64 = db
            .query_row(
                "SELECT created_at_ms FROM idempotency WHERE key = 'new'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(created, 400, "a replaced record takes the new time");
    }

    #[test]
    fn a_state_value_is_written_replaced_and_deleted_by_key() {
        let mut db = testdb::migrated(MIGRATIONS);
        let get = |db: &Connection, key: &str| -> Option<String> {
            db.query_row(SELECT_AI_STATE, params![key], |r| r.get(0))
                .ok()
        };
        testdb::apply(&mut db, &[state_write("k", "1".into())]);
        testdb::apply(&mut db, &[state_write("other", "\"x\"".into())]);
        testdb::apply(&mut db, &[state_write("k", "[2]".into())]);
        assert_eq!(get(&db, "k").as_deref(), Some("[2]"), "replaced");
        testdb::apply(&mut db, &[state_delete("k"), state_delete("missing")]);
        assert_eq!(get(&db, "k"), None);
        assert_eq!(get(&db, "other").as_deref(), Some("\"x\""), "only its key");
    }

    #[test]
    fn the_page_view_counter_counts_from_the_hint() {
        let count = |db: &Connection, first: i64| -> i64 {
            db.query_row(COUNT_PAGE_VIEW, params![first], |r| r.get(0))
                .unwrap()
        };
        let db = testdb::migrated(MIGRATIONS);
        assert_eq!(count(&db, 1), 1);
        assert_eq!(count(&db, 1), 2);
        assert_eq!(count(&db, 2), 3, "the hint only counts on the first write");
        let hinted = testdb::migrated(MIGRATIONS);
        assert_eq!(count(&hinted, 2), 2);
        assert_eq!(count(&hinted, 1), 3);
    }

    #[test]
    fn pending_home_views_raise_the_counter_and_a_replay_counts_nothing() {
        let count = |db: &Connection| -> i64 {
            db.query_row(COUNT_PAGE_VIEW, params![1], |r| r.get(0))
                .unwrap()
        };
        let store = |db: &Connection, at_least: i64| {
            db.execute(STORE_PAGE_VIEWS_AT_LEAST, params![at_least])
                .unwrap()
        };
        let db = testdb::migrated(MIGRATIONS);
        store(&db, 5);
        assert_eq!(count(&db), 6, "a first store starts the counter");
        store(&db, 9);
        store(&db, 9);
        assert_eq!(count(&db), 10, "the replay changed nothing");
        store(&db, 3);
        assert_eq!(count(&db), 11, "an older count never lowers it");
    }

    #[test]
    fn last_activity_is_one_counter_that_moves() {
        let db = testdb::migrated(MIGRATIONS);
        let get = |db: &Connection| -> Option<i64> {
            db.query_row(SELECT_LAST_ACTIVITY, [], |r| r.get(0)).ok()
        };
        assert_eq!(get(&db), None);
        db.execute(SET_LAST_ACTIVITY, params![5]).unwrap();
        db.execute(SET_LAST_ACTIVITY, params![9]).unwrap();
        assert_eq!(get(&db), Some(9));
        db.query_row(COUNT_PAGE_VIEW, params![1], |_| Ok(()))
            .unwrap();
        assert_eq!(get(&db), Some(9), "page views are another counter");
        let mut db = db;
        testdb::apply(&mut db, &[activity_write(12), activity_write(u64::MAX)]);
        assert_eq!(get(&db), Some(i64::MAX), "past i64::MAX: i64::MAX");
    }

    #[test]
    fn the_retention_facts_are_one_row_that_follows_the_activity_and_the_lines() {
        let db = testdb::migrated(MIGRATIONS);
        let facts = |db: &Connection| -> (Option<i64>, i64) {
            let read = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
            db.query_row(SELECT_RETENTION_FACTS, [], read).unwrap()
        };
        assert_eq!(
            facts(&db),
            (None, 0),
            "a new object: no activity, no cart, one row"
        );
        db.execute(UPSERT_CART_LINE, params!["v1", "{}"]).unwrap();
        db.execute(UPSERT_CART_LINE, params!["v2", "{}"]).unwrap();
        db.execute(SET_LAST_ACTIVITY, params![7]).unwrap();
        assert_eq!(facts(&db), (Some(7), 1));
        db.execute(DELETE_CART_LINES, []).unwrap();
        assert_eq!(facts(&db), (Some(7), 0));
        let row: RetentionRow =
            serde_json::from_value(serde_json::json!({"last_activity_ms": null, "has_cart": 1}))
                .unwrap();
        assert_eq!((row.last_activity_ms, row.has_cart), (None, 1));
    }

    #[test]
    fn ai_state_values_are_replaced_and_deleted_by_key() {
        let db = testdb::migrated(MIGRATIONS);
        let get = |key: &str| -> Option<String> {
            db.query_row(SELECT_AI_STATE, params![key], |r| r.get(0))
                .ok()
        };
        db.execute(UPSERT_AI_STATE, params!["k", "1"]).unwrap();
        db.execute(UPSERT_AI_STATE, params!["k", "2"]).unwrap();
        db.execute(UPSERT_AI_STATE, params!["other", "x"]).unwrap();
        assert_eq!(get("k").as_deref(), Some("2"));
        db.execute(DELETE_AI_STATE, params!["k"]).unwrap();
        assert_eq!(get("k"), None);
        assert_eq!(get("other").as_deref(), Some("x"));
    }

    #[test]
    fn the_three_ai_states_read_only_the_keys_asked_for() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_AI_STATE, params!["a", "1"]).unwrap();
        db.execute(UPSERT_AI_STATE, params!["c", "3"]).unwrap();
        db.execute(UPSERT_AI_STATE, params!["other", "x"]).unwrap();
        let mut got: Vec<(String, String)> =
            testdb::all(&db, SELECT_THREE_AI_STATES, params!["a", "b", "c"], |r| {
                Ok((r.get(0)?, r.get(1)?))
            });
        got.sort();
        assert_eq!(got, [("a".into(), "1".into()), ("c".into(), "3".into())]);
    }

    #[test]
    fn the_newest_events_read_oldest_first_without_unreadable_ones() {
        let db = testdb::migrated(MIGRATIONS);
        for (at, json) in [(1, "\"a\""), (2, "{broken"), (3, "\"c\""), (4, "\"d\"")] {
            db.execute(INSERT_EVENT, params![at, json]).unwrap();
        }
        let rows: Vec<EventRow<String>> = testdb::all(&db, SELECT_NEWEST_EVENTS, params![3], |r| {
            let json: String = r.get(0)?;
            Ok(EventRow {
                json: serde_json::from_str(&json).ok(),
                at_ms: r.get(1)?,
            })
        });
        assert_eq!(
            oldest_first(rows),
            vec![("c".to_owned(), 3), ("d".to_owned(), 4)]
        );
        assert!(oldest_first(Vec::<EventRow<String>>::new()).is_empty());
    }
}
