//! The executor of `wandstore_protocol::store_rows::RowRun`: the questions answered from the
//! object's rows alone (the record, theme state, assets, theme history, personalization
//! row). Which rows a question reads, what it writes and answers are the run's; this file
//! reads, writes and tells the previews.

use super::{StoreState, internal};
use wandstore_protocol::personalization_row::PersonalizationColumns;
use wandstore_protocol::store::StoreError;
use wandstore_protocol::store_rows::{Need, Read, RowAction, RowInput, RowRun};
use wandstore_storage::store_config as sql;

impl StoreState {
    /// Performs the run's actions; the reply's body.
    pub(super) fn answer_from_rows(&self, mut run: RowRun) -> String {
        loop {
            let input = match run.poll() {
                RowAction::Read(need) => self.read(need).into(),
                RowAction::Write(plan) => self.db.write_all(&plan).map_err(internal).into(),
                RowAction::SaveRecord(r) => self.save_record(&r).map_err(internal).into(),
                RowAction::DraftChanged => {
                    self.broadcast_draft_changed();
                    RowInput::Done
                }
                RowAction::Done(reply) => return reply,
            };
            run.on_result(input);
        }
    }

    fn read(&self, need: Need) -> Result<Read, StoreError> {
        Ok(match need {
            Need::Record => Read::Record(self.existing_record()?),
            Need::ThemeState => Read::ThemeState(self.theme_row()?),
            Need::Published => Read::Published(self.published()?),
            Need::Assets => {
                let assets = self.db.json_rows(sql::SELECT_ASSETS, &[]);
                Read::Assets(assets.map_err(internal)?)
            }
            Need::Versions => Read::Versions(self.theme_versions()?),
            Need::Personalization => {
                let row = self
                    .db
                    .first_row::<PersonalizationColumns>(sql::SELECT_PERSONALIZATION, &[]);
                Read::Personalization(row.map_err(internal)?.unwrap_or_default())
            }
        })
    }
}
