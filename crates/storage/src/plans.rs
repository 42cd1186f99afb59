//! The objects' multi-row writes as plans: which statements, in which order, with which
//! bindings. The shell runs a plan in one transaction (`sql::apply`); the tests here run it
//! on SQLite and read the rows back.

use crate::{Value, Write, guard, registry, shopper, store_config};

/// StoreConfig: the cached catalog replaced by a finished sync (products and collections as
/// `(handle, JSON)` in catalog order; a repeated handle keeps its first row), its time and
/// whether it was truncated; the last sync error is cleared.
pub fn replace_catalog(
    products: Vec<(String, String)>,
    collections: Vec<(String, String)>,
    truncated: bool,
    now_ms: u64,
) -> Vec<Write> {
    let rows = |sql, items: Vec<(String, String)>| {
        items
            .into_iter()
            .enumerate()
            .map(move |(pos, (handle, json))| {
                Write::new(sql, vec![(pos as u64).into(), handle.into(), json.into()])
            })
    };
    let mut plan = vec![
        Write::new(store_config::DELETE_PRODUCTS, vec![]),
        Write::new(store_config::DELETE_COLLECTIONS, vec![]),
    ];
    plan.extend(rows(store_config::INSERT_PRODUCT, products));
    plan.extend(rows(store_config::INSERT_COLLECTION, collections));
    plan.push(Write::new(
        store_config::SET_SYNCED,
        vec![now_ms.into(), truncated.into()],
    ));
    plan
}

/// StoreConfig: a new theme version in the history and the pointer moved to it (with the
/// published body kept for pages).
pub fn publish_theme(version: u32, record_json: String, body: String) -> Vec<Write> {
    let v = Value::from(u64::from(version));
    vec![
        Write::new(
            store_config::INSERT_THEME_VERSION,
            vec![v.clone(), record_json.into()],
        ),
        Write::new(store_config::SET_PUBLISHED, vec![v, body.into()]),
    ]
}

/// StoreConfig: the theme history replaced by a restore's (`(version, JSON)`, oldest first)
/// and the pointer set to `published` with its body (the draft is left as it is).
pub fn restore_theme(
    versions: Vec<(u32, String)>,
    published: Option<u32>,
    body: Option<String>,
) -> Vec<Write> {
    let mut plan = vec![Write::new(store_config::DELETE_THEME_VERSIONS, vec![])];
    plan.extend(versions.into_iter().map(|(version, json)| {
        let v = Value::from(u64::from(version));
        Write::new(store_config::INSERT_THEME_VERSION, vec![v, json.into()])
    }));
    let published = published.map(u64::from);
    plan.push(Write::new(
        store_config::SET_PUBLISHED,
        vec![published.into(), body.into()],
    ));
    plan
}

/// StoreRegistry: a store's row written and its custom domains replaced by `domains`.
pub fn register_store(
    slug: &str,
    display_name: &str,
    currency: &str,
    updated_at_ms: u64,
    domains: &[String],
) -> Vec<Write> {
    let mut plan = vec![
        Write::new(
            registry::UPSERT_STORE,
            vec![
                slug.into(),
                display_name.into(),
                currency.into(),
                updated_at_ms.into(),
            ],
        ),
        Write::new(registry::DELETE_DOMAINS_OF, vec![slug.into()]),
    ];
    plan.extend(domains.iter().map(|host| {
        Write::new(
            registry::INSERT_DOMAIN,
            vec![host.as_str().into(), slug.into()],
        )
    }));
    plan
}

/// StoreRegistry: each store's latest reported size (`(slug, bytes)`), reported at `now_ms`.
pub fn record_store_sizes(sizes: Vec<(String, u64)>, now_ms: u64) -> Vec<Write> {
    let row = |(slug, used): (String, u64)| {
        Write::new(
            registry::UPSERT_STORE_SIZE,
            vec![slug.into(), used.into(), now_ms.into()],
        )
    };
    sizes.into_iter().map(row).collect()
}

/// StoreRegistry: a store and its domains forgotten.
pub fn forget_store(slug: &str) -> Vec<Write> {
    vec![
        Write::new(registry::DELETE_DOMAINS_OF, vec![slug.into()]),
        Write::new(registry::DELETE_STORE, vec![slug.into()]),
    ]
}

