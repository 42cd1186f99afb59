use super::*;
use crate::owner::OwnerCredential;
use crate::personalization::BudgetGrant;
use crate::store::CreateStore;
use crate::store_record::CreatePlan;
use crate::theme::{DraftTheme, ThemeOverview, ThemeSlot};
use crate::theme_ledger::tests::{NOW, default_body, logo, version};
use crate::wire::decode_reply;
use wandstore_ai::report::PersonalizationReport;
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::identity::ShopperId;
use wandstore_storage::store_config as sc;

/// The rows a test object holds.
#[derive(Clone)]
struct Fixture {
    record: StoreRecord,
    theme_state: ThemeStateRow,
    published: Option<PublishedCopy>,
    assets: Vec<AssetInfo>,
    versions: Vec<ThemeVersion>,
    personalization: PersonalizationColumns,
}

fn record() -> StoreRecord {
    let create: CreateStore = serde_json::from_value(serde_json::json!({
        "input": {
            "slug": "acme",
            "display_name": "Acme",
            "currency": "EUR",
            "shopify": {"domain": "acme.myshopify.com", "storefront_token": "shpat_x"},
        },
        "owner_token_hash": "hash",
        "base_domain": "wandstore.dev",
        "now_ms": NOW,
    }))
    .unwrap();
    let (plan, _) = CreatePlan::new(create).unwrap();
    plan.to_save(Ok(false)).unwrap().clone()
}

/// A published theme (version 3) whose logo is `logo()`.
fn published_with_logo() -> PublishedCopy {
    let mut theme: serde_json::Value = serde_json::from_str(&default_body()).unwrap();
    theme["logo"] = serde_json::json!("logo.png");
    let body = ledger::plan_draft(&theme.to_string(), &[logo()], "owner", NOW)
        .unwrap()
        .body;
    PublishedCopy::from_row(Some(3), Some(body))
        .unwrap()
        .unwrap()
}

fn fixture() -> Fixture {
    Fixture {
        record: record(),
        theme_state: ThemeStateRow::default(),
        published: None,
        assets: vec![logo()],
        versions: vec![version(2), version(1)],
        personalization: PersonalizationColumns::default(),
    }
}

