use super::*;

fn memory() -> ShopperMemory {
    ShopperMemory::new(Retention::from_vars(|_| None))
}

fn viewed(handle: &str) -> ShopperEvent {
    ShopperEvent::Viewed {
        handle: handle.into(),
    }
}

#[test]
fn rows_are_read_once_then_kept_and_a_failed_read_keeps_nothing() {
    let m = memory();
    let failed: Result<Vec<CartLine>, &str> = m.rows(&m.lines, || Err("disk"));
    assert_eq!(failed, Err("disk"));
    let read = m.rows(&m.lines, || Ok::<_, &str>(Vec::new()));
    assert_eq!(read, Ok(Vec::new()));
    let again = m.rows(&m.lines, || Err("read twice"));
    assert_eq!(again, Ok(Vec::new()), "kept: not read again");
}

#[test]
fn an_unrecorded_request_reads_nothing() {
    let m = memory();
    m.unrecorded.set(true);
    let rows = m.rows(&m.events, || Err::<Vec<_>, _>("must not read"));
    assert_eq!(rows, Ok(Vec::new()));
    assert_eq!(m.events.get(), None, "and keeps nothing");
}

#[test]
fn written_events_are_kept_in_step_and_a_failed_write_forgets_them() {
    let m = memory();
    m.recorded(&viewed("early"), 1, true);
    assert_eq!(
        m.events.get(),
        None,
        "nothing kept: nothing to keep in step"
    );
    m.events.keep(vec![(viewed("mug"), 5)]);
    m.recorded(&viewed("cap"), 9, true);
    let kept = m.events.get().unwrap();
    assert_eq!(kept, vec![(viewed("mug"), 5), (viewed("cap"), 9)]);
    m.recorded(&viewed("hat"), 10, false);
    assert_eq!(m.events.get(), None);
}

#[test]
fn kept_events_stay_the_newest_few() {
    let m = memory();
    m.events.keep(Vec::new());
    let n = u64::from(wandstore_ai::block::PROFILE_EVENTS);
    for at in 0..n + 3 {
        m.recorded(&viewed("mug"), at, true);
    }
    let kept = m.events.get().unwrap();
    assert_eq!(kept.len() as u64, n);
    assert_eq!(kept.first().map(|e| e.1), Some(3), "the oldest went first");
}

#[test]
fn a_rewrite_forgets_the_rows_and_a_deletion_the_activity_too() {
    let m = memory();
    let keep_all = |m: &ShopperMemory| {
        m.lines.keep(Vec::new());
        m.events.keep(Vec::new());
        m.activity.set(Some(Some(7)));
        m.announced.set(Some(true));
    };
    keep_all(&m);
    m.rewritten();
    assert_eq!((m.lines.get(), m.events.get()), (None, None));
    assert_eq!(
        m.activity.get(),
        Some(Some(7)),
        "a rewrite keeps the activity"
    );
    keep_all(&m);
    m.deleted();
    assert_eq!((m.lines.get(), m.events.get()), (None, None));
    assert_eq!(m.activity.get(), None, "read again after a deletion");
    assert_eq!(
        m.announced.get(),
        Some(true),
        "what StoreConfig heard is not stored"
    );
}
