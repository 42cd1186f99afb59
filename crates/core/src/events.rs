//! The event lines the shell logs besides the one line per request, as types: each event's
//! fields are written once here, its `msg` and level with it, and [`Event::line`] makes the
//! JSON line (`ts`, `level`, `msg`, `request_id`, then the fields).

use crate::guarded::BreakerChange;
use crate::log::{Level, event_line};
use serde::Serialize;

/// An event line's content.
pub trait Event: Serialize {
    fn msg(&self) -> &'static str;
    fn level(&self) -> Level {
        Level::Info
    }

    /// The JSON line for this event at `ts` (ms), for `request_id` (may be empty).
    fn line(&self, ts: u64, request_id: &str) -> String {
        let fields = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        event_line(ts, self.level(), self.msg(), request_id, fields)
    }
}

/// A shopper object's alarm found it active or with a cart: it looks again later.
#[derive(Debug, Clone, Serialize)]
pub struct ShopperRetained {
    pub has_cart: bool,
    pub wake_at_ms: u64,
}

impl Event for ShopperRetained {
    fn msg(&self) -> &'static str {
        "shopper.retained"
    }
}

/// A shopper object deleted its storage after its retention.
#[derive(Debug, Clone, Serialize)]
pub struct ShopperExpired {
    pub had_cart: bool,
}

impl Event for ShopperExpired {
    fn msg(&self) -> &'static str {
        "shopper.expired"
    }
}

/// Something best-effort failed (the request went on): which, and why.
#[derive(Debug, Clone, Serialize)]
pub struct BestEffortFailed {
    #[serde(skip)]
    pub what: BestEffort,
    /// The store it concerns, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    pub error: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BestEffort {
    /// Recording a shopper's activity for storage retention.
    ShopperActivity,
    /// Writing the request's Analytics Engine data point.
    AnalyticsPoint,
    /// Reading an upstream's stored breaker (it starts closed instead).
    BreakerRead,
    /// Storing an upstream's breaker.
    BreakerSave,
    /// Telling an open live preview that the draft changed.
    PreviewEvent,
    /// Telling StoreConfig's cart index that a cart became (non-)empty.
    CartIndex,
    /// Recording or reading the stores' storage sizes in the registry.
    StorageSizes,
    /// Recording the product views a shopper's cookie carried (they stay in the cookie, and
    /// the next answer tries again).
    PendingViews,
    /// Storing the home views a shopper's cookie carried (they stay in the cookie, and the
    /// next answer tries again).
    PendingHomeViews,
    /// Deleting an unlisted upload's bytes from R2 (they stay there, unreachable).
    AssetDelete,
}

impl Event for BestEffortFailed {
    fn msg(&self) -> &'static str {
        match self.what {
            BestEffort::ShopperActivity => "shopper.activity_unrecorded",
            BestEffort::AnalyticsPoint => "analytics.unwritten",
            BestEffort::BreakerRead => "breaker.unreadable",
            BestEffort::BreakerSave => "breaker.unsaved",
            BestEffort::PreviewEvent => "preview.event_unsent",
            BestEffort::CartIndex => "cart_index.unannounced",
            BestEffort::StorageSizes => "storage.sizes_unavailable",
            BestEffort::PendingViews => "shopper.views_unrecorded",
            BestEffort::PendingHomeViews => "shopper.home_views_uncounted",
            BestEffort::AssetDelete => "asset.bytes_undeleted",
        }
    }

    fn level(&self) -> Level {
        match self.what {
            BestEffort::BreakerRead | BestEffort::BreakerSave => Level::Error,
            BestEffort::ShopperActivity
            | BestEffort::AnalyticsPoint
            | BestEffort::PreviewEvent
            | BestEffort::CartIndex
            | BestEffort::StorageSizes
            | BestEffort::PendingViews
            | BestEffort::PendingHomeViews
            | BestEffort::AssetDelete => Level::Warn,
        }
    }
}

/// An upstream's circuit breaker moved to another state.
#[derive(Debug, Clone, Serialize)]
pub struct BreakerMoved {
    pub store: String,
    pub upstream: &'static str,
    #[serde(skip)]
    pub msg: &'static str,
}

impl BreakerMoved {
    /// The event for a change, if it is a transition (not a counter change).
    pub fn of(change: &BreakerChange, store: &str, upstream: &'static str) -> Option<Self> {
        change.transition().map(|msg| BreakerMoved {
            store: store.to_owned(),
            upstream,
            msg,
        })
    }

    pub fn opened(&self) -> bool {
        self.msg == "breaker.open"
    }
}

impl Event for BreakerMoved {
    fn msg(&self) -> &'static str {
        self.msg
    }

    fn level(&self) -> Level {
        if self.opened() {
            Level::Warn
        } else {
            Level::Info
        }
    }
}

/// A cron run's summary line: which stores it asked to refresh, or why it could not ask.
#[derive(Debug, Clone, Serialize)]
pub struct CronRun {
    /// The cron expression that fired.
    pub cron: String,
    #[serde(flatten)]
    pub outcome: CronOutcome,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum CronOutcome {
    /// The run's page of stores was asked.
    Asked {
        /// Stores registered.
        stores: usize,
        /// Stores asked this run (its page).
        asked: usize,
        /// Stores that started a catalog refresh.
        refreshes_started: usize,
        /// `slug: error code` of each store whose object could not be asked.
        failed: Vec<String>,
    },
    /// The hourly backup asked every store to start its scheduled backup.
    BackupsAsked {
        stores: usize,
        /// Stores that started one (the others were not due or still running one).
        backups_started: usize,
        /// `slug: error code` of each store whose object could not be asked.
        failed: Vec<String>,
    },
    /// The store list could not be read: nothing was asked.
    Failed { error: String },
}

impl Event for CronRun {
    fn msg(&self) -> &'static str {
        "cron"
    }

