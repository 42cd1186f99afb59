//! Measurement: what personalization did for a store, aggregated without any I/O.
//!
//! The shell keeps one [`PersonalizationCounters`] per store (StoreConfig's SQLite, as
//! JSON), feeds it every call outcome and every impression, click and add-to-cart of the
//! recommendations block, and answers `GET /admin/stores/{slug}/personalization` with
//! [`PersonalizationReport::build`].
//!
//! Report JSON (exact field names):
//!
//! ```json
//! {
//!   "enabled": true,
//!   "calls": 10, "answered": 8, "cache_hits": 3, "cache_hit_rate": 0.375,
//!   "calls_by_provider": {"openai": 9, "anthropic": 1},
//!   "failures": {"timeout": 1, "invalid_json": 1},
//!   "prompt_tokens": 4000, "completion_tokens": 200,
//!   "budget": {"daily_limit": 1000, "used_today": 10, "left_today": 990},
//!   "sources": {
//!     "ai":       {"impressions": 100, "clicks": 7, "adds_to_cart": 2, "click_through_rate": 0.07, "add_to_cart_rate": 0.02},
//!     "baseline": {…},
//!     "holdout":  {…}
//!   }
//! }
//! ```
//!
//! Rates are per impression, 0 when there were none. `failures` is keyed by
//! [`FailureKind::as_str`] and leaves out kinds that never happened.

use crate::failure::FailureKind;
use crate::gateway::Provider;
use crate::response::{CacheStatus, Usage};
use crate::rules::DailyBudget;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which ranking the recommendations block showed (its `data-source` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A fresh model suggestion.
    Ai,
    /// The profile's ranking (AI off, failing, not yet refreshed, budget spent, opted out).
    Baseline,
    /// The profile's ranking for a shopper in the holdout group.
    Holdout,
}

impl Source {
    /// `ai`, `baseline` or `holdout`: the value of `data-source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Ai => "ai",
            Source::Baseline => "baseline",
            Source::Holdout => "holdout",
        }
    }

    /// The source a page shows: the holdout always sees the baseline (labelled `holdout`);
    /// otherwise a fresh suggestion makes it `ai`.
    pub fn for_page(holdout: bool, fresh_suggestion: bool) -> Source {
        if holdout {
            Source::Holdout
        } else if fresh_suggestion {
            Source::Ai
        } else {
            Source::Baseline
        }
    }
}

/// What a shopper did with the recommendations block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interaction {
    Impression,
    Click,
    AddToCart,
}

/// Counts for one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCounts {
    pub impressions: u64,
    pub clicks: u64,
    pub adds_to_cart: u64,
}

/// How one model call ended (after the guarded call and its retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Answered {
        provider: Provider,
        cache: CacheStatus,
        usage: Usage,
    },
    Failed {
        provider: Provider,
        kind: FailureKind,
        /// Tokens spent on an answer that could not be used (0 when there was none).
        usage: Usage,
    },
}

/// A store's running totals. JSON field names are stable (stored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalizationCounters {
    /// Requests sent to a provider (a provider skipped for its open breaker is not a call).
    pub calls: u64,
    pub answered: u64,
    pub cache_hits: u64,
    #[serde(default)]
    pub calls_by_provider: BTreeMap<String, u64>,
    #[serde(default)]
    pub failures: BTreeMap<String, u64>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    #[serde(default)]
    pub ai: SourceCounts,
    #[serde(default)]
    pub baseline: SourceCounts,
    #[serde(default)]
    pub holdout: SourceCounts,
}

impl PersonalizationCounters {
    /// Counts one call's outcome.
    pub fn record_call(&mut self, outcome: CallOutcome) {
        let (provider, usage) = match outcome {
            CallOutcome::Answered {
                provider,
                cache,
                usage,
            } => {
                self.answered = self.answered.saturating_add(1);
                if cache == CacheStatus::Hit {
                    self.cache_hits = self.cache_hits.saturating_add(1);
                }
                (provider, usage)
            }
            CallOutcome::Failed {
                provider,
                kind,
                usage,
            } => {
                bump(&mut self.failures, kind.as_str());
                if kind == FailureKind::BreakerOpen {
                    return;
                }
                (provider, usage)
            }
        };
        self.calls = self.calls.saturating_add(1);
        bump(&mut self.calls_by_provider, provider.as_str());
        self.prompt_tokens = self.prompt_tokens.saturating_add(usage.prompt_tokens);
        self.completion_tokens = self
            .completion_tokens
            .saturating_add(usage.completion_tokens);
    }

