//! A restore of the store from one of its backups, performed here:
//! `wandstore_protocol::restore_driver::RestoreDriver` decides every step's I/O (which files
//! to read, what to write, when to store the run, log and set the alarm); `io.rs` performs
//! its actions. The run is stored in `restore_state`; the request that starts it goes as far
//! as one invocation allows and the object's alarm continues it, also after a restart.

use super::{StoreState, internal};
use crate::clock::now_ms;
use std::rc::Rc;
use std::time::Duration;
use wandstore_backup::{RestoreRun, RestoreStatus};
use wandstore_protocol::backup::RestoreBackup;
use wandstore_protocol::restore_driver::{RestoreDriver, StartFacts};
use wandstore_protocol::restore_plan;
use wandstore_protocol::store::StoreError;
use wandstore_storage as storage;

impl StoreState {
    fn stored_restore(&self) -> Result<Option<RestoreRun>, StoreError> {
        self.db
            .json_cell(storage::store_config::SELECT_RESTORE_RUN)
            .map_err(internal)
    }

    /// A restore is under way (backups wait for it).
    pub(super) fn restore_active(&self) -> bool {
        RestoreRun::under_way(self.restore_busy.get(), || self.stored_restore(), now_ms())
    }

    /// Starts a restore: refusals found before anything is written answer here; the rest
    /// goes on as far as this invocation allows, then on the alarm (the driver reads the
    /// record and takes the new id itself).
    pub async fn start_restore(
        self: &Rc<Self>,
        q: &RestoreBackup,
        rid: &str,
    ) -> Result<RestoreStatus, StoreError> {
        let facts = StartFacts {
            restore_active: self.restore_active(),
            backup_running: self.backup_busy.get()
                || self.stored_run().map_err(internal)?.is_some(),
            page_size: super::backups::settings(self).restore_page_size,
        };
        let driver = RestoreDriver::start(q, facts, now_ms(), rid)?;
        let run = self.drive(driver, &self.restore_busy, rid).await?;
        let run = run.ok_or_else(|| internal("the new restore was driven elsewhere"))?;
        restore_plan::start_answer(&run, now_ms())
    }

    /// The current or last restore; a run in progress whose alarm is gone (a restart that
    /// lost it) is woken again.
    pub async fn restore_status(self: &Rc<Self>) -> Result<RestoreStatus, StoreError> {
        let storage = self.state.storage();
        let alarm_set = storage.get_alarm().await.map_err(internal)?.is_some();
        let (run, busy) = (self.stored_restore()?, self.restore_busy.get());
        let (status, wake) = restore_plan::shown(run, busy, alarm_set, now_ms())?;
        if wake {
            storage.set_alarm(Duration::ZERO).await.map_err(internal)?;
        }
        Ok(status)
    }
}