    /// Info when every store was asked, warn when some could not be, error when none was.
    fn level(&self) -> Level {
        match &self.outcome {
            CronOutcome::Asked { failed, .. } | CronOutcome::BackupsAsked { failed, .. }
                if failed.is_empty() =>
            {
                Level::Info
            }
            CronOutcome::Asked { .. } | CronOutcome::BackupsAsked { .. } => Level::Warn,
            CronOutcome::Failed { .. } => Level::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaker::BreakerState;

    fn parsed(line: &str) -> serde_json::Value {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn shopper_events_have_their_msg_and_fields() {
        let v = parsed(&ShopperExpired { had_cart: true }.line(7, ""));
        assert_eq!(v["msg"], "shopper.expired");
        assert_eq!(
            (v["ts"].as_u64(), v["had_cart"].as_bool()),
            (Some(7), Some(true))
        );
        let v = parsed(
            &ShopperRetained {
                has_cart: false,
                wake_at_ms: 9,
            }
            .line(1, "r"),
        );
        assert_eq!(
            (v["msg"].as_str(), v["wake_at_ms"].as_u64()),
            (Some("shopper.retained"), Some(9))
        );
        assert_eq!(v["request_id"], "r");
    }

    #[test]
    fn best_effort_failures_say_what_failed() {
        let e = BestEffortFailed {
            what: BestEffort::AnalyticsPoint,
            store: None,
            error: "no dataset".into(),
        };
        let v = parsed(&e.line(1, "rid"));
        assert_eq!(v["msg"], "analytics.unwritten");
        assert_eq!(v["level"], "warn");
        assert_eq!(v["error"], "no dataset");
        assert!(v.get("what").is_none());
        let save = BestEffortFailed {
            what: BestEffort::BreakerSave,
            store: Some("demo".into()),
            error: String::new(),
        };
        let v = parsed(&save.line(1, ""));
        assert_eq!(
            (v["level"].as_str(), v["store"].as_str()),
            (Some("error"), Some("demo"))
        );
        for (what, msg) in [
            (BestEffort::PendingViews, "shopper.views_unrecorded"),
            (BestEffort::PendingHomeViews, "shopper.home_views_uncounted"),
            (BestEffort::AssetDelete, "asset.bytes_undeleted"),
        ] {
            let e = BestEffortFailed {
                what,
                store: None,
                error: "demo/assets/x.png: r2 down".into(),
            };
            let v = parsed(&e.line(1, "rid"));
            assert_eq!(
                (v["msg"].as_str(), v["level"].as_str()),
                (Some(msg), Some("warn"))
            );
            assert_eq!(v["error"], "demo/assets/x.png: r2 down");
        }
    }

    #[test]
    fn breaker_transitions_are_events_and_counter_changes_are_not() {
        let closed = BreakerState::Closed {
            consecutive_failures: 0,
        };
        let one = BreakerState::Closed {
            consecutive_failures: 1,
        };
        let open = BreakerState::Open { until_ms: 5 };
        let counter = BreakerChange::between(closed, one).unwrap();
        assert!(BreakerMoved::of(&counter, "demo", "shopify").is_none());
        let opened = BreakerMoved::of(
            &BreakerChange::between(one, open).unwrap(),
            "demo",
            "shopify",
        )
        .unwrap();
        assert!(opened.opened());
        let v = parsed(&opened.line(3, ""));
        assert_eq!(
            (v["msg"].as_str(), v["level"].as_str()),
            (Some("breaker.open"), Some("warn"))
        );
        assert_eq!(
            (v["store"].as_str(), v["upstream"].as_str()),
            (Some("demo"), Some("shopify"))
        );
    }

    #[test]
    fn cron_runs_are_info_warn_or_error_by_outcome() {
        let run = |outcome| CronRun {
            cron: "*/15 * * * *".into(),
            outcome,
            duration_ms: 12,
        };
        let asked = |failed: Vec<String>| CronOutcome::Asked {
            stores: 3,
            asked: 2,
            refreshes_started: 1,
            failed,
        };
        let v = parsed(&run(asked(vec![])).line(1, "rid"));
        assert_eq!(
            (v["msg"].as_str(), v["level"].as_str(), v["cron"].as_str()),
            (Some("cron"), Some("info"), Some("*/15 * * * *"))
        );
        assert_eq!(
            (
                v["stores"].as_u64(),
                v["asked"].as_u64(),
                v["refreshes_started"].as_u64(),
                v["duration_ms"].as_u64()
            ),
            (Some(3), Some(2), Some(1), Some(12))
        );
        assert_eq!(v["failed"], serde_json::json!([]));
        assert!(v.get("error").is_none());
        let v = parsed(&run(asked(vec!["demo: upstream_unavailable".into()])).line(1, ""));
        assert_eq!(v["level"], "warn");
        assert_eq!(v["failed"][0], "demo: upstream_unavailable");
        let v = parsed(
            &run(CronOutcome::Failed {
                error: "registry down".into(),
            })
            .line(1, ""),
        );
        assert_eq!(
            (v["level"].as_str(), v["error"].as_str()),
            (Some("error"), Some("registry down"))
        );
        assert!(v.get("stores").is_none());
    }
}
