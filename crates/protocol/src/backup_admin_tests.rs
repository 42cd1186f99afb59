use super::*;
use wandstore_backup::BackupReason;
use wandstore_backup::keys::manifest_key;
use wandstore_backup::manifest::Counts;

const T0: u64 = 1_795_903_200_000;

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

fn edge(e: RequestError) -> (u16, String) {
    let e = EdgeError::from(e);
    (e.status, e.code)
}

fn started(store: &str, used_bytes: u64, skipped: Option<&str>) -> BackupStarted {
    BackupStarted {
        store: slug(store),
        backup: None,
        done: false,
        skipped: skipped.map(str::to_owned),
        used_bytes,
    }
}

/// A content type, a body, and the status and code it gets.
type Case<'a> = (Option<&'a str>, &'a [u8], (u16, &'a str));

#[test]
fn the_start_body_is_empty_or_names_one_store() {
    let json = Some("application/json");
    assert_eq!(backup_target(None, b""), Ok(None));
    assert_eq!(
        backup_target(Some("text/plain"), b" \n\t"),
        Ok(None),
        "blank"
    );
    assert_eq!(backup_target(json, br#"{}"#), Ok(None));
    assert_eq!(
        backup_target(json, br#"{"store":"outlet"}"#),
        Ok(Some(slug("outlet")))
    );
    let cases: [Case; 5] = [
        (
            None,
            br#"{"store":"outlet"}"#,
            (415, "unsupported_media_type"),
        ),
        (json, br#"{"store":"Not A Slug"}"#, (404, "store_not_found")),
        (json, br#"{"store":"outlet","x":1}"#, (400, "invalid_json")),
        (json, br#"{"store":7}"#, (400, "invalid_json")),
        (json, b"\xff\xfe", (400, "invalid_json")),
    ];
    for (ct, body, (status, code)) in cases {
        let e = backup_target(ct, body).map(|_| ()).map_err(edge);
        let got = e.as_ref().map_err(|(s, c)| (*s, c.as_str()));
        assert_eq!(
            got,
            Err((status, code)),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
    let long = format!(r#"{{"store":"{}"}}"#, "a".repeat(5000));
    assert_eq!(
        backup_target(json, long.as_bytes())
            .map_err(edge)
            .map(|_| ()),
        Err((404, "store_not_found".into()))
    );
}

#[test]
fn the_restore_body_names_a_backup_id() {
    let id = BackupId::new(T0, [7; 8]).unwrap();
    let body = format!(r#"{{"backup":"{id}"}}"#);
    assert_eq!(restore_target(body.as_bytes()), Ok(id));
    for (body, code) in [
        (r#"{"backup":"nope"}"#, "invalid_backup_id"),
        (r#"{"backup":""}"#, "invalid_backup_id"),
        (r#"{"backup":7}"#, "invalid_json"),
        (r#"{}"#, "invalid_json"),
        (r#"{"backup":"x","more":1}"#, "invalid_json"),
        ("", "invalid_json"),
    ] {
        let got = restore_target(body.as_bytes()).map_err(edge);
        assert_eq!(got, Err((400, code.to_owned())), "{body}");
    }
}

#[test]
fn the_listing_query_takes_only_a_store() {
    let none: [(&str, &str); 0] = [];
    assert_eq!(listing_prefix(none), Ok(ALL_MANIFESTS_PREFIX.to_owned()));
    assert_eq!(
        listing_prefix([("store", "outlet")]),
        Ok(manifest_prefix(&slug("outlet")))
    );
    assert_eq!(
        listing_prefix([("store", "../etc")]).map_err(edge),
        Err((404, "store_not_found".into()))
    );
    assert_eq!(
        listing_prefix([("store", "outlet"), ("limit", "5")]).map_err(edge),
        Err((400, "unknown_parameter".into()))
    );
}

#[test]
fn a_listing_keeps_manifests_with_summaries_newest_first_and_stops_when_full() {
    let summary = |n: u8| ManifestSummary {
        backup_id: BackupId::new(T0 + u64::from(n) * 1000, [n; 8]).unwrap(),
        store: slug("outlet"),
        reason: BackupReason::Manual,
        created_ms: T0,
        completed_ms: T0,
        schema_version: 1,
        counts: Counts::default(),
    };
    let mut listing = Listing::default();
    for n in [1, 3, 2] {
        let s = summary(n);
        let key = manifest_key(&s.store, &s.backup_id);
        listing.add(&key, Some(&s.to_metadata()));
    }
    let s = summary(4);
    listing.add("stores/outlet/data.ndjson", Some(&s.to_metadata()));
    listing.add(&manifest_key(&s.store, &s.backup_id), None);
    listing.add(&manifest_key(&s.store, &s.backup_id), Some("garbage"));
    assert!(!listing.is_full(true));
    let listing = listing.finish();
    let order: Vec<BackupId> = listing
        .backups
        .iter()
        .map(|b| b.backup_id.clone())
        .collect();
    assert_eq!(
        order,
        vec![
            summary(3).backup_id,
            summary(2).backup_id,
            summary(1).backup_id
        ]
    );
    assert!(!listing.truncated);
    let mut full = Listing {
        backups: vec![summary(1); LIST_MAX],
        truncated: false,
    };
    assert!(full.is_full(true));
    assert!(full.truncated, "more pages were left");
    assert!(full.is_full(false));
    assert!(!full.truncated, "exactly the last page");
}

#[test]
fn answers_add_up_to_the_route_the_cron_and_the_sizes() {
    let gone = EdgeError::no_store("gone");
    let down = EdgeError::internal("boom");
    let answers: Answers = vec![
        (slug("alpha"), Ok(started("alpha", 100, None))),
        (slug("bravo"), Ok(started("bravo", 0, Some("not_due")))),
        (slug("charlie"), Err(down.clone())),
    ];
    let out = Started::collect(answers.clone(), false).unwrap();
    assert_eq!(out.backups.len(), 2);
    assert_eq!(out.failed[0].store, "charlie");
    assert_eq!(out.failed[0].code, down.code);
    let CronOutcome::BackupsAsked {
        stores,
        backups_started,
        failed,
    } = cron_outcome(&answers)
    else {
        panic!("a backup outcome");
    };
    assert_eq!((stores, backups_started), (3, 1));
    assert_eq!(failed, vec![format!("charlie: {}", down.code)]);
    let ok = answers.iter().filter_map(|(_, a)| a.as_ref().ok());
    let sizes = sizes_of(ok, T0).unwrap();
    assert_eq!(sizes.sizes.len(), 1, "a zero size is not a size");
    assert_eq!((sizes.sizes[0].used_bytes, sizes.now_ms), (100, T0));
    assert_eq!(sizes_of([&started("bravo", 0, None)], T0), None);
    // One named store: its error is the route's, a missing one is store_not_found.
    let single = Started::collect(vec![(slug("xray"), Err(gone))], true).unwrap_err();
    assert_eq!(
        (single.status, single.code.as_str()),
        (404, "store_not_found")
    );
    assert!(single.message.contains("\"xray\""), "{}", single.message);
    let single = Started::collect(vec![(slug("xray"), Err(down))], true).unwrap_err();
    assert_eq!(single.status, 500);
    assert_eq!(restore_http_status_of(true), 200);
    assert_eq!(restore_http_status_of(false), 202);
}

fn restore_http_status_of(finished: bool) -> u16 {
    let json = serde_json::json!({
        "run": BackupId::new(T0, [1; 8]).unwrap(), "store": "outlet",
        "backup": BackupId::new(T0, [2; 8]).unwrap(),
        "status": if finished { "restored" } else { "running" }, "phase": "done",
        "started_ms": T0, "updated_ms": T0, "safety_backup": null, "reclaimed": false,
        "files": 4, "files_verified": 4, "theme_versions": 0, "published_theme": null,
        "carts": 0, "carts_total": 0, "cart_lines": 0, "cleared": 0, "catalog": null,
        "error": null,
    });
    restore_http_status(&serde_json::from_value(json).unwrap())
}
