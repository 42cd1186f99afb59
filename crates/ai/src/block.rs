//! The home page's recommendations block as a shopper's object runs it, decided here: what
//! to ask the store's catalog for ([`wanted`]), what the block shows, whether it counts an
//! impression and whether a model refresh starts after the response ([`plan`]), and what a
//! followed link, an add to cart and the opt-out form record ([`followed`], [`added`],
//! [`opt_out_choice`]). The object reads its rows, asks StoreConfig and performs the plan.

use crate::candidates::CandidateSet;
use crate::page::{PageInput, PageRecommendations, StoredSuggestion, choose};
use crate::profile::Profile;
use crate::prompt::Prompt;
use crate::report::Source;
use crate::request::CallContext;
use crate::rules::{self, DailyBudget, RefreshDecision, RefreshInput};
use crate::settings::PersonalizationSettings;
use serde::{Deserialize, Serialize};
use wandstore_core::catalog_question::MAX_SEEN;
use wandstore_core::shopper_events::{ShopperEvent, recent_products};

/// Products the block shows at most (the theme's section may show fewer).
pub const BLOCK_SIZE: usize = 12;
/// Candidates asked for (the prompt's list).
pub const CANDIDATES: usize = 50;
/// Events the profile is rebuilt from (the newest).
pub const PROFILE_EVENTS: u32 = 100;
/// Entries per dimension in the prompt's taste summary.
pub const SUMMARY_ENTRIES: usize = 5;

/// What a shopper's object keeps for personalization (its `ai_state` rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopperAiState {
    pub suggestion: Option<StoredSuggestion>,
    pub opted_out: bool,
    pub last_refresh_ms: Option<u64>,
}

/// The keys of a shopper's `ai_state` rows (JSON values): the stored suggestion, the
/// opt-out, the last refresh's time and the last recommendation followed ([`RecClick`]).
pub const SUGGESTION_KEY: &str = "suggestion";
pub const OPTED_OUT_KEY: &str = "opted_out";
pub const LAST_REFRESH_KEY: &str = "last_refresh_ms";
pub const REC_CLICK_KEY: &str = "rec_click";
/// The keys [`ShopperAiState`] is read from, in one statement.
pub const STATE_KEYS: [&str; 3] = [SUGGESTION_KEY, OPTED_OUT_KEY, LAST_REFRESH_KEY];

impl ShopperAiState {
    /// The state from `ai_state` rows (`(key, JSON)`); a value absent or unreadable reads as
    /// unset (opted in, no suggestion, never refreshed).
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut state = ShopperAiState::default();
        for (key, json) in rows {
            match key {
                SUGGESTION_KEY => state.suggestion = serde_json::from_str(json).ok(),
                OPTED_OUT_KEY => state.opted_out = serde_json::from_str(json).unwrap_or(false),
                LAST_REFRESH_KEY => state.last_refresh_ms = serde_json::from_str(json).ok(),
                _ => {}
            }
        }
        state
    }
}

/// What to ask the store's catalog for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// Never recommended back: the recently seen products, then the cart's.
    pub exclude: Vec<String>,
    /// The stored suggestion's handles: their cards are needed too.
    pub also: Vec<String>,
}

/// A kept copy of the newest events (oldest first) after `event` was recorded at `at_ms`:
/// it stays the newest [`PROFILE_EVENTS`], as a fresh read would answer.
pub fn keep_newest(events: &mut Vec<(ShopperEvent, u64)>, event: ShopperEvent, at_ms: u64) {
    events.push((event, at_ms));
    let over = events.len().saturating_sub(PROFILE_EVENTS as usize);
    events.drain(..over);
}

/// Whether a block can be shown at all: not before the shopper has a history (the shell
/// reads nothing else for the block until then).
pub fn has_history(events: &[(ShopperEvent, u64)]) -> bool {
    !events.is_empty()
}

/// What to ask for, given the shopper's events (oldest first, with their times) and the
/// product handles of their cart; `None` when there is no history yet (no block).
pub fn wanted(
    events: &[(ShopperEvent, u64)],
    cart: &[String],
    state: &ShopperAiState,
) -> Option<Wanted> {
    if !has_history(events) {
        return None;
    }
    let mut exclude = recent_products(events.iter().rev().map(|(e, _)| e.clone()), MAX_SEEN);
    for handle in cart {
        if !exclude.contains(handle) {
            exclude.push(handle.clone());
        }
    }
    let also = state
        .suggestion
        .as_ref()
        .map(|s| s.handles.clone())
        .unwrap_or_default();
    Some(Wanted { exclude, also })
}

