use super::*;
use serde_json::{Value, json};

pub(crate) const NOW: u64 = 1_800_000_000_000;

pub(crate) fn default_body() -> String {
    String::from_utf8(Theme::default().to_stored()).unwrap()
}

pub(crate) fn version(v: u32) -> ThemeVersion {
    ThemeVersion {
        version: v,
        author: "owner".into(),
        created_at_ms: NOW - 1000,
        size: 10,
        sha256: "0".repeat(64),
        rolled_back_from: None,
    }
}

pub(crate) fn ledger(history: &[ThemeVersion], publishing: bool) -> ThemeLedger<'_> {
    ThemeLedger {
        store: "acme",
        history,
        publishing,
    }
}

fn code(e: &StoreError) -> &str {
    match e {
        StoreError::Conflict { code, .. } | StoreError::Missing { code, .. } => code,
        StoreError::CatalogUnavailable { why } => &why.cause,
        StoreError::Internal { .. } => "internal",
        StoreError::ThemeInvalid { .. } => "theme_invalid",
        _ => "other",
    }
}

pub(crate) fn logo() -> AssetInfo {
    AssetInfo {
        name: "logo.png".into(),
        file: format!("{}.png", "a".repeat(64)),
        content_type: "image/png".into(),
        size: 70,
        sha256: "a".repeat(64),
        created_at_ms: NOW,
    }
}

#[test]
fn the_first_publish_is_version_one_with_its_key_metadata_and_record() {
    let body = default_body();
    let plan = ledger(&[], false)
        .publish_draft(Some(&body), "owner", NOW)
        .unwrap();
    assert_eq!(plan.key, "acme/themes/1.json");
    assert_eq!(plan.body, body);
    assert_eq!(plan.answer(), Published { version: 1 });
    let sha: String = plan.digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(sha, wandstore_core::secret::hash_token(&body));
    assert_eq!(
        plan.record,
        ThemeVersion {
            version: 1,
            author: "owner".into(),
            created_at_ms: NOW,
            size: body.len() as u64,
            sha256: sha.clone(),
            rolled_back_from: None,
        }
    );
    let meta: Vec<(&str, &str)> = plan
        .metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let size = body.len().to_string();
    let now = NOW.to_string();
    assert_eq!(
        meta,
        [
            ("author", "owner"),
            ("created_at_ms", now.as_str()),
            ("size", size.as_str()),
            ("sha256", sha.as_str()),
        ]
    );
    let row: ThemeVersion = serde_json::from_str(&plan.record_json).unwrap();
    assert_eq!(row, plan.record);
    assert_eq!(plan.theme, Theme::default());
}

#[test]
fn the_next_version_follows_the_newest_whatever_the_order() {
    let history = [version(3), version(7), version(5)];
    let plan = ledger(&history, false)
        .publish_draft(Some(&default_body()), "admin", NOW)
        .unwrap();
    assert_eq!(plan.record.version, 8);
    assert_eq!(plan.key, "acme/themes/8.json");
    assert_eq!(plan.record.author, "admin");
    let full = [version(u32::MAX)];
    let plan = ledger(&full, false)
        .publish_draft(Some(&default_body()), "owner", NOW)
        .unwrap();
    assert_eq!(
        plan.record.version,
        u32::MAX,
        "saturates; R2 then refuses the taken key"
    );
    assert_eq!(code(&plan.taken()), "version_taken");
}

#[test]
fn conflicts_change_nothing_and_say_why() {
    let history = [version(1)];
    let no_draft = ledger(&history, false)
        .publish_draft(None, "owner", NOW)
        .unwrap_err();
    assert_eq!(code(&no_draft), "no_draft");
    // No draft is told before a publish in flight (the draft is read first).
    let both = ledger(&history, true)
        .publish_draft(None, "owner", NOW)
        .unwrap_err();
    assert_eq!(code(&both), "no_draft");
    let busy = ledger(&history, true)
        .publish_draft(Some(&default_body()), "owner", NOW)
        .unwrap_err();
    assert_eq!(code(&busy), "publish_in_progress");
    let busy = ledger(&history, true)
        .rollback(1, Some(&default_body()), "owner", NOW)
        .unwrap_err();
    assert_eq!(code(&busy), "publish_in_progress");
    let plan = ledger(&history, false)
        .publish_draft(Some(&default_body()), "owner", NOW)
        .unwrap();
    let taken = plan.taken();
    assert_eq!(code(&taken), "version_taken");
    assert!(taken.to_string().contains("version 2"), "{taken}");
}

