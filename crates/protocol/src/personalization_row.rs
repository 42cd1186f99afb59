//! StoreConfig's personalization row, sans-IO: its four JSON columns as read (NULL: the
//! default; unreadable: an internal error naming the column, only when a question needs
//! it) and the columns each question writes back. The object runs the SQL.

use crate::personalization::{
    BudgetGrant, ProviderBreakers, RecordPersonalization, refused_fields,
};
use crate::store::StoreError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wandstore_ai::report::{PersonalizationCounters, PersonalizationReport};
use wandstore_ai::rules::DailyBudget;
use wandstore_ai::settings::PersonalizationSettings;

/// The row's columns as JSON text: as read (`SELECT settings, budget, counters, breakers`;
/// `None`: NULL), or as a question's writes (`None`: left as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PersonalizationColumns {
    pub settings: Option<String>,
    pub budget: Option<String>,
    pub counters: Option<String>,
    pub breakers: Option<String>,
}

/// The columns a question writes.
pub type PersonalizationWrites = PersonalizationColumns;

fn read<T: DeserializeOwned + Default>(what: &str, json: Option<&str>) -> Result<T, StoreError> {
    json.map_or(Ok(T::default()), |j| {
        serde_json::from_str(j).map_err(|e| StoreError::Internal {
            message: format!("stored personalization {what} is unreadable: {e}"),
        })
    })
}

fn text(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Internal {
        message: e.to_string(),
    })
}

impl PersonalizationColumns {
    /// The owner's settings (off until set).
    pub fn settings(&self) -> Result<PersonalizationSettings, StoreError> {
        read("settings", self.settings.as_deref())
    }

    /// New settings, if valid (every refused field at once, as a 422).
    pub fn put_settings(
        settings: &PersonalizationSettings,
    ) -> Result<PersonalizationWrites, StoreError> {
        settings.validate().map_err(|errors| StoreError::Invalid {
            fields: refused_fields(errors),
        })?;
        Ok(PersonalizationWrites {
            settings: Some(text(settings)?),
            ..PersonalizationWrites::default()
        })
    }

    /// One model call counted if today's budget allows it: the grant (with the providers'
    /// breakers) and the budget to store when granted.
    pub fn spend(&self, now_ms: u64) -> Result<(BudgetGrant, PersonalizationWrites), StoreError> {
        let settings = self.settings()?;
        let mut budget: DailyBudget = read("budget", self.budget.as_deref())?;
        let breakers: ProviderBreakers = read("breakers", self.breakers.as_deref())?;
        let granted = budget.grant(&settings, now_ms);
        let writes = PersonalizationWrites {
            budget: granted.then(|| text(&budget)).transpose()?,
            ..PersonalizationWrites::default()
        };
        Ok((BudgetGrant { granted, breakers }, writes))
    }

    /// Counts added to the store's totals, and the breakers a refresh moved.
    pub fn record(&self, q: &RecordPersonalization) -> Result<PersonalizationWrites, StoreError> {
        let mut counters: PersonalizationCounters = read("counters", self.counters.as_deref())?;
        counters.add(&q.counts);
        Ok(PersonalizationWrites {
            counters: Some(text(&counters)?),
            breakers: q.breakers.as_ref().map(text).transpose()?,
            ..PersonalizationWrites::default()
        })
    }

    /// The owner's report.
    pub fn report(&self, now_ms: u64) -> Result<PersonalizationReport, StoreError> {
        let budget: DailyBudget = read("budget", self.budget.as_deref())?;
        let counters: PersonalizationCounters = read("counters", self.counters.as_deref())?;
        Ok(PersonalizationReport::build(
            &counters,
            &budget,
            &self.settings()?,
            now_ms,
        ))
    }
}

#[cfg(test)]
#[path = "personalization_row_tests.rs"]
mod tests;