/// Everything the block is decided from, once the catalog's material is in.
#[derive(Debug, Clone, Copy)]
pub struct BlockInput<'a> {
    pub settings: &'a PersonalizationSettings,
    pub state: &'a ShopperAiState,
    pub store: &'a str,
    pub shopper: &'a str,
    pub profile: &'a Profile,
    pub candidates: &'a CandidateSet,
    /// The newest event's time.
    pub last_event_ms: u64,
    /// The page counts (not a theme preview): it records an impression and may refresh.
    pub recorded: bool,
    /// An AI Gateway is configured for this Worker.
    pub gateway: bool,
    /// The page request's id (the refresh's `cf-aig-event-id`).
    pub request_id: &'a str,
    pub now_ms: u64,
}

/// A model refresh to start after the response.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshPlan {
    pub ctx: CallContext,
    pub prompt: Prompt,
    pub set: CandidateSet,
}

/// What the object does for the block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockPlan {
    /// What shows, only products the material has cards for; no handles: no block.
    pub shown: PageRecommendations,
    /// Count an impression for `shown.source`.
    pub impression: bool,
    /// Write the refresh time (before the response, so another page of this shopper does
    /// not start a second refresh), then run this refresh after it.
    pub refresh: Option<RefreshPlan>,
}

/// Decides the block. `showable` says whether the material has a card for a handle (in the
/// catalog, available, not excluded). The holdout is a comparison group of a running
/// experiment: with personalization switched off everyone sees the plain baseline. A refresh
/// is planned only when the local rules say yes ([`rules::decide`] with an unspent budget:
/// the store's exact budget is spent by the refresh itself).
pub fn plan(input: BlockInput<'_>, showable: impl Fn(&str) -> bool) -> BlockPlan {
    let settings = input.settings;
    let holdout =
        settings.enabled && rules::in_holdout(input.store, input.shopper, settings.holdout_pct);
    let baseline = input.candidates.baseline(BLOCK_SIZE);
    let mut shown = choose(
        PageInput {
            stored: input.state.suggestion.as_ref(),
            baseline: &baseline,
            ai_allowed: settings.enabled && !input.state.opted_out,
            holdout,
            n: BLOCK_SIZE,
            now_ms: input.now_ms,
        },
        &showable,
    );
    shown.handles.retain(|h| showable(h));
    if shown.handles.is_empty() || !input.recorded {
        return BlockPlan {
            shown,
            impression: false,
            refresh: None,
        };
    }
    let due = rules::refresh_due(
        input.state.last_refresh_ms,
        Some(input.last_event_ms),
        input.now_ms,
        settings.refresh_minutes,
    );
    let decision = rules::decide(
        RefreshInput {
            settings,
            opted_out: input.state.opted_out,
            holdout,
            due,
            candidates: input.candidates.candidates.len(),
            now_ms: input.now_ms,
        },
        &mut DailyBudget::default(),
    );
    let refresh = (input.gateway && decision == RefreshDecision::Call).then(|| RefreshPlan {
        ctx: CallContext {
            store: input.store.to_string(),
            segment: input.profile.segment(),
            candidate_hash: input.candidates.hash(),
            request_id: input.request_id.to_string(),
            brand_voice: settings.brand_voice.clone(),
        },
        prompt: Prompt::build(
            &input.profile.summary(SUMMARY_ENTRIES),
            input.candidates,
            &settings.brand_voice,
        ),
        set: input.candidates.clone(),
    });
    BlockPlan {
        shown,
        impression: true,
        refresh,
    }
}

/// The last recommendation the shopper followed: an add of this product counts for
/// `source`. Stored as JSON `{"handle":"…","source":"ai"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecClick {
    pub handle: String,
    pub source: Source,
}

/// A product page was opened with `?rec=` (`rec`): the click to remember and count, if the
/// value names a source and the page counts (not a theme preview or a first visit's read).
pub fn followed(rec: Option<&str>, handle: &str, recorded: bool) -> Option<RecClick> {
    let source = match rec? {
        "ai" => Source::Ai,
        "baseline" => Source::Baseline,
        "holdout" => Source::Holdout,
        _ => return None,
    };
    recorded.then(|| RecClick {
        handle: handle.to_owned(),
        source,
    })
}

/// A product was added to the cart: the source to count an add for (and the remembered
/// click to forget) when it is the product last followed from the block.
pub fn added(click: Option<&RecClick>, handle: &str) -> Option<Source> {
    click.filter(|c| c.handle == handle).map(|c| c.source)
}

/// The opt-out form's `choice` field (the first one): `off` opts out (`Some(true)`), `on`
/// opts back in; anything else, or no choice, is refused (`None`).
pub fn opt_out_choice(fields: &[(String, String)]) -> Option<bool> {
    let choice = fields.iter().find(|(k, _)| k == "choice");
    match choice.map(|(_, v)| v.as_str()) {
        Some("off") => Some(true),
        Some("on") => Some(false),
        _ => None,
    }
}

#[cfg(test)]
#[path = "block_tests.rs"]
mod tests;