#[test]
fn a_stored_body_that_does_not_read_is_internal_not_published() {
    for bad in ["", "{", "[]", r#"{"schema_version":99}"#, r#"{"colors":1}"#] {
        let e = ledger(&[], false)
            .publish_draft(Some(bad), "owner", NOW)
            .unwrap_err();
        assert_eq!(code(&e), "internal", "{bad}");
    }
}

#[test]
fn rollback_reads_a_known_version_and_publishes_it_again_migrated() {
    let history = [version(2), version(1)];
    let l = ledger(&history, false);
    assert_eq!(l.rollback_source(1).unwrap(), "acme/themes/1.json");
    for unknown in [0, 3, u32::MAX] {
        let e = l.rollback_source(unknown).unwrap_err();
        assert_eq!(code(&e), "version_not_found", "{unknown}");
        assert!(matches!(e, StoreError::Missing { .. }));
    }
    // A v1 body: `primary` became `accent`, the radius a number of pixels.
    let mut v1: Value = serde_json::from_slice(&Theme::default().to_stored()).unwrap();
    v1["schema_version"] = json!(1);
    let colors = v1["colors"].as_object_mut().unwrap();
    colors.remove("accent");
    colors.insert("primary".into(), json!("#123456"));
    v1["radius"] = json!("0.5rem");
    let plan = l.rollback(1, Some(&v1.to_string()), "owner", NOW).unwrap();
    assert_eq!(plan.record.version, 3);
    assert_eq!(plan.record.rolled_back_from, Some(1));
    assert_eq!(plan.theme.colors.accent, "#123456");
    assert_eq!(plan.theme.radius, 8);
    let stored: Value = serde_json::from_str(&plan.body).unwrap();
    assert_eq!(stored["schema_version"], json!(SCHEMA_VERSION));
    assert_eq!(plan.record.size, plan.body.len() as u64);
}

#[test]
fn a_rollback_whose_body_is_gone_or_broken_fails_without_a_write() {
    let history = [version(1)];
    let l = ledger(&history, false);
    let gone = l.rollback(1, None, "owner", NOW).unwrap_err();
    assert_eq!(code(&gone), "r2_unavailable");
    assert!(
        gone.to_string().contains("version 1's body is missing"),
        "{gone}"
    );
    let broken = l.rollback(1, Some("not json"), "owner", NOW).unwrap_err();
    assert_eq!(code(&broken), "internal");
}

#[test]
fn a_draft_is_validated_against_the_stores_assets() {
    let mut doc: Value = serde_json::from_slice(&Theme::default().to_stored()).unwrap();
    doc["logo"] = json!("logo.png");
    let body = doc.to_string();
    let e = plan_draft(&body, &[], "owner", NOW).unwrap_err();
    let StoreError::ThemeInvalid { fields } = e else {
        panic!("{e:?}")
    };
    assert_eq!(fields[0].path, "logo");
    let plan = plan_draft(&body, &[logo()], "owner", NOW).unwrap();
    assert_eq!(
        plan.answer.theme["logo"],
        json!(logo().file),
        "stored by file"
    );
    assert_eq!(plan.answer.author, "owner");
    assert_eq!(plan.answer.updated_at_ms, NOW);
    let meta: DraftMeta = serde_json::from_str(&plan.meta_json).unwrap();
    assert_eq!(meta.updated_at_ms, NOW);
    assert_eq!(
        Theme::from_stored(plan.body.as_bytes()).unwrap().logo,
        Some(logo().file)
    );
}

