//! The store record's tests, and registrations and patches that `record_run`'s tests share.

use super::*;
use crate::wire::AskError;
use wandstore_registry::{RegistryRefusal, StorePatch};

pub(crate) const NOW: u64 = 1_800_000_000_000;

pub(crate) fn create(slug: &str) -> CreateStore {
    serde_json::from_value(serde_json::json!({
        "input": {
            "slug": slug,
            "display_name": "Acme",
            "currency": "EUR",
            "shopify": {"domain": "acme.myshopify.com", "storefront_token": "shpat_x"},
            "custom_domains": ["shop.acme.example"],
        },
        "owner_token_hash": "hash",
        "base_domain": "wandstore.dev",
        "now_ms": NOW,
    }))
    .unwrap()
}

pub(crate) fn update(patch: serde_json::Value, now_ms: u64) -> UpdateStore {
    UpdateStore {
        patch: serde_json::from_value::<StorePatch>(patch).unwrap(),
        base_domain: "wandstore.dev".into(),
        local_upstreams: false,
        now_ms,
    }
}

pub(crate) fn record() -> StoreRecord {
    let (plan, _) = CreatePlan::new(create("acme")).unwrap();
    plan.to_save(Ok(false)).unwrap().clone()
}

pub(crate) fn internal() -> StoreError {
    StoreError::Internal {
        message: "disk".into(),
    }
}

#[test]
fn a_registration_claims_its_slug_and_domains_then_saves_and_answers_the_public_view() {
    let (plan, claim) = CreatePlan::new(create("acme")).unwrap();
    assert_eq!(claim.claim, Claim::Create);
    assert_eq!(claim.entry.slug.as_str(), "acme");
    assert_eq!(claim.entry.custom_domains, ["shop.acme.example"]);
    let saved = plan.to_save(Ok(false)).unwrap();
    assert_eq!(
        (saved.owner_token_hash.as_str(), saved.created_at_ms),
        ("hash", NOW)
    );
    let public = plan.finish(Ok(())).unwrap();
    assert_eq!(public.slug.as_str(), "acme");
    assert!(!serde_json::to_string(&public).unwrap().contains("shpat_x"));
}

#[test]
fn an_invalid_registration_claims_nothing() {
    let q = create("Not A Slug!");
    let Err(StoreError::Invalid { fields }) = CreatePlan::new(q) else {
        panic!("an invalid registration must be refused whole");
    };
    assert!(fields.iter().any(|f| f.field == "slug"), "{fields:?}");
}

#[test]
fn a_registry_refusal_is_the_answer_and_leaves_no_claim_to_undo() {
    let refused = AskError::Refused(RegistryRefusal::SlugTaken {
        slug: record().slug,
    });
    assert!(matches!(
        StoreError::from(refused),
        StoreError::Registry {
            refusal: RegistryRefusal::SlugTaken { .. }
        }
    ));
    let broken = StoreError::from(AskError::<RegistryRefusal>::Broken("down".into()));
    assert!(matches!(broken, StoreError::Internal { .. }));
}

#[test]
fn a_failed_save_after_the_claim_answers_the_error_and_undoes_the_claim() {
    let (plan, _) = CreatePlan::new(create("acme")).unwrap();
    let (e, undo) = plan.finish(Err(internal())).unwrap_err();
    assert!(matches!(e, StoreError::Internal { .. }));
    assert_eq!(undo.slug.as_str(), "acme");
}

#[test]
fn a_record_already_held_or_unreadable_is_not_overwritten_and_the_claim_is_undone() {
    let (plan, _) = CreatePlan::new(create("acme")).unwrap();
    let held = plan.to_save(Ok(true)).map(drop);
    assert!(matches!(held, Err(StoreError::AlreadyExists)));
    assert!(matches!(
        plan.to_save(Err(internal())),
        Err(StoreError::Internal { .. })
    ));
    let (e, undo) = plan.finish(held).unwrap_err();
    assert!(matches!(e, StoreError::AlreadyExists));
    assert_eq!(undo.slug.as_str(), "acme");
}

#[test]
fn an_update_rewrites_the_registry_entry_then_saves_the_patched_record() {
    let current = record();
    let (plan, rewrite) = UpdatePlan::new(
        &current,
        update(serde_json::json!({"display_name": "New"}), NOW + 5),
    )
    .unwrap();
    assert_eq!(rewrite.claim, Claim::Update);
    assert_eq!(rewrite.entry.display_name, "New");
    let next = plan.to_save(Some(&current)).unwrap();
    assert_eq!(
        (next.display_name.as_str(), next.updated_at_ms),
        ("New", NOW + 5)
    );
    assert_eq!(
        next.owner_token_hash, current.owner_token_hash,
        "the token hash stays"
    );
}

#[test]
fn a_stale_update_is_refused_as_changed() {
    let current = record();
    let (plan, _) = UpdatePlan::new(
        &current,
        update(serde_json::json!({"display_name": "New"}), NOW + 5),
    )
    .unwrap();
    let mut saved_meanwhile = current.clone();
    saved_meanwhile.updated_at_ms = NOW + 3;
    assert!(matches!(
        plan.to_save(Some(&saved_meanwhile)),
        Err(StoreError::Changed)
    ));
    assert!(
        matches!(plan.to_save(None), Err(StoreError::Changed)),
        "deleted meanwhile"
    );
}

#[test]
fn a_refused_patch_rewrites_nothing() {
    let current = record();
    let bad = update(serde_json::json!({"currency": "nope"}), NOW + 5);
    assert!(matches!(
        UpdatePlan::new(&current, bad),
        Err(StoreError::Invalid { .. })
    ));
}

#[test]
fn a_saved_record_reads_back_and_an_unreadable_one_is_an_error_not_a_missing_store() {
    let rec = record();
    let write = save(&rec);
    assert_eq!(write.sql, wandstore_storage::store_config::UPSERT_RECORD);
    assert_eq!(write.args[1], rec.updated_at_ms.into());
    let wandstore_storage::Value::Text(json) = &write.args[0] else {
        panic!("the record is stored as JSON text: {write:?}");
    };
    let back = stored(Some(json)).unwrap().unwrap();
    assert_eq!(back.public(), rec.public());
    assert_eq!(
        back.to_storage_json(),
        rec.to_storage_json(),
        "the token too"
    );
    assert_eq!(stored(None).unwrap().map(|r| r.slug), None);
    let broken = stored(Some("{\"slug\":")).unwrap_err();
    assert!(
        broken.starts_with("stored record is unreadable: "),
        "{broken}"
    );
}
