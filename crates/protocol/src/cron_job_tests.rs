// The edge's one error is under clippy's size limit on wasm32 (where the Worker runs) but
// not on a 64-bit host.
#![allow(clippy::result_large_err)]

use super::*;
use crate::backup::BackupStarted;
use crate::store::StoreError;
use crate::wire::AskError;

const NOW: u64 = 1_700_000_000_000;

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

fn slugs(n: usize) -> Vec<StoreSlug> {
    (0..n).map(|i| slug(&format!("store-{i:04}"))).collect()
}

/// The fields of the run's summary line.
fn line(io: CronIo) -> serde_json::Value {
    let CronIo::Done(line) = io else {
        panic!("the run did not end: {io:?}")
    };
    serde_json::from_str(&line).unwrap()
}

/// The run ended with `error` in its line, at level error.
fn ends_with_error(io: CronIo, error: &str) {
    let v = line(io);
    assert_eq!(
        (v["level"].as_str(), v["error"].as_str()),
        (Some("error"), Some(error))
    );
}

fn started(store: &str, skipped: Option<&str>) -> BackupStarted {
    BackupStarted {
        store: slug(store),
        backup: None,
        done: false,
        skipped: skipped.map(str::to_owned),
        used_bytes: 10,
    }
}

#[test]
fn the_hourly_schedule_starts_backups_and_logs_what_they_answered() {
    let mut job = CronJob::new(BACKUP_CRON.into(), 0.0, NOW);
    assert_eq!(
        job.poll(NOW, "rid"),
        CronIo::StartBackups(BackupReason::Scheduled)
    );
    // Asked again until answered.
    assert_eq!(
        job.poll(NOW, "rid"),
        CronIo::StartBackups(BackupReason::Scheduled)
    );
    let down = EdgeError::new(503, "store_unavailable", "down");
    let answers = vec![
        (slug("shop-a"), Ok(started("shop-a", None))),
        (slug("shop-b"), Ok(started("shop-b", Some("not_due")))),
        (slug("shop-c"), Err(down)),
    ];
    job.on_backups(Ok(answers));
    let v = line(job.poll(NOW + 40, "rid-1"));
    assert_eq!(v["cron"], BACKUP_CRON);
    assert_eq!(
        (v["stores"].as_u64(), v["backups_started"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(v["failed"][0], "shop-c: store_unavailable");
    assert_eq!(
        (v["duration_ms"].as_u64(), v["level"].as_str()),
        (Some(40), Some("warn"))
    );
    assert_eq!(v["request_id"], "rid-1");
}

#[test]
fn backups_that_could_not_be_asked_end_the_run_with_that_error() {
    let mut job = CronJob::new(BACKUP_CRON.into(), 0.0, NOW);
    job.poll(NOW, "rid");
    job.on_backups(Err(EdgeError::internal("the registry is down")));
    ends_with_error(job.poll(NOW, "rid"), "the registry is down");
}

#[test]
fn a_refresh_run_asks_the_stores_a_batch_at_a_time_and_names_those_that_failed() {
    let mut job = CronJob::new("*/15 * * * *".into(), 0.0, NOW);
    assert_eq!(job.poll(NOW, "rid"), CronIo::ListStores);
    job.on_stores(Ok(slugs(30)));
    let CronIo::Refresh(first) = job.poll(NOW, "rid") else {
        panic!("no batch")
    };
    assert_eq!(first, slugs(30)[..25]);
    // The same batch until it answers.
    assert_eq!(job.poll(NOW, "rid"), CronIo::Refresh(first.clone()));
    let answers = first.iter().enumerate().map(|(i, _)| match i {
        0 => Err(EdgeError::new(503, "store_unavailable", "down")),
        i => Ok(RefreshStarted {
            started: i % 2 == 0,
        }),
    });
    job.on_refreshed(answers.collect());
    let CronIo::Refresh(second) = job.poll(NOW, "rid") else {
        panic!("no second batch")
    };
    assert_eq!(second, slugs(30)[25..]);
    job.on_refreshed::<EdgeError>(vec![Ok(RefreshStarted { started: true }); 5]);
    let v = line(job.poll(NOW + 7, "rid"));
    assert_eq!(
        (v["stores"].as_u64(), v["asked"].as_u64()),
        (Some(30), Some(30))
    );
    assert_eq!(v["refreshes_started"].as_u64(), Some(12 + 5));
    assert_eq!(v["failed"][0], "store-0000: store_unavailable");
    assert_eq!(v["duration_ms"].as_u64(), Some(7));
}

#[test]
fn an_empty_registry_asks_nobody_and_a_failed_listing_is_the_runs_error() {
    let mut job = CronJob::new("*/15 * * * *".into(), 0.0, NOW);
    job.poll(NOW, "rid");
    job.on_stores(Ok(Vec::new()));
    let v = line(job.poll(NOW, "rid"));
    assert_eq!(
        (v["asked"].as_u64(), v["level"].as_str()),
        (Some(0), Some("info"))
    );

    let mut job = CronJob::new("*/15 * * * *".into(), 0.0, NOW);
    job.poll(NOW, "rid");
    job.on_stores(Err(EdgeError::internal("no registry")));
    ends_with_error(job.poll(NOW, "rid"), "no registry");
}

#[test]
fn a_schedule_time_that_is_not_a_time_asks_the_first_page() {
    for scheduled in [-5.0, f64::NAN] {
        let mut job = CronJob::new("*/15 * * * *".into(), scheduled, NOW);
        job.poll(NOW, "rid");
        job.on_stores(Ok(slugs(1_001)));
        let CronIo::Refresh(batch) = job.poll(NOW, "rid") else {
            panic!("no batch")
        };
        assert_eq!(batch[0].as_str(), "store-0000", "{scheduled}");
    }
    // The next period's run asks the next page.
    let period = wandstore_core::cron_plan::PERIOD_MS as f64;
    let mut job = CronJob::new("*/15 * * * *".into(), period, NOW);
    job.poll(NOW, "rid");
    job.on_stores(Ok(slugs(1_001)));
    let CronIo::Refresh(batch) = job.poll(NOW, "rid") else {
        panic!("no batch")
    };
    assert_eq!(batch[0].as_str(), "store-0500");
}

#[test]
fn results_out_of_turn_change_nothing() {
    let mut job = CronJob::new(BACKUP_CRON.into(), 0.0, NOW);
    job.on_stores(Ok(slugs(3)));
    job.on_refreshed::<EdgeError>(vec![Ok(RefreshStarted { started: true })]);
    assert_eq!(
        job.poll(NOW, "rid"),
        CronIo::StartBackups(BackupReason::Scheduled)
    );
    let mut job = CronJob::new("*/15 * * * *".into(), 0.0, NOW);
    job.on_backups(Ok(Vec::new()));
    assert_eq!(job.poll(NOW, "rid"), CronIo::ListStores);
}

#[test]
fn a_store_the_refresh_could_not_reach_is_named_with_its_errors_code() {
    let mut job = CronJob::new("*/15 * * * *".into(), 0.0, NOW);
    job.poll(NOW, "rid");
    job.on_stores(Ok(slugs(1)));
    assert!(matches!(job.poll(NOW, "rid"), CronIo::Refresh(_)));
    let broken: AskError<StoreError> = AskError::Broken("the object is gone".into());
    let code = EdgeError::from(broken.clone()).code;
    job.on_refreshed(vec![Err::<RefreshStarted, _>(broken)]);
    let v = line(job.poll(NOW, "rid"));
    let store = slugs(1)[0].as_str().to_owned();
    assert_eq!(v["failed"][0], format!("{store}: {code}"));
    assert_eq!(v["refreshes_started"].as_u64(), Some(0));
}
