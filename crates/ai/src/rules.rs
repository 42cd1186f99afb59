//! Whether a refresh may call a model, and which provider to try: the kill switch, the
//! shopper's opt-out, the holdout, the refresh interval, the store's daily budget and the
//! provider fallback order. All pure; time and state are passed in.

use crate::failure::FailureKind;
use crate::gateway::Provider;
use crate::settings::PersonalizationSettings;
use serde::{Deserialize, Serialize};
use wandstore_core::breaker::BreakerState;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
const MINUTE_MS: u64 = 60 * 1000;

/// The UTC day of a time (days since 1970-01-01).
pub fn utc_day(now_ms: u64) -> u64 {
    now_ms / DAY_MS
}

/// True when a shopper's suggestion should be refreshed: there is an event newer than the
/// last refresh (or there has never been one and there are events), and the last refresh is
/// at least `refresh_minutes` old.
pub fn refresh_due(
    last_refresh_ms: Option<u64>,
    last_event_ms: Option<u64>,
    now_ms: u64,
    refresh_minutes: u32,
) -> bool {
    let Some(event) = last_event_ms else {
        return false;
    };
    match last_refresh_ms {
        None => true,
        Some(refreshed) => {
            event > refreshed
                && now_ms.saturating_sub(refreshed)
                    >= u64::from(refresh_minutes).saturating_mul(MINUTE_MS)
        }
    }
}

/// A store's model calls on one UTC day. The shell keeps it in StoreConfig's SQLite and asks
/// [`DailyBudget::try_spend`] before every call, so the count is exact. JSON:
/// `{"day":20420,"used":12}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyBudget {
    /// [`utc_day`] of the count.
    pub day: u64,
    pub used: u32,
}

impl DailyBudget {
    /// Calls made today (0 when the stored count is from an earlier day).
    pub fn used_on(&self, now_ms: u64) -> u32 {
        if self.day == utc_day(now_ms) {
            self.used
        } else {
            0
        }
    }

    /// Calls left today under `limit`.
    pub fn remaining(&self, now_ms: u64, limit: u32) -> u32 {
        limit.saturating_sub(self.used_on(now_ms))
    }

    /// StoreConfig's exact check before a refresh's model call: counts one call when
    /// personalization is on and today's budget allows it; nothing is counted otherwise.
    pub fn grant(&mut self, settings: &PersonalizationSettings, now_ms: u64) -> bool {
        settings.enabled && self.try_spend(now_ms, settings.daily_budget)
    }

    /// Counts one call if the budget allows it; `false` (and nothing counted) once today's
    /// budget is spent. A new UTC day starts from zero.
    pub fn try_spend(&mut self, now_ms: u64, limit: u32) -> bool {
        let today = utc_day(now_ms);
        if self.day != today {
            *self = DailyBudget {
                day: today,
                used: 0,
            };
        }
        if self.used >= limit {
            return false;
        }
        self.used += 1;
        true
    }
}

/// True when the shopper is kept on the baseline for comparison: a deterministic bucket
/// 0–99 from the SHA-256 of store and shopper id, below `holdout_pct`. The same shopper
/// stays in (or out of) the holdout of a store; other stores bucket them independently.
pub fn in_holdout(store: &str, shopper_id: &str, holdout_pct: u8) -> bool {
    let bucket = crate::hash::u64_of(&["holdout", store, shopper_id]) % 100;
    bucket < u64::from(holdout_pct.min(100))
}

/// Why no model call is made for a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The owner's kill switch is off.
    Disabled,
    /// The shopper opted out.
    OptedOut,
    /// The shopper is in the holdout.
    Holdout,
    /// Refreshed recently, or nothing new happened.
    NotDue,
    /// No candidates to choose from.
    NoCandidates,
    /// The store's calls for today are spent.
    BudgetSpent,
}

/// What a refresh should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Call a model (the budget has been counted).
    Call,
    Skip(SkipReason),
}

/// What the shell knows when a refresh could start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshInput<'a> {
    pub settings: &'a PersonalizationSettings,
    pub opted_out: bool,
    /// [`in_holdout`] for this shopper.
    pub holdout: bool,
    /// [`refresh_due`] for this shopper.
    pub due: bool,
    pub candidates: usize,
    pub now_ms: u64,
}

/// Decides, in this order: kill switch, opt-out, holdout, due, candidates, budget. The
/// budget is spent only when the answer is [`RefreshDecision::Call`].
pub fn decide(input: RefreshInput<'_>, budget: &mut DailyBudget) -> RefreshDecision {
    let skip = if !input.settings.enabled {
        Some(SkipReason::Disabled)
    } else if input.opted_out {
        Some(SkipReason::OptedOut)
    } else if input.holdout {
        Some(SkipReason::Holdout)
    } else if !input.due {
        Some(SkipReason::NotDue)
    } else if input.candidates == 0 {
        Some(SkipReason::NoCandidates)
    } else if !budget.try_spend(input.now_ms, input.settings.daily_budget) {
        Some(SkipReason::BudgetSpent)
    } else {
        None
    };
    skip.map_or(RefreshDecision::Call, RefreshDecision::Skip)
}

/// True when a breaker in this state refuses calls at `now_ms` (open and not yet due for a
/// probe). Used to skip a provider without asking it.
pub fn breaker_rejects(state: BreakerState, now_ms: u64) -> bool {
    matches!(state, BreakerState::Open { until_ms } if now_ms < until_ms)
}

/// The providers of one refresh, tried in [`Provider::FALLBACK_ORDER`]: a provider whose
/// breaker is open is skipped (and counted as failed with `breaker_open`); when every one
/// has failed, the baseline stands.
///
/// ```text
/// let mut fb = Fallback::default();
/// while let Some(p) = fb.next(|p| breaker_rejects(state_of(p), now)) {
///     match guarded_call(p) { Ok(answer) => return answer, Err(f) => fb.failed(p, f.kind) }
/// }
/// // baseline; fb.failures() says why
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fallback {
    tried: usize,
    failures: Vec<(Provider, FailureKind)>,
}

impl Fallback {
    /// The next provider to call, or `None` when all are spent.
    pub fn next(&mut self, rejects: impl Fn(Provider) -> bool) -> Option<Provider> {
        while let Some(&p) = Provider::FALLBACK_ORDER.get(self.tried) {
            self.tried += 1;
            if rejects(p) {
                self.failures.push((p, FailureKind::BreakerOpen));
            } else {
                return Some(p);
            }
        }
        None
    }

    /// The provider last returned by [`Fallback::next`] failed.
    pub fn failed(&mut self, provider: Provider, kind: FailureKind) {
        self.failures.push((provider, kind));
    }

    /// Every failure so far, in order.
    pub fn failures(&self) -> &[(Provider, FailureKind)] {
        &self.failures
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
