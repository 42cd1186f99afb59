//! The one executor of the I/O StoreConfig's drivers share (`wandstore_backup::store_io`):
//! reading a stored run, SQL writes, the alarm, log lines, the cart index, R2 BACKUPS and
//! THEMES, the shoppers' carts, the registry entry, the backup key, new ids, the record, a
//! resync, the backup run; and the one loop that runs a backup or a restore driver. What to
//! do with each result is the driver's; this file only performs.

use super::backups::{backup_key, new_id};
use super::{StoreState, internal};
use crate::backups_api::keys;
use crate::clock::now_ms;
use crate::objects::registry_client;
use crate::objects::shopper_client;
use crate::sql;
use futures::future::join_all;
use std::cell::Cell;
use std::rc::Rc;
use wandstore_backup::store_io::{Action, Bucket, Effect, IoResult, ObjectPut, StoreDriver};
use wandstore_core::busy::Busy;
use wandstore_core::guarded::RetryPolicy;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::backup::{
    ReadCart, ReplaceCart, ShopperError, ShopperQuestion, bucket_unavailable, r2_unavailable,
};
use wandstore_protocol::registry::{ForgetStore, WriteEntry, claim_result};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::wire::Question;
use wandstore_storage as storage;
use worker::{Conditional, HttpMetadata};

impl StoreState {
    /// Runs `driver` until it is done, performing each effect (`busy` says whether another
    /// invocation is driving its run: `StoreDriver::elsewhere`; it is held until this
    /// invocation ends or is dropped: `core::busy::Busy`).
    pub(super) async fn drive<D: StoreDriver<StoreError>>(
        self: &Rc<Self>,
        driver: D,
        busy: &Cell<bool>,
        rid: &str,
    ) -> D::Done {
        match Busy::claim(busy) {
            Some(_held) => self.perform(driver, rid).await,
            None => D::elsewhere(),
        }
    }

    /// Runs `driver` until it is done, performing each effect.
    pub(super) async fn perform<D: StoreDriver<StoreError>>(
        self: &Rc<Self>,
        mut driver: D,
        rid: &str,
    ) -> D::Done {
        loop {
            match driver.poll(now_ms()) {
                Action::Do(effect) => driver.feed(self.io(effect, rid).await),
                Action::Done(done) => return done,
            }
        }
    }

