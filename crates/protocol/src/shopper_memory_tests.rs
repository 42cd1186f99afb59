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

/// A cart line of one `handle`, as variant `v-{handle}`.
pub(crate) fn line(handle: &str) -> CartLine {
    CartLine {
        variant_id: format!("v-{handle}"),
        product_handle: handle.into(),
        title: String::new(),
        quantity: 1,
        unit_price_when_added: wandstore_core::money::Money::new(
            100,
            wandstore_core::money::Currency::USD,
        ),
        added_at_ms: 0,
    }
}

#[test]
fn a_cart_command_takes_the_kept_lines_and_keeps_what_it_applied() {
    let m = memory();
    assert_eq!(
        m.command_starts(),
        None,
        "nothing kept: the command reads them"
    );
    m.lines.keep(vec![line("v1")]);
    m.events.keep(vec![(viewed("hat"), 1)]);
    assert_eq!(m.command_starts(), Some(vec![line("v1")]));
    assert_eq!(m.lines.get(), None, "taken by the command");
    assert_eq!(m.events.get(), None, "read again: it may record one");
    let applied = Outcome::Applied {
        lines: vec![line("v1"), line("v2")],
    };
    m.command_ended(Some(&applied));
    assert_eq!(m.lines.get(), Some(vec![line("v1"), line("v2")]));
}

#[test]
fn a_refused_or_failed_cart_command_leaves_the_lines_to_be_read_again() {
    let m = memory();
    for outcome in [Some(Outcome::KeyConflict), None] {
        m.lines.keep(vec![line("v1")]);
        assert!(m.command_starts().is_some());
        m.command_ended(outcome.as_ref());
        assert_eq!(m.lines.get(), None, "{outcome:?}");
    }
}

#[test]
fn the_stores_look_is_kept_for_the_snapshot_ttl() {
    let m = memory();
    assert!(m.fresh_look(1_000).is_none(), "nothing kept yet");
    let look = StoreLook {
        settings: wandstore_core::store::demo_stores().remove(0),
        theme: std::sync::Arc::new(wandstore_theme::Theme::default()),
        personalization: Default::default(),
    };
    m.keep_look(look, 1_000);
    let kept = m
        .fresh_look(1_000 + SNAPSHOT_TTL_MS - 1)
        .map(|l| l.settings.slug);
    assert_eq!(kept.as_ref().map(|s| s.as_str()), Some("demo"));
    assert!(
        m.fresh_look(1_000 + SNAPSHOT_TTL_MS + 1).is_none(),
        "past the TTL"
    );
}

#[test]
fn a_backup_read_of_an_empty_cart_leaves_the_index_to_be_told_again() {
    let m = memory();
    m.announced.set(Some(true));
    m.backup_read(&[line("v1")]);
    assert_eq!(
        m.announced.get(),
        Some(true),
        "a cart with lines: as it was"
    );
    m.backup_read(&[]);
    assert_eq!(m.announced.get(), None, "an empty cart may leave the index");
}

#[test]
fn a_restore_rereads_the_rows_and_the_index_has_heard_the_cart() {
    let m = memory();
    for (lines, heard) in [(vec![line("v1")], Some(true)), (vec![], Some(false))] {
        m.lines.keep(vec![line("old")]);
        m.events.keep(vec![(viewed("hat"), 1)]);
        m.restored(&lines);
        assert_eq!((m.lines.get(), m.events.get()), (None, None));
        assert_eq!(m.announced.get(), heard);
    }
}
