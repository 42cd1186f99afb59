//! The store's personalization: the owner's settings, the exact daily call budget, the AI
//! Gateway breakers (one per provider, shared by all the store's shoppers: a shopper object
//! refreshes at most every few minutes, so a breaker of its own would rarely see enough
//! failures to open), the counters behind the owner's report, and each shopper's candidates
//! from the catalog index. One SQLite row; what each question reads and writes is
//! `wandstore_protocol::personalization_row`'s, the rules `wandstore_ai`'s.

use super::{StoreState, internal};
use wandstore_ai::report::PersonalizationReport;
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_protocol::personalization::{BudgetGrant, RecordPersonalization};
use wandstore_protocol::personalization_row::{PersonalizationColumns, PersonalizationWrites};
use wandstore_protocol::store::StoreError;
use wandstore_storage::{plans, store_config as sql};

impl StoreState {
    /// The row (the store exists: `StoreQuestion::needs_store`).
    fn personalization_row(&self) -> Result<PersonalizationColumns, StoreError> {
        let row = self.db.first_row(sql::SELECT_PERSONALIZATION, None);
        Ok(row.map_err(internal)?.unwrap_or_default())
    }

    fn write_personalization(&self, w: PersonalizationWrites) -> Result<(), StoreError> {
        let plan = plans::personalization(w.settings, w.budget, w.counters, w.breakers);
        self.db.write_all(&plan).map_err(internal)
    }

    /// The owner's settings (off until set). The store must exist.
    pub fn personalization_settings(&self) -> Result<PersonalizationSettings, StoreError> {
        self.personalization_row()?.settings()
    }

    /// Replaces the settings (every refused field at once, as a 422).
    pub fn put_personalization(
        &self,
        settings: &PersonalizationSettings,
    ) -> Result<PersonalizationSettings, StoreError> {
        self.write_personalization(PersonalizationColumns::put_settings(settings)?)?;
        Ok(settings.clone())
    }

    /// Counts one model call if today's budget allows it. Synchronous from read to write
    /// (no await), so concurrent shoppers never overspend.
    pub fn spend_budget(&self, now_ms: u64) -> Result<BudgetGrant, StoreError> {
        let (grant, writes) = self.personalization_row()?.spend(now_ms)?;
        self.write_personalization(writes)?;
        Ok(grant)
    }

    /// Adds counts to the store's totals (and stores the breakers a refresh moved).
    pub fn record_personalization(&self, q: &RecordPersonalization) -> Result<(), StoreError> {
        let writes = self.personalization_row()?.record(q)?;
        self.write_personalization(writes)
    }

    /// The owner's report.
    pub fn personalization_report(&self, now_ms: u64) -> Result<PersonalizationReport, StoreError> {
        self.personalization_row()?.report(now_ms)
    }
}
