//! The store's personalization: the owner's settings, the exact daily call budget, the AI
//! Gateway breakers (one per provider, shared by all the store's shoppers: a shopper object
//! refreshes at most every few minutes, so a breaker of its own would rarely see enough
//! failures to open), the counters behind the owner's report, and each shopper's candidates
//! from the catalog index. One SQLite row; the rules are `wandstore_ai`'s.

use super::{StoreState, internal};
use wandstore_ai::report::{PersonalizationCounters, PersonalizationReport};
use wandstore_ai::rules::DailyBudget;
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_protocol::personalization::{
    BudgetGrant, ProviderBreakers, RecordPersonalization, refused_fields,
};
use wandstore_protocol::store::StoreError;
use wandstore_storage as storage;

fn read<T: serde::de::DeserializeOwned + Default>(
    what: &str,
    json: Option<String>,
) -> Result<T, StoreError> {
    match json {
        None => Ok(T::default()),
        Some(j) => serde_json::from_str(&j).map_err(|e| StoreError::Internal {
            message: format!("stored personalization {what} is unreadable: {e}"),
        }),
    }
}

fn json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Internal {
        message: e.to_string(),
    })
}

impl StoreState {
    fn personalization_row(&self) -> Result<storage::store_config::PersonalizationRow, StoreError> {
        let rows: Vec<storage::store_config::PersonalizationRow> = self
            .db
            .rows(storage::store_config::SELECT_PERSONALIZATION, None)
            .map_err(internal)?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    /// The owner's settings (off until set). The store must exist.
    pub fn personalization_settings(&self) -> Result<PersonalizationSettings, StoreError> {
        self.settings()?;
        read("settings", self.personalization_row()?.settings)
    }

    /// Replaces the settings (every refused field at once, as a 422).
    pub fn put_personalization(
        &self,
        settings: &PersonalizationSettings,
    ) -> Result<PersonalizationSettings, StoreError> {
        self.settings()?;
        settings.validate().map_err(|errors| StoreError::Invalid {
            fields: refused_fields(errors),
        })?;
        self.db
            .run(
                storage::store_config::SET_PERSONALIZATION_SETTINGS,
                vec![json(settings)?.into()],
            )
            .map_err(internal)?;
        Ok(settings.clone())
    }

    /// Counts one model call if today's budget allows it. Synchronous from read to write
    /// (no await), so concurrent shoppers never overspend.
    pub fn spend_budget(&self, now_ms: u64) -> Result<BudgetGrant, StoreError> {
        self.settings()?;
        let row = self.personalization_row()?;
        let settings: PersonalizationSettings = read("settings", row.settings)?;
        let mut budget: DailyBudget = read("budget", row.budget)?;
        let breakers: ProviderBreakers = read("breakers", row.breakers)?;
        let granted = budget.grant(&settings, now_ms);
        if granted {
            self.db
                .run(
                    storage::store_config::SET_PERSONALIZATION_BUDGET,
                    vec![json(&budget)?.into()],
                )
                .map_err(internal)?;
        }
        Ok(BudgetGrant { granted, breakers })
    }

    /// Adds counts to the store's totals (and stores the breakers a refresh moved).
    pub fn record_personalization(&self, q: &RecordPersonalization) -> Result<(), StoreError> {
        self.settings()?;
        let mut counters: PersonalizationCounters =
            read("counters", self.personalization_row()?.counters)?;
        counters.add(&q.counts);
        self.db
            .run(
                storage::store_config::SET_PERSONALIZATION_COUNTERS,
                vec![json(&counters)?.into()],
            )
            .map_err(internal)?;
        if let Some(b) = &q.breakers {
            self.db
                .run(
                    storage::store_config::SET_PERSONALIZATION_BREAKERS,
                    vec![json(b)?.into()],
                )
                .map_err(internal)?;
        }
        Ok(())
    }

    /// The owner's report.
    pub fn personalization_report(&self, now_ms: u64) -> Result<PersonalizationReport, StoreError> {
        self.settings()?;
        let row = self.personalization_row()?;
        let settings: PersonalizationSettings = read("settings", row.settings)?;
        let budget: DailyBudget = read("budget", row.budget)?;
        let counters: PersonalizationCounters = read("counters", row.counters)?;
        Ok(PersonalizationReport::build(
            &counters, &budget, &settings, now_ms,
        ))
    }
}