    /// Performs `effect` (asking shopper objects with request id `rid`); each value converts
    /// to its result with `into()` (`wandstore_backup::store_io`).
    pub(super) async fn io(self: &Rc<Self>, effect: Effect, rid: &str) -> IoResult<StoreError> {
        match effect {
            Effect::Write(plan) => self.db.write_all(&plan).map_err(internal).into(),
            Effect::ReadJson(query) => {
                let row = self.db.first_row::<storage::OptionalJsonRow>(query, &[]);
                row.map(|row| row.and_then(|r| r.json))
                    .map_err(internal)
                    .into()
            }
            Effect::SetAlarm(ms) => {
                let after = std::time::Duration::from_millis(ms);
                let alarm = self.state.storage().set_alarm(after).await;
                alarm.map_err(internal).into()
            }
            Effect::Log(line) => {
                worker::console_log!("{line}");
                IoResult::Ok
            }
            Effect::ListMarks { after, limit } => self
                .cart_marks(after.as_ref(), limit)
                .map_err(internal)
                .into(),
            Effect::Get { bucket, key } => self.get(bucket, &key).await.into(),
            Effect::Put(put) => {
                let written = self.put(&put).await;
                put.outcome(written.map_err(|e| bucket_unavailable(put.bucket, e)))
            }
            Effect::ListKeys(prefix) => {
                let listed = async { keys(&self.bucket(Bucket::Backups)?, &prefix).await };
                listed.await.map_err(r2_unavailable).into()
            }
            Effect::Delete(keys) => {
                let deleted = async { self.bucket(Bucket::Backups)?.delete_multiple(keys).await };
                deleted.await.map_err(r2_unavailable).into()
            }
            Effect::Claim { entry, claim } => {
                let write = WriteEntry { entry, claim };
                claim_result(registry_client::ask(&self.env, write, rid).await)
            }
            Effect::Forget(slug) => {
                let forgotten = registry_client::ask(&self.env, ForgetStore { slug }, rid).await;
                forgotten.map(drop).map_err(StoreError::from).into()
            }
            Effect::ReadCarts { store, shoppers } => {
                let asks = shoppers.into_iter().map(|s| (s, ReadCart));
                self.ask_shoppers(&store, asks, rid).await.into()
            }
            Effect::ReplaceCarts { store, carts } => {
                let asks = carts
                    .into_iter()
                    .map(|(s, lines)| (s, ReplaceCart { lines }));
                self.ask_shoppers(&store, asks, rid).await.map(drop).into()
            }
            Effect::ReadBase => self.base_files().into(),
            Effect::OpenKey => backup_key(self).into(),
            Effect::NewBackupId => new_id(now_ms()).into(),
            Effect::DriveBackup { pages } => Box::pin(self.drive_backup(pages, rid)).await.into(),
            Effect::ReadRecord => self.load_record().map_err(internal).into(),
            Effect::SaveRecord(record) => self.save_record(&record).map_err(internal).into(),
            Effect::WriteTheme(plan) => {
                self.published.forget();
                sql::apply(&self.state, &self.db, plan)
                    .map_err(internal)
                    .into()
            }
            Effect::Resync => {
                self.catalog.forget();
                let synced = self.sync(RetryPolicy::background(), rid).await;
                IoResult::Synced(synced.map(drop))
            }
        }
    }

    /// Asks each shopper's object its question, all at once (the drivers hand over at most
    /// `SHOPPERS_AT_ONCE`); the answers in order.
    async fn ask_shoppers<Q>(
        &self,
        store: &StoreSlug,
        asks: impl Iterator<Item = (ShopperId, Q)>,
        rid: &str,
    ) -> Result<Vec<Q::Answer>, StoreError>
    where
        Q: Question<Envelope = ShopperQuestion, Error = ShopperError>,
    {
        let asks = asks
            .map(|(s, q)| async move { shopper_client::ask(&self.env, store, &s, q, rid).await });
        let answers = join_all(asks).await.into_iter();
        answers
            .map(|a| a.map_err(|e| internal(format!("asking a shopper object: {e:?}"))))
            .collect()
    }

    fn bucket(&self, which: Bucket) -> worker::Result<worker::Bucket> {
        self.env.bucket(which.binding())
    }

    /// An object's body (`None`: no such object).
    async fn get(&self, which: Bucket, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let got = async {
            let Some(object) = self.bucket(which)?.get(key).execute().await? else {
                return Ok(None);
            };
            match object.body() {
                Some(body) => body.bytes().await.map(Some),
                None => Ok(Some(Vec::new())),
            }
        };
        got.await.map_err(|e| bucket_unavailable(which, e))
    }

    /// Puts an object: whether R2 answered the written object (`ObjectPut::outcome`).
    async fn put(&self, put: &ObjectPut) -> worker::Result<bool> {
        let http = HttpMetadata {
            content_type: Some(put.content_type.into()),
            ..HttpMetadata::default()
        };
        let bucket = self.bucket(put.bucket)?;
        let mut request = (bucket.put(&put.key, put.bytes.clone()))
            .http_metadata(http)
            .custom_metadata(put.metadata.clone());
        if let Some(digest) = put.sha256 {
            request = request.sha256(digest.to_vec());
        }
        if put.only_if_new {
            request = request.only_if(Conditional {
                etag_does_not_match: Some("*".into()),
                ..Conditional::default()
            });
        }
        Ok(request.execute().await?.is_some())
    }
}