    /// Counts one impression, click or add-to-cart from the block shown with `source`.
    pub fn record(&mut self, source: Source, what: Interaction) {
        let c = match source {
            Source::Ai => &mut self.ai,
            Source::Baseline => &mut self.baseline,
            Source::Holdout => &mut self.holdout,
        };
        let n = match what {
            Interaction::Impression => &mut c.impressions,
            Interaction::Click => &mut c.clicks,
            Interaction::AddToCart => &mut c.adds_to_cart,
        };
        *n = n.saturating_add(1);
    }
}

impl PersonalizationCounters {
    /// Adds another set of counts (a shopper object's outcomes of one refresh, or its
    /// interactions) to these totals.
    pub fn add(&mut self, other: &PersonalizationCounters) {
        let sum = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        sum(&mut self.calls, other.calls);
        sum(&mut self.answered, other.answered);
        sum(&mut self.cache_hits, other.cache_hits);
        for (k, v) in &other.calls_by_provider {
            sum(self.calls_by_provider.entry(k.clone()).or_insert(0), *v);
        }
        for (k, v) in &other.failures {
            sum(self.failures.entry(k.clone()).or_insert(0), *v);
        }
        sum(&mut self.prompt_tokens, other.prompt_tokens);
        sum(&mut self.completion_tokens, other.completion_tokens);
        for (mine, theirs) in [
            (&mut self.ai, other.ai),
            (&mut self.baseline, other.baseline),
            (&mut self.holdout, other.holdout),
        ] {
            sum(&mut mine.impressions, theirs.impressions);
            sum(&mut mine.clicks, theirs.clicks);
            sum(&mut mine.adds_to_cart, theirs.adds_to_cart);
        }
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    let n = map.entry(key.to_string()).or_insert(0);
    *n = n.saturating_add(1);
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The budget part of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetReport {
    pub daily_limit: u32,
    pub used_today: u32,
    pub left_today: u32,
}

/// One source's counts and rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    pub impressions: u64,
    pub clicks: u64,
    pub adds_to_cart: u64,
    /// clicks / impressions.
    pub click_through_rate: f64,
    /// adds_to_cart / impressions.
    pub add_to_cart_rate: f64,
}

impl From<SourceCounts> for SourceReport {
    fn from(c: SourceCounts) -> Self {
        SourceReport {
            impressions: c.impressions,
            clicks: c.clicks,
            adds_to_cart: c.adds_to_cart,
            click_through_rate: rate(c.clicks, c.impressions),
            add_to_cart_rate: rate(c.adds_to_cart, c.impressions),
        }
    }
}

/// The three sources side by side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SourcesReport {
    pub ai: SourceReport,
    pub baseline: SourceReport,
    pub holdout: SourceReport,
}

/// The owner's view (see the module docs for the JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalizationReport {
    pub enabled: bool,
    pub calls: u64,
    pub answered: u64,
    pub cache_hits: u64,
    /// cache_hits / answered.
    pub cache_hit_rate: f64,
    pub calls_by_provider: BTreeMap<String, u64>,
    pub failures: BTreeMap<String, u64>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub budget: BudgetReport,
    pub sources: SourcesReport,
}

impl PersonalizationReport {
    /// The report from a store's counters, its budget count and its settings, at `now_ms`.
    pub fn build(
        counters: &PersonalizationCounters,
        budget: &DailyBudget,
        settings: &crate::settings::PersonalizationSettings,
        now_ms: u64,
    ) -> PersonalizationReport {
        PersonalizationReport {
            enabled: settings.enabled,
            calls: counters.calls,
            answered: counters.answered,
            cache_hits: counters.cache_hits,
            cache_hit_rate: rate(counters.cache_hits, counters.answered),
            calls_by_provider: counters.calls_by_provider.clone(),
            failures: counters.failures.clone(),
            prompt_tokens: counters.prompt_tokens,
            completion_tokens: counters.completion_tokens,
            budget: BudgetReport {
                daily_limit: settings.daily_budget,
                used_today: budget.used_on(now_ms),
                left_today: budget.remaining(now_ms, settings.daily_budget),
            },
            sources: SourcesReport {
                ai: counters.ai.into(),
                baseline: counters.baseline.into(),
                holdout: counters.holdout.into(),
            },
        }
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