#[test]
fn hostile_drafts_report_every_problem_and_write_nothing() {
    let long = "x".repeat(5_000);
    let hostile = [
        String::new(),
        "null".into(),
        "[]".into(),
        json!({"colors": {"accent": "javascript:alert(1)"}, "radius": "abc"}).to_string(),
        json!({"announcement": long}).to_string(),
        json!({"custom_css": "</style><script>alert(1)</script>"}).to_string(),
        json!({"logo": "../../etc/passwd"}).to_string(),
    ];
    for body in &hostile {
        let e = plan_draft(body, &[logo()], "owner", NOW).unwrap_err();
        let StoreError::ThemeInvalid { fields } = &e else {
            panic!("{body}: {e:?}")
        };
        assert!(!fields.is_empty(), "{body}");
    }
    let StoreError::ThemeInvalid { fields } =
        plan_draft(&hostile[3], &[], "owner", NOW).unwrap_err()
    else {
        panic!()
    };
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    assert!(
        paths.contains(&"colors.accent") && paths.contains(&"radius"),
        "{paths:?}"
    );
}

#[test]
fn the_overview_shows_published_and_a_draft_with_its_meta() {
    let body = default_body();
    let meta = r#"{"author":"admin","updated_at_ms":5}"#;
    let o = overview(Some((4, &body)), Some(&body), Some(meta)).unwrap();
    assert_eq!(o.schema_version, SCHEMA_VERSION);
    assert_eq!(o.published.as_ref().map(|p| p.version), Some(4));
    let draft = o.draft.unwrap();
    assert_eq!((draft.author.as_str(), draft.updated_at_ms), ("admin", 5));
    let none = overview(None, Some(&body), None).unwrap();
    assert!(none.published.is_none() && none.draft.is_none());
    assert_eq!(
        code(&overview(Some((1, "{")), None, None).unwrap_err()),
        "internal"
    );
    assert_eq!(
        code(&overview(None, Some(&body), Some("{}")).unwrap_err()),
        "internal"
    );
}

#[test]
fn a_snapshot_carries_the_body_only_to_an_asker_without_it() {
    assert_eq!(slot_for(Some((3, "b")), Some(3)).body, None);
    assert_eq!(slot_for(Some((3, "b")), Some(2)).body.as_deref(), Some("b"));
    assert_eq!(slot_for(Some((3, "b")), None).body.as_deref(), Some("b"));
    let never = slot_for(None, Some(3));
    assert_eq!((never.version, never.body), (0, None));
}

#[test]
fn the_in_memory_copy_is_read_from_the_pointer_and_body_or_from_a_written_version() {
    let body = default_body();
    assert!(
        PublishedCopy::from_row(None, None).unwrap().is_none(),
        "never published"
    );
    assert!(PublishedCopy::from_row(Some(3), None).unwrap().is_none());
    assert!(
        PublishedCopy::from_row(None, Some(body.clone()))
            .unwrap()
            .is_none()
    );
    let copy = PublishedCopy::from_row(Some(3), Some(body.clone()))
        .unwrap()
        .unwrap();
    assert_eq!(copy.parts(), (3, body.as_str()));
    assert_eq!(*copy.theme, Theme::default());
    let negative = PublishedCopy::from_row(Some(-1), Some(body.clone()))
        .unwrap()
        .unwrap();
    assert_eq!(negative.version, 0);
    let broken = PublishedCopy::from_row(Some(3), Some("{not json".into())).unwrap_err();
    assert_eq!(code(&broken), "internal");
    let write = ledger(&[version(1)], false)
        .publish_draft(Some(&body), "owner", NOW)
        .unwrap();
    let copy = PublishedCopy::from(write);
    assert_eq!(copy.parts(), (2, body.as_str()));
}

#[test]
fn a_preview_shows_the_draft_else_the_published_body_at_the_published_version() {
    let slot = preview_slot(Some(4), Some("draft".into()), Some("published".into()));
    assert_eq!((slot.version, slot.body.as_deref()), (4, Some("draft")));
    let slot = preview_slot(Some(4), None, Some("published".into()));
    assert_eq!(slot.body.as_deref(), Some("published"));
    let slot = preview_slot(None, Some("draft".into()), None);
    assert_eq!((slot.version, slot.body.as_deref()), (0, Some("draft")));
    let never = preview_slot(None, None, None);
    assert_eq!((never.version, never.body), (0, None));
}
