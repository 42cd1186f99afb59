//! What StoreConfig answers about personalization: the owner's settings (they also travel
//! to shopper objects in the 5 s settings snapshot), the candidates and profile of one
//! shopper (from the store's catalog index), the exact daily call budget, the AI Gateway
//! breakers it keeps for all the store's shoppers, and the counters behind the owner's report.

use crate::EdgeError;
use serde::{Deserialize, Serialize};
use wandstore_ai::block::{self, Wanted};
use wandstore_ai::candidates::CandidateSet;
use wandstore_ai::gateway::Provider;
use wandstore_ai::material;
use wandstore_ai::profile::Profile;
use wandstore_ai::refresh::Breakers;
use wandstore_ai::refresh_job::JobInput;
use wandstore_ai::report::PersonalizationCounters;
use wandstore_ai::settings::{self, PersonalizationSettings};
use wandstore_core::breaker::BreakerState;
use wandstore_core::catalog_index::{CatalogIndex, ProductCard};
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_registry::FieldError;

/// The owner's settings as stored (defaults when never set: off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPersonalization;

/// Replace the settings (already validated by the edge; validated again in the object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutPersonalization {
    pub settings: PersonalizationSettings,
}

/// One shopper's recommendations material: their profile rebuilt from their events with
/// the catalog's facts, the candidates it ranks (cart and `exclude` left out), and product
/// cards for every candidate and for each of `also` (a stored suggestion's handles) that is
/// still in the catalog and available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personalize {
    /// The shopper's events, oldest first, each with its time (Unix ms).
    pub events: Vec<(ShopperEvent, u64)>,
    pub exclude: Vec<String>,
    pub also: Vec<String>,
    /// How many candidates (at most `wandstore_ai::candidates::MAX_CANDIDATES`).
    pub max: usize,
    pub now_ms: u64,
}

impl Personalize {
    /// The home page block's question: what `wandstore_ai::block::wanted` asks for, with
    /// the block's number of candidates.
    pub fn for_block(events: Vec<(ShopperEvent, u64)>, wanted: Wanted, now_ms: u64) -> Self {
        Personalize {
            events,
            exclude: wanted.exclude,
            also: wanted.also,
            max: block::CANDIDATES,
            now_ms,
        }
    }

    /// What the answer depends on, as a key for the shopper's memo of it: the events and the
    /// handles asked for, not the time (the memo's age bounds that).
    pub fn memo_key(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&(&self.events, &self.exclude, &self.also))
    }

    /// StoreConfig's answer from its catalog index (`wandstore_ai::material` decides).
    pub fn answer(&self, index: &CatalogIndex) -> Personalized {
        let ask = material::Ask {
            events: &self.events,
            exclude: &self.exclude,
            also: &self.also,
            max: self.max,
            now_ms: self.now_ms,
        };
        let m = material::build(
            index.products(),
            index.collections(),
            |h| index.product(h),
            &ask,
        );
        Personalized {
            profile: m.profile,
            candidates: m.candidates,
            cards: m.showable.into_iter().map(ProductCard::from).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Personalized {
    pub profile: Profile,
    pub candidates: CandidateSet,
    /// Cards of the candidates and of the available `also` handles.
    pub cards: Vec<ProductCard>,
}

impl Personalized {
    /// Whether there is a card for `handle`.
    pub fn has_card(&self, handle: &str) -> bool {
        self.cards.iter().any(|c| c.handle == handle)
    }

    /// The cards of `handles`, in their order; a handle without a card is left out.
    pub fn cards_of(&self, handles: &[String]) -> Vec<ProductCard> {
        handles
            .iter()
            .filter_map(|h| self.cards.iter().find(|c| &c.handle == h))
            .cloned()
            .collect()
    }
}

/// Count one model call against today's budget, exactly (the object is the one counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendBudget {
    pub now_ms: u64,
}

/// Whether the call may go ahead, and the providers' breakers as the store knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetGrant {
    pub granted: bool,
    pub breakers: ProviderBreakers,
}

impl BudgetGrant {
    /// What the refresh job is told of StoreConfig's answer (`Err`: why it gave none).
    pub fn job_input<E: std::fmt::Display>(answer: Result<BudgetGrant, E>) -> JobInput {
        match answer {
            Ok(grant) => JobInput::Budget {
                granted: grant.granted,
                breakers: grant.breakers.into(),
            },
            Err(why) => JobInput::Failed(why.to_string()),
        }
    }
}

/// The AI Gateway breakers of a store (one per provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderBreakers {
    pub openai: BreakerState,
    pub anthropic: BreakerState,
}

impl Default for ProviderBreakers {
    fn default() -> Self {
        ProviderBreakers {
            openai: BreakerState::Closed {
                consecutive_failures: 0,
            },
            anthropic: BreakerState::Closed {
                consecutive_failures: 0,
            },
        }
    }
}

impl From<&Breakers> for ProviderBreakers {
    fn from(b: &Breakers) -> Self {
        ProviderBreakers {
            openai: b.state(Provider::OpenAi),
            anthropic: b.state(Provider::Anthropic),
        }
    }
}

impl From<ProviderBreakers> for Breakers {
    fn from(b: ProviderBreakers) -> Self {
        Breakers::from_states(b.openai, b.anthropic)
    }
}

/// The refused settings fields as the edge reports them (a 422's `fields`).
pub fn refused_fields(errors: Vec<settings::FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            field: e.field,
            message: e.message,
        })
        .collect()
}

/// Add these counts (a refresh's outcomes, a page's impression, a click, an add) to the
/// store's totals; `breakers`: the providers' breakers after a refresh that changed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPersonalization {
    pub counts: PersonalizationCounters,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakers: Option<ProviderBreakers>,
}

impl RecordPersonalization {
    /// `counts`, with the providers' breakers if a refresh changed them.
    pub fn new(counts: PersonalizationCounters, breakers: Option<&Breakers>) -> Self {
        let breakers = breakers.map(ProviderBreakers::from);
        RecordPersonalization { counts, breakers }
    }
}

/// The owner's report (`wandstore_ai::report::PersonalizationReport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowPersonalization {
    pub now_ms: u64,
}

/// The opt-out form's answer: whether the shopper opts out (`choice=off`) or back in
/// (`choice=on`); anything else is a 400.
#[allow(clippy::result_large_err)] // the edge's one error (under the limit on wasm32)
pub fn opt_out(fields: &[(String, String)]) -> Result<bool, EdgeError> {
    block::opt_out_choice(fields).ok_or_else(|| {
        EdgeError::bad_request(
            "bad_choice",
            "choose “on” or “off” for personalized recommendations",
        )
    })
}

#[cfg(test)]
#[path = "personalization_tests.rs"]
pub(crate) mod tests;