/// ShopperStorefront: the cart replaced whole by `lines` (`(variant id, JSON)`, in order).
pub fn replace_cart(lines: Vec<(String, String)>) -> Vec<Write> {
    let mut plan = vec![Write::new(shopper::DELETE_CART_LINES, vec![])];
    plan.extend(lines.into_iter().enumerate().map(|(i, (variant, json))| {
        Write::new(
            shopper::INSERT_CART_LINE_AT,
            vec![variant.into(), (i as u64 + 1).into(), json.into()],
        )
    }));
    plan
}

/// A cart command's change to the cart's rows (a line as its JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum LineWrite {
    /// Added at the end, or replacing the line with the same variant id in place.
    Upsert {
        variant_id: String,
        json: String,
    },
    Delete {
        variant_id: String,
    },
    DeleteAll,
}

/// A response kept for replay under an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptResponse {
    pub key: String,
    pub json: String,
    pub created_at_ms: u64,
    /// Records created before this are pruned first.
    pub cutoff_ms: u64,
}

/// ShopperStorefront: a cart command's writes, in order: the line change; the event
/// (`(at, JSON)`) and the events past the newest [`shopper::KEPT_EVENTS`] pruned; the
/// expired idempotency records pruned and the response kept under its key.
pub fn cart_command(
    line: Option<LineWrite>,
    event: Option<(u64, String)>,
    kept: Option<KeptResponse>,
) -> Vec<Write> {
    let mut plan: Vec<Write> = line
        .map(|l| match l {
            LineWrite::Upsert { variant_id, json } => Write::new(
                shopper::UPSERT_CART_LINE,
                vec![variant_id.into(), json.into()],
            ),
            LineWrite::Delete { variant_id } => {
                Write::new(shopper::DELETE_CART_LINE, vec![variant_id.into()])
            }
            LineWrite::DeleteAll => Write::new(shopper::DELETE_CART_LINES, vec![]),
        })
        .into_iter()
        .collect();
    if let Some((at_ms, json)) = event {
        plan.push(Write::new(
            shopper::INSERT_EVENT,
            vec![at_ms.into(), json.into()],
        ));
        plan.push(Write::new(
            shopper::PRUNE_EVENTS,
            vec![shopper::KEPT_EVENTS.into()],
        ));
    }
    if let Some(k) = kept {
        plan.push(Write::new(
            shopper::PRUNE_IDEMPOTENCY,
            vec![k.cutoff_ms.into()],
        ));
        plan.push(Write::new(
            shopper::UPSERT_IDEMPOTENCY,
            vec![k.key.into(), k.json.into(), k.created_at_ms.into()],
        ));
    }
    plan
}

/// AbuseGuard: a client's record (JSON) and the end of its ban, if any.
pub fn save_client(client: &str, record_json: String, banned_until_ms: Option<u64>) -> Write {
    Write::new(
        guard::UPSERT_CLIENT,
        vec![client.into(), record_json.into(), banned_until_ms.into()],
    )
}

/// AbuseGuard: a counter (JSON) under its key.
pub fn save_counter(key: &str, counter_json: String) -> Write {
    Write::new(guard::UPSERT_COUNTER, vec![key.into(), counter_json.into()])
}

/// StoreConfig: the personalization row's columns a question changed (`None`: left as it
/// is), each its JSON.
pub fn personalization(
    settings: Option<String>,
    budget: Option<String>,
    counters: Option<String>,
    breakers: Option<String>,
) -> Vec<Write> {
    [
        (store_config::SET_PERSONALIZATION_SETTINGS, settings),
        (store_config::SET_PERSONALIZATION_BUDGET, budget),
        (store_config::SET_PERSONALIZATION_COUNTERS, counters),
        (store_config::SET_PERSONALIZATION_BREAKERS, breakers),
    ]
    .into_iter()
    .filter_map(|(sql, json)| json.map(|j| Write::new(sql, vec![j.into()])))
    .collect()
}

/// StoreConfig: an asset listed under its name (replacing what the name pointed at).
pub fn record_asset(name: &str, file: &str, json: String) -> Write {
    Write::new(
        store_config::UPSERT_ASSET,
        vec![name.into(), file.into(), json.into()],
    )
}

