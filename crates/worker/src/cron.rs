//! Scheduled work (the cron triggers in wrangler.toml).

use wandstore_core::log::{Level, RequestLog};
use worker::{ScheduledEvent, console_log};

/// Logs the tick; catalog refresh and backups hook in here.
pub fn run(event: &ScheduledEvent) {
    let line = RequestLog {
        ts: worker::Date::now().as_millis(),
        level: Level::Info,
        msg: "cron",
        method: "SCHEDULED".into(),
        path: event.cron(),
        ..Default::default()
    };
    console_log!("{}", line.to_json());
}