/// What a test executor did, in order.
#[derive(Debug, Clone, PartialEq)]
enum Did {
    Read(Need),
    Write(Vec<&'static str>),
    Save(String),
    DraftChanged,
}

/// Drives `question` over `rows`; the `fail`-th action (from 0) fails. The actions done
/// and the reply's body.
fn drive_failing(q: StoreQuestion, rows: &Fixture, fail: Option<usize>) -> (Vec<Did>, String) {
    let mut run = RowRun::new(q, NOW).unwrap();
    let mut did = Vec::new();
    for step in 0..20 {
        let action = run.poll();
        let input = match action {
            RowAction::Done(reply) => return (did, reply),
            _ if fail == Some(step) => RowInput::Failed(StoreError::Internal {
                message: "disk".into(),
            }),
            RowAction::Read(need) => {
                did.push(Did::Read(need));
                RowInput::Read(match need {
                    Need::Record => Read::Record(rows.record.clone()),
                    Need::ThemeState => Read::ThemeState(rows.theme_state.clone()),
                    Need::Published => Read::Published(rows.published.clone()),
                    Need::Assets => Read::Assets(rows.assets.clone()),
                    Need::Versions => Read::Versions(rows.versions.clone()),
                    Need::Personalization => Read::Personalization(rows.personalization.clone()),
                })
            }
            RowAction::Write(plan) => {
                did.push(Did::Write(plan.iter().map(|w| w.sql).collect()));
                RowInput::Done
            }
            RowAction::SaveRecord(r) => {
                did.push(Did::Save(r.owner_token_hash.clone()));
                RowInput::Done
            }
            RowAction::DraftChanged => {
                did.push(Did::DraftChanged);
                RowInput::Done
            }
        };
        run.on_result(input);
    }
    panic!("the run did not finish: {did:?}");
}

fn drive(q: StoreQuestion, rows: &Fixture) -> (Vec<Did>, String) {
    drive_failing(q, rows, None)
}

fn answer<Q: Question>(reply: &str) -> Result<Q::Answer, Q::Error> {
    decode_reply::<Q>(reply.as_bytes()).unwrap()
}

fn is_internal(e: &StoreError) -> bool {
    matches!(e, StoreError::Internal { .. })
}

#[test]
fn questions_that_need_more_than_rows_come_back_unchanged() {
    let sync = StoreQuestion::Sync(crate::store::SyncNow);
    assert!(matches!(
        RowRun::new(sync, NOW),
        Err(NotRowQuestion::Sync(_))
    ));
    let rollback = StoreQuestion::Rollback(crate::theme::RollbackTheme {
        version: 3,
        author: "ann".into(),
        now_ms: NOW,
    });
    let back = RowRun::new(rollback, NOW).err();
    assert!(matches!(back, Some(NotRowQuestion::Rollback(r)) if r.version == 3));
    let catalog = StoreQuestion::Catalog(CatalogQuestion::Product {
        handle: "mug".into(),
    });
    assert!(matches!(
        RowRun::new(catalog, NOW),
        Err(NotRowQuestion::Catalog(_))
    ));
    let show = StoreQuestion::Show(ShowStore);
    assert!(RowRun::new(show, NOW).is_ok());
}

#[test]
fn settings_read_the_record_the_published_theme_and_personalization_and_write_nothing() {
    let mut rows = fixture();
    rows.published = Some(published_with_logo());
    let q = StoreQuestion::Settings(GetSettings { have_theme: None });
    let (did, reply) = drive(q, &rows);
    let needs = [Need::Record, Need::Published, Need::Personalization];
    assert_eq!(did, needs.map(Did::Read));
    let snapshot = answer::<GetSettings>(&reply).unwrap();
    assert_eq!(snapshot.settings.slug.as_str(), "acme");
    assert_eq!(snapshot.theme.version, 3);
    assert!(snapshot.theme.body.is_some());
    assert!(!reply.contains("shpat_x"), "the token never leaves");
    let q = StoreQuestion::Settings(GetSettings {
        have_theme: Some(3),
    });
    let held = answer::<GetSettings>(&drive(q, &rows).1).unwrap();
    assert_eq!((held.theme.version, held.theme.body), (3, None));
}

#[test]
fn a_failed_read_answers_its_refusal_and_reads_no_further() {
    let q = StoreQuestion::Settings(GetSettings::default());
    let (did, reply) = drive_failing(q, &fixture(), Some(1));
    assert_eq!(did, [Did::Read(Need::Record)]);
    let refused = answer::<GetSettings>(&reply).unwrap_err();
    assert_eq!(
        refused,
        StoreError::Internal {
            message: "disk".into()
        }
    );
}

#[test]
fn an_unreadable_personalization_row_is_internal() {
    let mut rows = fixture();
    rows.personalization.settings = Some("{broken".into());
    let q = StoreQuestion::Settings(GetSettings::default());
    assert!(is_internal(
        &answer::<GetSettings>(&drive(q, &rows).1).unwrap_err()
    ));
    let q = StoreQuestion::GetPersonalization(GetPersonalization);
    let (did, reply) = drive(q, &rows);
    assert_eq!(did, [Did::Read(Need::Personalization)]);
    assert!(is_internal(
        &answer::<GetPersonalization>(&reply).unwrap_err()
    ));
}

#[test]
fn only_the_owners_credential_passes() {
    let check = |hash: &str| {
        let credential = OwnerCredential::TokenHash(hash.into());
        let q = StoreQuestion::CheckOwner(CheckOwner { credential });
        let (did, reply) = drive(q, &fixture());
        assert_eq!(did, [Did::Read(Need::Record)]);
        answer::<CheckOwner>(&reply)
    };
    assert_eq!(check("hash"), Ok(()));
    assert_eq!(check("other"), Err(StoreError::Forbidden));
    assert_eq!(check(""), Err(StoreError::Forbidden));
}

#[test]
fn a_rotation_saves_the_record_with_the_new_hash_and_a_failed_save_is_refused() {
    let q = StoreQuestion::RotateOwner(RotateOwnerToken {
        new_token_hash: "new".into(),
        now_ms: NOW + 1,
    });
    let (did, reply) = drive(q.clone(), &fixture());
    assert_eq!(did, [Did::Read(Need::Record), Did::Save("new".into())]);
    assert_eq!(answer::<RotateOwnerToken>(&reply), Ok(()));
    let (did, reply) = drive_failing(q, &fixture(), Some(1));
    assert_eq!(did, [Did::Read(Need::Record)]);
    assert!(is_internal(
        &answer::<RotateOwnerToken>(&reply).unwrap_err()
    ));
}

#[test]
fn assets_are_listed_recorded_and_deleted_unless_the_published_theme_uses_them() {
    let mut rows = fixture();
    let q = StoreQuestion::ListAssets(ListAssets);
    let (did, reply) = drive(q, &rows);
    assert_eq!(did, [Did::Read(Need::Assets)]);
    assert_eq!(answer::<ListAssets>(&reply).unwrap(), [logo()]);

    let q = StoreQuestion::RecordAsset(RecordAsset { asset: logo() });
    let (did, reply) = drive(q, &rows);
    assert_eq!(did, [Did::Write(vec![sc::UPSERT_ASSET])]);
    assert_eq!(answer::<RecordAsset>(&reply).unwrap(), logo());

    let delete = |name: &str| StoreQuestion::DeleteAsset(DeleteAsset { name: name.into() });
    let (did, reply) = drive(delete("logo.png"), &rows);
    let reads = [Did::Read(Need::Assets), Did::Read(Need::Published)];
    assert_eq!(
        did,
        [&reads[..], &[Did::Write(vec![sc::DELETE_ASSET])]].concat()
    );
    let deleted = answer::<DeleteAsset>(&reply).unwrap();
    assert_eq!((deleted.file, deleted.unreferenced), (logo().file, true));

    let (did, reply) = drive(delete("nope.png"), &rows);
    assert_eq!(did, reads, "an unknown name writes nothing");
    assert!(matches!(
        answer::<DeleteAsset>(&reply),
        Err(StoreError::Missing { .. })
    ));
    rows.published = Some(published_with_logo());
    let (did, reply) = drive(delete("logo.png"), &rows);
    assert_eq!(did, reads, "an asset in use writes nothing");
    assert!(matches!(
        answer::<DeleteAsset>(&reply),
        Err(StoreError::Conflict { .. })
    ));
}

#[test]
fn a_valid_draft_is_saved_then_the_previews_are_told() {
    let q = |body: String| {
        StoreQuestion::PutDraft(PutDraft {
            body,
            author: "owner".into(),
            now_ms: NOW,
        })
    };
    let (did, reply) = drive(q(default_body()), &fixture());
    let saved = [Did::Read(Need::Assets), Did::Write(vec![sc::SET_DRAFT])];
    assert_eq!(did, [&saved[..], &[Did::DraftChanged]].concat());
    let draft: DraftTheme = answer::<PutDraft>(&reply).unwrap();
    assert_eq!((draft.author.as_str(), draft.updated_at_ms), ("owner", NOW));

    let (did, reply) = drive_failing(q(default_body()), &fixture(), Some(1));
    assert_eq!(
        did,
        [Did::Read(Need::Assets)],
        "no preview hears of a failed save"
    );
    assert!(is_internal(&answer::<PutDraft>(&reply).unwrap_err()));

    for hostile in ["", "{", "[]", "{\"logo\": \"missing.png\"}"] {
        let (did, reply) = drive(q(hostile.into()), &fixture());
        assert_eq!(did, [Did::Read(Need::Assets)], "{hostile:?} writes nothing");
        assert!(matches!(
            answer::<PutDraft>(&reply),
            Err(StoreError::ThemeInvalid { .. })
        ));
    }
}

#[test]
fn the_theme_views_read_the_theme_state_and_the_published_copy() {
    let mut rows = fixture();
    let q = StoreQuestion::ShowTheme(ShowTheme);
    let overview: ThemeOverview = answer::<ShowTheme>(&drive(q.clone(), &rows).1).unwrap();
    assert!(overview.published.is_none() && overview.draft.is_none());
    let q_draft = StoreQuestion::Draft(GetDraft);
    let slot: ThemeSlot = answer::<GetDraft>(&drive(q_draft.clone(), &rows).1).unwrap();
    assert_eq!((slot.version, slot.body), (0, None));
    let q_icon = StoreQuestion::Favicon(GetFavicon);
    let (did, reply) = drive(q_icon.clone(), &rows);
    assert_eq!(did, [Did::Read(Need::Published)]);
    assert_eq!(answer::<GetFavicon>(&reply), Ok(None));

    rows.published = Some(published_with_logo());
    rows.theme_state.draft = Some("draft body".into());
    let (did, reply) = drive(q_draft, &rows);
    assert_eq!(did, [Need::ThemeState, Need::Published].map(Did::Read));
    let slot = answer::<GetDraft>(&reply).unwrap();
    assert_eq!(
        (slot.version, slot.body.as_deref()),
        (3, Some("draft body"))
    );
    let overview = answer::<ShowTheme>(&drive(q, &rows).1).unwrap();
    assert_eq!(overview.published.map(|p| p.version), Some(3));
    assert!(
        overview.draft.is_none(),
        "a draft without meta is not shown"
    );
    rows.theme_state.draft_meta = Some("{broken".into());
    let broken = answer::<ShowTheme>(&drive(StoreQuestion::ShowTheme(ShowTheme), &rows).1);
    assert!(is_internal(&broken.unwrap_err()));
}

#[test]
fn versions_are_answered_as_read() {
    let (did, reply) = drive(StoreQuestion::Versions(ListVersions), &fixture());
    assert_eq!(did, [Did::Read(Need::Versions)]);
    assert_eq!(
        answer::<ListVersions>(&reply).unwrap(),
        [version(2), version(1)]
    );
}

#[test]
fn a_cart_announcement_writes_the_index_without_reading() {
    let shopper = ShopperId::parse(&"a".repeat(32)).unwrap();
    let q = |non_empty| {
        StoreQuestion::IndexCart(IndexCart {
            shopper: shopper.clone(),
            non_empty,
        })
    };
    let (did, reply) = drive(q(true), &fixture());
    assert_eq!(did, [Did::Write(vec![sc::INDEX_CART])]);
    assert_eq!(answer::<IndexCart>(&reply), Ok(()));
    let (did, _) = drive(q(false), &fixture());
    assert_eq!(did, [Did::Write(vec![sc::UNINDEX_CART])]);
    let (did, reply) = drive_failing(q(true), &fixture(), Some(0));
    assert!(did.is_empty());
    assert!(is_internal(&answer::<IndexCart>(&reply).unwrap_err()));
}

#[test]
fn personalization_settings_are_validated_before_they_are_written() {
    let put = |settings: &PersonalizationSettings| {
        let q = StoreQuestion::PutPersonalization(PutPersonalization {
            settings: settings.clone(),
        });
        drive(q, &fixture())
    };
    let on = PersonalizationSettings {
        enabled: true,
        ..PersonalizationSettings::default()
    };
    let (did, reply) = put(&on);
    assert_eq!(did, [Did::Write(vec![sc::SET_PERSONALIZATION_SETTINGS])]);
    assert_eq!(answer::<PutPersonalization>(&reply).unwrap(), on);
    let hostile = PersonalizationSettings {
        holdout_pct: 101,
        brand_voice: "x".repeat(10_000),
        ..on
    };
    let (did, reply) = put(&hostile);
    assert!(did.is_empty(), "refused settings write nothing");
    let Err(StoreError::Invalid { fields }) = answer::<PutPersonalization>(&reply) else {
        panic!("refused settings are a 422");
    };
    assert_eq!(fields.len(), 2, "every refused field at once");
    let q = StoreQuestion::GetPersonalization(GetPersonalization);
    let got = answer::<GetPersonalization>(&drive(q, &fixture()).1).unwrap();
    assert_eq!(got, PersonalizationSettings::default(), "off until set");
}

#[test]
fn a_budget_refused_writes_nothing_and_a_report_reads_the_row() {
    let q = StoreQuestion::SpendBudget(SpendBudget { now_ms: NOW });
    let (did, reply) = drive(q, &fixture());
    let grant: BudgetGrant = answer::<SpendBudget>(&reply).unwrap();
    assert!(!grant.granted, "personalization is off by default");
    assert_eq!(did, [Did::Read(Need::Personalization), Did::Write(vec![])]);
    let q = StoreQuestion::ShowPersonalization(ShowPersonalization { now_ms: NOW });
    let report: Result<PersonalizationReport, _> =
        answer::<ShowPersonalization>(&drive(q, &fixture()).1);
    assert!(report.is_ok());
    let q = StoreQuestion::RecordPersonalization(RecordPersonalization::default());
    let (did, reply) = drive(q, &fixture());
    let counted = Did::Write(vec![sc::SET_PERSONALIZATION_COUNTERS]);
    assert_eq!(did, [Did::Read(Need::Personalization), counted]);
    assert_eq!(answer::<RecordPersonalization>(&reply), Ok(()));
}

#[test]
fn a_finished_run_keeps_answering_a_refusal() {
    let mut run = RowRun::new(StoreQuestion::ListAssets(ListAssets), NOW).unwrap();
    assert!(matches!(run.poll(), RowAction::Read(Need::Assets)));
    run.on_result(RowInput::Read(Read::Assets(vec![])));
    assert!(matches!(run.poll(), RowAction::Done(_)));
    let RowAction::Done(again) = run.poll() else {
        panic!("a finished run only answers");
    };
    assert!(is_internal(&answer::<ListAssets>(&again).unwrap_err()));
}

#[test]
fn a_row_the_run_did_not_read_is_internal_not_a_default() {
    let mut run = RowRun::new(StoreQuestion::Show(ShowStore), NOW).unwrap();
    assert!(matches!(run.poll(), RowAction::Read(Need::Record)));
    // The executor answers with another row than the one asked for: asked again.
    run.on_result(RowInput::Read(Read::Assets(vec![])));
    assert!(matches!(run.poll(), RowAction::Read(Need::Record)));
    assert!(is_internal(&unread(Need::Record)));
}