/// StoreConfig: an asset's name forgotten.
pub fn delete_asset(name: &str) -> Write {
    Write::new(store_config::DELETE_ASSET, vec![name.into()])
}

/// StoreConfig: the draft theme's stored body and its meta.
pub fn set_draft(body: String, meta_json: String) -> Write {
    Write::new(store_config::SET_DRAFT, vec![body.into(), meta_json.into()])
}

/// StoreConfig: why the last sync failed, and when.
pub fn sync_error(message: &str, now_ms: u64) -> Write {
    Write::new(
        store_config::SET_SYNC_ERROR,
        vec![message.into(), now_ms.into()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb;
    use rusqlite::Connection;

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    fn count(db: &Connection, table: &str) -> i64 {
        db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_catalog_replaces_the_last_one_in_order_and_clears_the_error() {
        let mut db = testdb::migrated(store_config::MIGRATIONS);
        let first = replace_catalog(vec![pair("old", "{}")], vec![pair("c-old", "{}")], true, 5);
        testdb::apply(&mut db, &first);
        testdb::apply(
            &mut db,
            &[Write::new(
                store_config::SET_SYNC_ERROR,
                vec!["down".into(), 6_u64.into()],
            )],
        );
        let products = vec![
            pair("b", "{\"n\":1}"),
            pair("a", "{\"n\":2}"),
            pair("b", "{\"n\":3}"),
        ];
        testdb::apply(&mut db, &replace_catalog(products, vec![], false, 9));
        assert_eq!(
            testdb::texts(&db, store_config::SELECT_PRODUCTS),
            vec!["{\"n\":1}", "{\"n\":2}"],
            "catalog order; a repeated handle keeps its first row"
        );
        assert_eq!(count(&db, "collections"), 0);
        let (synced, truncated, error): (i64, i64, Option<String>) = db
            .query_row(store_config::SELECT_CATALOG_META, [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((synced, truncated, error), (9, 0, None));
    }

    #[test]
    fn an_empty_catalog_still_records_the_sync() {
        let plan = replace_catalog(vec![], vec![], false, 1);
        assert_eq!(plan.len(), 3);
        assert_eq!(plan[2].sql, store_config::SET_SYNCED);
    }

    #[test]
    fn a_published_theme_is_in_the_history_and_the_pointer() {
        let mut db = testdb::migrated(store_config::MIGRATIONS);
        testdb::apply(
            &mut db,
            &publish_theme(1, "{\"v\":1}".into(), "body1".into()),
        );
        testdb::apply(
            &mut db,
            &publish_theme(2, "{\"v\":2}".into(), "body2".into()),
        );
        assert_eq!(
            testdb::texts(&db, store_config::SELECT_THEME_VERSIONS),
            vec!["{\"v\":2}", "{\"v\":1}"]
        );
        let (v, body): (i64, String) = db
            .query_row(store_config::SELECT_THEME_STATE, [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((v, body.as_str()), (2, "body2"));
    }

    #[test]
    fn a_restored_theme_replaces_the_history_and_the_pointer() {
        let mut db = testdb::migrated(store_config::MIGRATIONS);
        testdb::apply(&mut db, &publish_theme(5, "{\"v\":5}".into(), "b5".into()));
        let restored = vec![(1, "{\"v\":1}".to_owned()), (2, "{\"v\":2}".to_owned())];
        testdb::apply(
            &mut db,
            &restore_theme(restored, Some(2), Some("b2".into())),
        );
        assert_eq!(
            testdb::texts(&db, store_config::SELECT_THEME_VERSIONS),
            vec!["{\"v\":2}", "{\"v\":1}"]
        );
        let state = |db: &rusqlite::Connection| -> (Option<i64>, Option<String>) {
            db.query_row(store_config::SELECT_THEME_STATE, [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
        };
        assert_eq!(state(&db), (Some(2), Some("b2".into())));
        // A backup of a store that never published: no history, no pointer.
        testdb::apply(&mut db, &restore_theme(vec![], None, None));
        assert!(testdb::texts(&db, store_config::SELECT_THEME_VERSIONS).is_empty());
        assert_eq!(state(&db), (None, None));
    }

    #[test]
    fn a_version_is_written_once() {
        let mut db = testdb::migrated(store_config::MIGRATIONS);
        testdb::apply(&mut db, &publish_theme(1, "{}".into(), "a".into()));
        let tx = db.transaction().unwrap();
        let again = &publish_theme(1, "{}".into(), "b".into())[0];
        assert!(tx.execute(again.sql, rusqlite::params![1, "{}"]).is_err());
    }

    #[test]
    fn a_registration_replaces_the_stores_domains_and_forgetting_removes_all() {
        let mut db = testdb::migrated(registry::MIGRATIONS);
        let domains = vec!["a.example".to_owned(), "b.example".to_owned()];
        testdb::apply(&mut db, &register_store("s", "S", "EUR", 1, &domains));
        testdb::apply(&mut db, &register_store("s", "S2", "USD", 2, &domains[1..]));
        assert_eq!(
            testdb::texts(&db, "SELECT host FROM domains"),
            vec!["b.example"]
        );
        assert_eq!(
            testdb::texts(&db, "SELECT display_name || currency FROM stores"),
            vec!["S2USD"]
        );
        testdb::apply(&mut db, &register_store("t", "T", "EUR", 1, &[]));
        testdb::apply(&mut db, &forget_store("s"));
        assert_eq!(count(&db, "domains"), 0);
        assert_eq!(testdb::texts(&db, "SELECT slug FROM stores"), vec!["t"]);
        // Forgetting an unknown store writes nothing and fails nothing.
        testdb::apply(&mut db, &forget_store("nobody"));
        assert_eq!(count(&db, "stores"), 1);
    }

    #[test]
    fn a_store_size_is_replaced_by_its_next_report() {
        let mut db = testdb::migrated(registry::MIGRATIONS);
        let sizes = |a: u64, b: u64| vec![("a".to_owned(), a), ("b".to_owned(), b)];
        testdb::apply(&mut db, &record_store_sizes(sizes(10, 20), 5));
        testdb::apply(&mut db, &record_store_sizes(sizes(30, 20), 6));
        let rows: Vec<(String, i64, i64)> = testdb::all(
            &db,
            "SELECT slug, used_bytes, reported_ms FROM store_sizes ORDER BY slug",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        );
        assert_eq!(rows, [("a".into(), 30, 6), ("b".into(), 20, 6)]);
        assert!(record_store_sizes(vec![], 7).is_empty());
    }

    #[test]
    fn a_domain_of_another_store_is_refused_by_the_primary_key() {
        let mut db = testdb::migrated(registry::MIGRATIONS);
        testdb::apply(
            &mut db,
            &register_store("a", "A", "EUR", 1, &["x.example".into()]),
        );
        let plan = register_store("b", "B", "EUR", 1, &["x.example".into()]);
        let tx = db.transaction().unwrap();
        tx.execute(plan[0].sql, rusqlite::params!["b", "B", "EUR", 1])
            .unwrap();
        assert!(
            tx.execute(plan[2].sql, rusqlite::params!["x.example", "b"])
                .is_err()
        );
    }

    #[test]
    fn a_replaced_cart_has_exactly_the_new_lines_in_order() {
        let mut db = testdb::migrated(shopper::MIGRATIONS);
        testdb::apply(
            &mut db,
            &replace_cart(vec![pair("v1", "1"), pair("v2", "2")]),
        );
        testdb::apply(
            &mut db,
            &replace_cart(vec![pair("v3", "3"), pair("v1", "4")]),
        );
        assert_eq!(
            testdb::texts(&db, shopper::SELECT_CART_LINES),
            vec!["3", "4"]
        );
        testdb::apply(&mut db, &replace_cart(vec![]));
        assert_eq!(count(&db, "cart_lines"), 0);
    }

    #[test]
    fn a_client_and_a_counter_are_saved_and_replaced() {
        let mut db = testdb::migrated(guard::MIGRATIONS);
        testdb::apply(&mut db, &[save_client("c", "{}".into(), Some(9))]);
        testdb::apply(&mut db, &[save_client("c", "{\"s\":1}".into(), None)]);
        let (json, until): (String, Option<i64>) = db
            .query_row("SELECT json, banned_until_ms FROM clients", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((json.as_str(), until), ("{\"s\":1}", None));
        testdb::apply(
            &mut db,
            &[save_counter("k", "1".into()), save_counter("k", "2".into())],
        );
        assert_eq!(testdb::texts(&db, "SELECT json FROM counters"), vec!["2"]);
    }

    #[test]
    fn a_cart_command_writes_its_line_event_and_kept_response() {
        let mut db = testdb::migrated(shopper::MIGRATIONS);
        let upsert = |v: &str, json: &str| LineWrite::Upsert {
            variant_id: v.into(),
            json: json.into(),
        };
        testdb::apply(&mut db, &cart_command(Some(upsert("a", "1")), None, None));
        testdb::apply(&mut db, &cart_command(Some(upsert("b", "2")), None, None));
        // An upsert of a known line keeps its place.
        testdb::apply(&mut db, &cart_command(Some(upsert("a", "3")), None, None));
        assert_eq!(
            testdb::texts(&db, shopper::SELECT_CART_LINES),
            vec!["3", "2"]
        );
        let kept = |key: &str, at: u64, cutoff: u64| KeptResponse {
            key: key.into(),
            json: format!("{key}@{at}"),
            created_at_ms: at,
            cutoff_ms: cutoff,
        };
        testdb::apply(
            &mut db,
            &cart_command(
                Some(LineWrite::Delete {
                    variant_id: "a".into(),
                }),
                Some((5, "e1".into())),
                Some(kept("old", 1, 0)),
            ),
        );
        assert_eq!(testdb::texts(&db, shopper::SELECT_CART_LINES), vec!["2"]);
        assert_eq!(testdb::texts(&db, "SELECT json FROM events"), vec!["e1"]);
        // A later record prunes the expired one.
        testdb::apply(&mut db, &cart_command(None, None, Some(kept("new", 10, 5))));
        assert_eq!(
            testdb::texts(&db, "SELECT json FROM idempotency"),
            vec!["new@10"]
        );
        testdb::apply(
            &mut db,
            &cart_command(Some(LineWrite::DeleteAll), None, None),
        );
        assert_eq!(count(&db, "cart_lines"), 0);
        assert!(cart_command(None, None, None).is_empty());
    }

    #[test]
    fn a_cart_command_keeps_only_the_newest_events() {
        let mut db = testdb::migrated(shopper::MIGRATIONS);
        for at in 0..shopper::KEPT_EVENTS + 3 {
            testdb::apply(
                &mut db,
                &cart_command(None, Some((at, at.to_string())), None),
            );
        }
        assert_eq!(count(&db, "events") as u64, shopper::KEPT_EVENTS);
        let oldest = testdb::texts(&db, "SELECT json FROM events ORDER BY id LIMIT 1");
        assert_eq!(oldest, vec!["3"]);
    }

    #[test]
    fn a_personalization_write_touches_only_the_columns_it_names() {
        let mut db = testdb::migrated(store_config::MIGRATIONS);
        let all = || Some("1".to_owned());
        testdb::apply(&mut db, &personalization(all(), all(), all(), all()));
        let only_budget = personalization(None, Some("2".into()), None, None);
        assert_eq!(only_budget.len(), 1);
        testdb::apply(&mut db, &only_budget);
        assert!(personalization(None, None, None, None).is_empty());
        let row: (String, String, String, String) = db
            .query_row(
                "SELECT settings, budget, counters, breakers FROM personalization",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(row, ("1".into(), "2".into(), "1".into(), "1".into()));
    }

    #[test]
    fn assets_the_draft_and_the_sync_error_are_single_row_writes() {
        let mut db = testdb::migrated(store_config::MIGRATIONS);
        testdb::apply(
            &mut db,
            &[
                record_asset("logo", "f1", "{\"v\":1}".into()),
                record_asset("logo", "f2", "{\"v\":2}".into()),
                record_asset("banner", "f3", "{\"v\":3}".into()),
                delete_asset("banner"),
                delete_asset("missing"),
                set_draft("body".into(), "meta".into()),
                sync_error("upstream down", 7),
            ],
        );
        assert_eq!(
            testdb::texts(&db, store_config::SELECT_ASSETS),
            vec!["{\"v\":2}"]
        );
        let draft: (String, String) = db
            .query_row("SELECT draft, draft_meta FROM theme_state", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(draft, ("body".into(), "meta".into()));
        let error: (String, i64) = db
            .query_row(
                "SELECT last_error, last_error_at_ms FROM catalog_meta",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(error, ("upstream down".into(), 7));
    }
}
