//! What the recommendations block of a page shows: a fresh stored suggestion (`ai`), else
//! the profile's baseline (`baseline`, or `holdout` for the holdout group). Prices, stock
//! and every fact come from the catalog at render time; a stored suggestion only contributes
//! product handles (re-checked here) and its headline (escaped by the views).

use crate::gateway::Provider;
use crate::report::Source;
use crate::response::ModelAnswer;
use serde::{Deserialize, Serialize};

/// How long a suggestion stays fresh unless configured: 6 hours.
pub const DEFAULT_TTL_MS: u64 = 6 * 60 * 60 * 1000;

/// A suggestion as the shell stores it in the shopper's SQLite (JSON, stable field names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSuggestion {
    pub handles: Vec<String>,
    pub headline: String,
    pub provider: Provider,
    pub created_ms: u64,
    pub expires_ms: u64,
    /// [`crate::candidates::CandidateSet::hash`] it was chosen from.
    pub candidate_hash: String,
}

impl StoredSuggestion {
    /// The suggestion of a validated answer, fresh for `ttl_ms` from `now_ms`.
    pub fn new(answer: &ModelAnswer, candidate_hash: &str, now_ms: u64, ttl_ms: u64) -> Self {
        StoredSuggestion {
            handles: answer.suggestion.handles.clone(),
            headline: answer.suggestion.headline.clone(),
            provider: answer.provider,
            created_ms: now_ms,
            expires_ms: now_ms.saturating_add(ttl_ms),
            candidate_hash: candidate_hash.to_string(),
        }
    }

    /// True before `expires_ms`.
    pub fn is_fresh(&self, now_ms: u64) -> bool {
        now_ms < self.expires_ms
    }
}

/// The block as the page renders it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecommendations {
    pub handles: Vec<String>,
    /// The model's headline for `ai` (escaped text); `None` means the page's own heading.
    pub headline: Option<String>,
    /// The block's `data-source`.
    pub source: Source,
}

/// What the shell knows when it renders the block.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    pub stored: Option<&'a StoredSuggestion>,
    /// [`crate::candidates::CandidateSet::baseline`] (already without sold-out and cart items).
    pub baseline: &'a [String],
    /// The owner's switch is on and the shopper did not opt out.
    pub ai_allowed: bool,
    pub holdout: bool,
    /// How many products the block shows.
    pub n: usize,
    pub now_ms: u64,
}

/// Chooses the block. A fresh suggestion is used when AI is allowed, the shopper is not in
/// the holdout and at least one of its products can still be shown (`showable`: in the
/// catalog, available, not in the cart); free slots are filled from the baseline. Otherwise
/// the baseline shows.
pub fn choose(input: PageInput<'_>, showable: impl Fn(&str) -> bool) -> PageRecommendations {
    let baseline = |source| PageRecommendations {
        handles: input.baseline.iter().take(input.n).cloned().collect(),
        headline: None,
        source,
    };
    if input.holdout {
        return baseline(Source::Holdout);
    }
    let Some(stored) = input
        .stored
        .filter(|s| input.ai_allowed && s.is_fresh(input.now_ms))
    else {
        return baseline(Source::Baseline);
    };
    let mut handles: Vec<String> = Vec::new();
    for h in &stored.handles {
        if handles.len() < input.n && showable(h) && !handles.contains(h) {
            handles.push(h.clone());
        }
    }
    if handles.is_empty() {
        return baseline(Source::Baseline);
    }
    for h in input.baseline {
        if handles.len() >= input.n {
            break;
        }
        if !handles.contains(h) {
            handles.push(h.clone());
        }
    }
    PageRecommendations {
        handles,
        headline: Some(stored.headline.clone()).filter(|h| !h.is_empty()),
        source: Source::Ai,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::suggestion as stored;

    fn baseline() -> Vec<String> {
        ["b1", "b2", "b3", "b4"].map(String::from).to_vec()
    }

    fn input<'a>(s: Option<&'a StoredSuggestion>, b: &'a [String]) -> PageInput<'a> {
        PageInput {
            stored: s,
            baseline: b,
            ai_allowed: true,
            holdout: false,
            n: 3,
            now_ms: 100,
        }
    }

    #[test]
    fn a_fresh_suggestion_is_shown_topped_up_from_the_baseline() {
        let s = stored(&["a1", "gone", "b2"], 1_000);
        let b = baseline();
        let page = choose(input(Some(&s), &b), |h| h != "gone");
        assert_eq!(page.source, Source::Ai);
        assert_eq!(page.handles, ["a1", "b2", "b1"]);
        assert_eq!(page.headline.as_deref(), Some("<b>Hi</b>"));
    }

    #[test]
    fn stale_missing_disabled_or_unshowable_suggestions_give_the_baseline() {
        let b = baseline();
        let stale = stored(&["a1"], 100);
        let gone = stored(&["x"], 1_000);
        let fresh = stored(&["a1"], 1_000);
        for (page, why) in [
            (choose(input(None, &b), |_| true), "none stored"),
            (choose(input(Some(&stale), &b), |_| true), "stale"),
            (choose(input(Some(&gone), &b), |h| h != "x"), "sold out"),
            (
                choose(
                    PageInput {
                        ai_allowed: false,
                        ..input(Some(&fresh), &b)
                    },
                    |_| true,
                ),
                "kill switch or opt-out",
            ),
        ] {
            assert_eq!(page.source, Source::Baseline, "{why}");
            assert_eq!(page.handles, ["b1", "b2", "b3"], "{why}");
            assert_eq!(page.headline, None, "{why}");
        }
    }

    #[test]
    fn the_holdout_always_sees_the_baseline() {
        let b = baseline();
        let fresh = stored(&["a1"], 1_000);
        let page = choose(
            PageInput {
                holdout: true,
                ..input(Some(&fresh), &b)
            },
            |_| true,
        );
        assert_eq!(page.source, Source::Holdout);
        assert_eq!(page.handles, ["b1", "b2", "b3"]);
    }

    #[test]
    fn stored_suggestions_round_trip_with_provider_names() {
        let s = stored(&["a"], 5);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"provider\":\"anthropic\""), "{json}");
        assert_eq!(serde_json::from_str::<StoredSuggestion>(&json).unwrap(), s);
        assert!(s.is_fresh(4) && !s.is_fresh(5));
    }
}
