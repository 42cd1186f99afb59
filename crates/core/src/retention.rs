//! How long a shopper's object keeps its storage after the shopper's last activity, so that
//! objects created by visitors who never come back (and bots) do not grow storage without
//! bound. The shell records activity at most once per [`Retention::record_every_ms`] and keeps
//! one alarm per object at the time [`Retention::expires_at`] answers; when it fires,
//! [`Retention::on_alarm`] says whether to delete everything or look again later.

/// The default for an object whose cart is empty: 30 days.
pub const IDLE_DAYS: u64 = 30;
/// The default for an object with a non-empty cart: 90 days.
pub const CART_DAYS: u64 = 90;
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// How long an object without a cart lives after its last activity.
    pub idle_ms: u64,
    /// How long an object with a cart lives after its last activity.
    pub with_cart_ms: u64,
}

/// What to do when an object's alarm fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnAlarm {
    /// Retention is over: delete all of the object's storage.
    DeleteAll,
    /// Not yet (there was activity, or a cart extends the time): fire again then.
    WakeAt(u64),
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            idle_ms: IDLE_DAYS * DAY_MS,
            with_cart_ms: CART_DAYS * DAY_MS,
        }
    }
}

impl Retention {
    /// `SHOPPER_IDLE_RETENTION_SECS` and `SHOPPER_CART_RETENTION_SECS` through `var`; a
    /// missing, unparsable or zero value takes the default.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let ms = |name: &str| {
            var(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|s| *s > 0)
                .map(|s| s.saturating_mul(1000))
        };
        let d = Retention::default();
        Retention {
            idle_ms: ms("SHOPPER_IDLE_RETENTION_SECS").unwrap_or(d.idle_ms),
            with_cart_ms: ms("SHOPPER_CART_RETENTION_SECS").unwrap_or(d.with_cart_ms),
        }
    }

    /// When an object last active at `last_activity_ms` may be deleted.
    pub fn expires_at(&self, last_activity_ms: u64, has_cart: bool) -> u64 {
        let keep = if has_cart {
            self.with_cart_ms.max(self.idle_ms)
        } else {
            self.idle_ms
        };
        last_activity_ms.saturating_add(keep)
    }

    /// How often activity is written down: a hundredth of the idle retention (7 hours for 30
    /// days), so an active shopper costs one write in that time, not one per page, and the
    /// object is never deleted more than that much early.
    pub fn record_every_ms(&self) -> u64 {
        (self.idle_ms / 100).max(1)
    }

    /// Whether activity at `now_ms` must be written, given when it last was.
    pub fn should_record(&self, last_recorded_ms: Option<u64>, now_ms: u64) -> bool {
        last_recorded_ms.is_none_or(|last| now_ms.saturating_sub(last) >= self.record_every_ms())
    }

    /// The alarm fired at `now_ms` for an object last active at `last_activity_ms` (`None`:
    /// never recorded, so nothing worth keeping was ever written).
    pub fn on_alarm(&self, now_ms: u64, last_activity_ms: Option<u64>, has_cart: bool) -> OnAlarm {
        let Some(last) = last_activity_ms else {
            return OnAlarm::DeleteAll;
        };
        let expires = self.expires_at(last, has_cart);
        if now_ms >= expires {
            OnAlarm::DeleteAll
        } else {
            OnAlarm::WakeAt(expires)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Retention = Retention {
        idle_ms: 1_000,
        with_cart_ms: 3_000,
    };

    #[test]
    fn defaults_are_30_and_90_days() {
        let d = Retention::default();
        assert_eq!(d.idle_ms, 30 * DAY_MS);
        assert_eq!(d.with_cart_ms, 90 * DAY_MS);
        assert_eq!(Retention::from_vars(|_| None), d);
        let v = Retention::from_vars(|n| match n {
            "SHOPPER_IDLE_RETENTION_SECS" => Some("2".into()),
            "SHOPPER_CART_RETENTION_SECS" => Some("0".into()),
            _ => None,
        });
        assert_eq!((v.idle_ms, v.with_cart_ms), (2_000, d.with_cart_ms));
    }

    #[test]
    fn an_idle_object_without_a_cart_is_deleted_after_its_retention() {
        assert_eq!(R.on_alarm(999, Some(0), false), OnAlarm::WakeAt(1_000));
        assert_eq!(R.on_alarm(1_000, Some(0), false), OnAlarm::DeleteAll);
    }

    #[test]
    fn a_cart_keeps_the_object_longer() {
        assert_eq!(R.on_alarm(1_000, Some(0), true), OnAlarm::WakeAt(3_000));
        assert_eq!(R.on_alarm(3_000, Some(0), true), OnAlarm::DeleteAll);
        // A cart never shortens the time, whatever the configuration.
        let odd = Retention {
            idle_ms: 5_000,
            with_cart_ms: 1_000,
        };
        assert_eq!(odd.expires_at(0, true), 5_000);
    }

    #[test]
    fn activity_since_the_alarm_was_set_postpones_it() {
        assert_eq!(R.on_alarm(1_000, Some(500), false), OnAlarm::WakeAt(1_500));
    }

    #[test]
    fn nothing_recorded_means_nothing_to_keep() {
        assert_eq!(R.on_alarm(5, None, true), OnAlarm::DeleteAll);
    }

    #[test]
    fn activity_is_written_once_per_hundredth_of_the_retention() {
        assert_eq!(R.record_every_ms(), 10);
        assert!(R.should_record(None, 0));
        assert!(!R.should_record(Some(100), 109));
        assert!(R.should_record(Some(100), 110));
        assert_eq!(Retention::default().record_every_ms(), 30 * DAY_MS / 100);
    }
}
