use super::*;
use crate::store_record::{
    self,
    tests::{NOW, create, internal as disk, record as stored},
};
use wandstore_registry::RegistryRefusal;

fn update(patch: serde_json::Value) -> UpdateStore {
    store_record::tests::update(patch, NOW + 5)
}

fn held(record: Option<StoreRecord>) -> IoResult<StoreError> {
    IoResult::Record(record.map(Box::new))
}

/// Runs `run`, answering each effect with `io`; the effects in order (named) and the answer.
fn drive(
    mut run: RecordRun,
    mut io: impl FnMut(&Effect) -> IoResult<StoreError>,
) -> (Vec<String>, Done) {
    let mut seen = Vec::new();
    for _ in 0..20 {
        match run.poll(NOW) {
            Action::Do(effect) => {
                seen.push(match &effect {
                    Effect::Claim { entry, claim } => format!("claim {claim:?} {}", entry.slug),
                    Effect::ReadRecord => "read".into(),
                    Effect::SaveRecord(r) => format!("save {} {}", r.slug, r.display_name),
                    Effect::Forget(slug) => format!("forget {slug}"),
                    other => panic!("a record change never asks for {other:?}"),
                });
                run.feed(io(&effect));
            }
            Action::Done(done) => return (seen, done),
        }
    }
    panic!("the run never finished: {seen:?}");
}

#[test]
fn a_registration_claims_then_reads_then_saves_and_answers_the_public_view() {
    let (seen, done) = drive(RecordRun::create(create("acme")), |e| match e {
        Effect::ReadRecord => held(None),
        _ => IoResult::Ok,
    });
    assert_eq!(seen, ["claim Create acme", "read", "save acme Acme"]);
    let public = done.unwrap();
    assert_eq!(public.slug.as_str(), "acme");
}

#[test]
fn an_invalid_registration_claims_nothing() {
    let (seen, done) = drive(RecordRun::create(create("Not A Slug!")), |_| {
        panic!("nothing to do")
    });
    assert!(seen.is_empty());
    assert!(matches!(done, Err(StoreError::Invalid { .. })), "{done:?}");
}

#[test]
fn a_refused_or_failed_claim_is_the_answer_with_nothing_to_undo() {
    let taken = RegistryRefusal::SlugTaken {
        slug: stored().slug,
    };
    let (seen, done) = drive(RecordRun::create(create("acme")), |_| {
        IoResult::Refused(taken.clone())
    });
    assert_eq!(seen, ["claim Create acme"]);
    assert!(matches!(
        done,
        Err(StoreError::Registry {
            refusal: RegistryRefusal::SlugTaken { .. }
        })
    ));
    let (seen, done) = drive(RecordRun::create(create("acme")), |_| {
        IoResult::Failed(disk())
    });
    assert_eq!(seen, ["claim Create acme"]);
    assert_eq!(done.unwrap_err().to_string(), disk().to_string());
}

#[test]
fn a_record_already_held_is_not_overwritten_and_the_claim_is_undone() {
    let (seen, done) = drive(RecordRun::create(create("acme")), |e| match e {
        Effect::ReadRecord => held(Some(stored())),
        _ => IoResult::Ok,
    });
    assert_eq!(seen, ["claim Create acme", "read", "forget acme"]);
    assert!(matches!(done, Err(StoreError::AlreadyExists)), "{done:?}");
}

#[test]
fn a_failed_read_or_save_undoes_the_claim_even_if_the_undo_fails_too() {
    let (seen, done) = drive(RecordRun::create(create("acme")), |e| match e {
        Effect::Claim { .. } => IoResult::Ok,
        _ => IoResult::Failed(disk()),
    });
    assert_eq!(seen, ["claim Create acme", "read", "forget acme"]);
    assert_eq!(done.unwrap_err().to_string(), disk().to_string());
    let (seen, done) = drive(RecordRun::create(create("acme")), |e| match e {
        Effect::Claim { .. } => IoResult::Ok,
        Effect::ReadRecord => held(None),
        _ => IoResult::Failed(disk()),
    });
    assert_eq!(
        seen,
        ["claim Create acme", "read", "save acme Acme", "forget acme"]
    );
    assert_eq!(done.unwrap_err().to_string(), disk().to_string());
}

#[test]
fn an_update_reads_rewrites_the_entry_reads_again_then_saves_the_patch() {
    let patch = update(serde_json::json!({"display_name": "New"}));
    let (seen, done) = drive(RecordRun::update(patch), |e| match e {
        Effect::ReadRecord => held(Some(stored())),
        _ => IoResult::Ok,
    });
    assert_eq!(seen, ["read", "claim Update acme", "read", "save acme New"]);
    assert_eq!(done.unwrap().display_name, "New");
}

#[test]
fn an_update_of_a_missing_store_or_a_refused_patch_claims_nothing() {
    let patch = update(serde_json::json!({"display_name": "New"}));
    let (seen, done) = drive(RecordRun::update(patch), |_| held(None));
    assert_eq!(seen, ["read"]);
    assert!(matches!(done, Err(StoreError::NotFound)), "{done:?}");
    let bad = update(serde_json::json!({"currency": "nope"}));
    let (seen, done) = drive(RecordRun::update(bad), |_| held(Some(stored())));
    assert_eq!(seen, ["read"]);
    assert!(matches!(done, Err(StoreError::Invalid { .. })), "{done:?}");
    let patch = update(serde_json::json!({"display_name": "New"}));
    let (seen, done) = drive(RecordRun::update(patch), |_| IoResult::Failed(disk()));
    assert_eq!(seen, ["read"]);
    assert_eq!(done.unwrap_err().to_string(), disk().to_string());
}

#[test]
fn an_update_that_lost_a_race_or_failed_after_the_rewrite_saves_nothing_and_undoes_nothing() {
    let mut reads = 0;
    let patch = update(serde_json::json!({"display_name": "New"}));
    let (seen, done) = drive(RecordRun::update(patch), |e| match e {
        Effect::ReadRecord => {
            reads += 1;
            let mut record = stored();
            record.updated_at_ms += reads - 1; // saved meanwhile
            held(Some(record))
        }
        _ => IoResult::Ok,
    });
    assert_eq!(seen, ["read", "claim Update acme", "read"]);
    assert!(matches!(done, Err(StoreError::Changed)), "{done:?}");
    let patch = update(serde_json::json!({"display_name": "New"}));
    let (seen, done) = drive(RecordRun::update(patch), |e| match e {
        Effect::ReadRecord => held(Some(stored())),
        Effect::Claim { .. } => IoResult::Ok,
        _ => IoResult::Failed(disk()),
    });
    assert_eq!(seen, ["read", "claim Update acme", "read", "save acme New"]);
    assert_eq!(done.unwrap_err().to_string(), disk().to_string());
}

#[test]
fn a_result_it_did_not_ask_for_is_a_bug_not_a_save() {
    let (seen, done) = drive(RecordRun::create(create("acme")), |_| {
        IoResult::Keys(Vec::new())
    });
    assert_eq!(seen, ["claim Create acme"]);
    assert!(matches!(done, Err(StoreError::Internal { .. })), "{done:?}");
    let patch = update(serde_json::json!({"display_name": "New"}));
    let (seen, done) = drive(RecordRun::update(patch), |_| IoResult::Ok);
    assert_eq!(seen, ["read"]);
    assert!(matches!(done, Err(StoreError::Internal { .. })), "{done:?}");
    assert!(matches!(RecordRun::elsewhere(), Err(StoreError::Changed)));
}
