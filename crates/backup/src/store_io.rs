//! The one I/O vocabulary of StoreConfig's drivers (the backup and restore drivers, a theme
//! publish): each asks for an [`Effect`] and is handed an [`IoResult`]. The object keeps one
//! executor that performs any effect with the real APIs (SQL, the alarm, the log, R2 BACKUPS
//! and THEMES, its cart index, the shopper objects, the registry, the secret, randomness, a
//! sync, the backup run); what each driver does with the result is its own. The backup and
//! restore drivers are [`StoreDriver`]s, so one loop runs both.

use crate::backup_driver::Driven;
use crate::contents::BaseFiles;
use crate::{BackupId, BackupKey};
use std::collections::HashMap;
use wandstore_core::cart::CartLine;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_registry::{Claim, RegistryEntry, RegistryRefusal, StoreRecord};
use wandstore_storage::Write;

/// An R2 bucket of the store's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Backups,
    Themes,
}

impl Bucket {
    /// The binding the Worker reaches the bucket by (`[[r2_buckets]]` in wrangler.toml).
    pub fn binding(self) -> &'static str {
        match self {
            Bucket::Backups => "BACKUPS",
            Bucket::Themes => "THEMES",
        }
    }
}

/// An object to put into a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPut {
    pub bucket: Bucket,
    pub key: String,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub metadata: HashMap<String, String>,
    /// The body's SHA-256, for R2 to check.
    pub sha256: Option<[u8; 32]>,
    /// Only if no object has the key (else [`IoResult::Taken`]).
    pub only_if_new: bool,
}

impl ObjectPut {
    /// A plain put into BACKUPS.
    pub fn backup(key: String, bytes: Vec<u8>, content_type: &'static str) -> Self {
        ObjectPut {
            bucket: Bucket::Backups,
            key,
            bytes,
            content_type,
            metadata: HashMap::new(),
            sha256: None,
            only_if_new: false,
        }
    }
}

impl ObjectPut {
    /// What the put gave, from whether R2 answered the written object (a put only if new
    /// answers none when the key is taken; a plain put's answer says nothing).
    pub fn outcome<E>(&self, written: Result<bool, E>) -> IoResult<E> {
        match written {
            Ok(false) if self.only_if_new => IoResult::Taken,
            Ok(_) => IoResult::Ok,
            Err(e) => IoResult::Failed(e),
        }
    }
}

/// The I/O a StoreConfig driver needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run these SQL writes in order (storing a run is one: `backup_driver::save`) → `Ok`.
    Write(Vec<Write>),
    /// Read the JSON this statement answers (one row, a nullable `json` column: a stored run)
    /// → [`IoResult::Json`].
    ReadJson(&'static str),
    /// Set the object's alarm this many ms from now → `Ok`.
    SetAlarm(u64),
    /// Print this log line → `Ok`.
    Log(String),
    /// Up to `limit` entries of the cart index after `after`, in order, with their restore
    /// marks → [`IoResult::Marks`].
    ListMarks {
        after: Option<ShopperId>,
        limit: u32,
    },
    /// Get an object → [`IoResult::File`] (`None`: no such object).
    Get { bucket: Bucket, key: String },
    /// Put an object → `Ok`, or [`IoResult::Taken`] for a put only if new.
    Put(Box<ObjectPut>),
    /// Every BACKUPS key under this prefix → [`IoResult::Keys`].
    ListKeys(String),
    /// Delete these BACKUPS keys → `Ok`.
    Delete(Vec<String>),
    /// Ask these shoppers' objects for their carts, all at once (at most
    /// `run_steps::SHOPPERS_AT_ONCE`) → [`IoResult::Carts`], in the same order.
    ReadCarts {
        store: StoreSlug,
        shoppers: Vec<ShopperId>,
    },
    /// Claim (or rewrite) the store's registry entry → `Ok`, or [`IoResult::Refused`].
    Claim { entry: RegistryEntry, claim: Claim },
    /// Forget the store's registry entry (a claim undone) → `Ok`.
    Forget(StoreSlug),
    /// Replace these shoppers' carts (empty lines clear one), all at once → `Ok`.
    ReplaceCarts {
        store: StoreSlug,
        carts: Vec<(ShopperId, Vec<CartLine>)>,
    },
    /// Build the record, theme and settings files from the object's rows →
    /// [`IoResult::Base`].
    ReadBase,
    /// The key that seals and opens a backup's record → [`IoResult::Key`].
    OpenKey,
    /// A new backup id → [`IoResult::Id`].
    NewBackupId,
    /// Drive the object's backup run with up to `pages` cart pages → [`IoResult::Driven`].
    DriveBackup { pages: u32 },
    /// The stored record → [`IoResult::Record`] (`None`: the store does not exist).
    ReadRecord,
    /// Store the record (the copy held in memory too) → `Ok`.
    SaveRecord(Box<StoreRecord>),
    /// Run these theme writes in one transaction (the published copy held in memory is
    /// stale) → `Ok`.
    WriteTheme(Vec<Write>),
    /// Sync the catalog from Shopify → [`IoResult::Synced`].
    Resync,
}

/// What a [`StoreDriver`] asks for next.
#[derive(Debug, PartialEq)]
pub enum Action<T> {
    /// Perform this effect and hand over what it gave.
    Do(Effect),
    /// The invocation is over.
    Done(T),
}

/// A driver the object's one executor runs: it performs each [`Action::Do`] and feeds the
/// result back until [`Action::Done`].
pub trait StoreDriver<E> {
    /// What the driver ends with.
    type Done;
    /// The next action at `now_ms`.
    fn poll(&mut self, now_ms: u64) -> Action<Self::Done>;
    /// What the last effect gave.
    fn feed(&mut self, result: IoResult<E>);
    /// What it ends with when another invocation of the object is driving the same run (it
    /// does nothing then).
    fn elsewhere() -> Self::Done;
}

/// What an [`Effect`] gave (not comparable: it may hold the backup key).
#[derive(Debug, Clone)]
pub enum IoResult<E> {
    Ok,
    /// A put only if new found the key taken.
    Taken,
    File(Option<Vec<u8>>),
    Json(Option<String>),
    Keys(Vec<String>),
    Marks(Vec<(ShopperId, Option<String>)>),
    Carts(Vec<Vec<CartLine>>),
    /// The registry refused a claim (not a failure of the I/O).
    Refused(RegistryRefusal),
    Base(Box<BaseFiles>),
    Key(BackupKey),
    Id(BackupId),
    Driven(Driven),
    Record(Option<Box<StoreRecord>>),
    /// The sync's outcome (a failed sync is not a failed effect).
    Synced(Result<(), E>),
    Failed(E),
}

impl<E> IoResult<E> {
    /// `ok` of the value, or the error.
    pub fn of<T>(result: Result<T, E>, ok: impl FnOnce(T) -> Self) -> Self {
        result.map_or_else(IoResult::Failed, ok)
    }

    /// The kind of result, for a driver's complaint about one it did not wait for.
    pub fn kind(&self) -> &'static str {
        match self {
            IoResult::Ok => "Ok",
            IoResult::Taken => "Taken",
            IoResult::File(_) => "File",
            IoResult::Json(_) => "Json",
            IoResult::Keys(_) => "Keys",
            IoResult::Marks(_) => "Marks",
            IoResult::Carts(_) => "Carts",
            IoResult::Refused(_) => "Refused",
            IoResult::Base(_) => "Base",
            IoResult::Key(_) => "Key",
            IoResult::Id(_) => "Id",
            IoResult::Driven(_) => "Driven",
            IoResult::Record(_) => "Record",
            IoResult::Synced(_) => "Synced",
            IoResult::Failed(_) => "Failed",
        }
    }
}

/// One conversion per kind of value an effect gives (or its error), so the executor performs
/// an effect and hands its result over with `into()`.
macro_rules! results {
    ($($value:ty => $kind:expr),* $(,)?) => {$(
        impl<E> From<Result<$value, E>> for IoResult<E> {
            fn from(result: Result<$value, E>) -> Self {
                IoResult::of(result, $kind)
            }
        }
    )*};
}

results! {
    () => |()| IoResult::Ok,
    Option<Vec<u8>> => IoResult::File,
    Option<String> => IoResult::Json,
    Vec<String> => IoResult::Keys,
    Vec<(ShopperId, Option<String>)> => IoResult::Marks,
    Vec<Vec<CartLine>> => IoResult::Carts,
    BaseFiles => |files| IoResult::Base(Box::new(files)),
    BackupKey => IoResult::Key,
    BackupId => IoResult::Id,
    Driven => IoResult::Driven,
    Option<StoreRecord> => |record: Option<StoreRecord>| IoResult::Record(record.map(Box::new)),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_of_a_unit_result_and_a_value() {
        assert!(matches!(IoResult::<String>::from(Ok(())), IoResult::Ok));
        let failed = IoResult::<String>::from(Err::<(), _>("down".into()));
        assert!(matches!(&failed, IoResult::Failed(e) if e == "down"));
        assert_eq!(failed.kind(), "Failed");
        let synced = IoResult::<String>::Synced(Err("shopify down".into()));
        assert_eq!(synced.kind(), "Synced");
        assert_eq!(
            IoResult::<String>::Driven(Driven::default()).kind(),
            "Driven"
        );
        let keys = IoResult::<String>::of(Ok(vec!["a".to_owned()]), IoResult::Keys);
        assert_eq!(keys.kind(), "Keys");
        assert_eq!(IoResult::<String>::Record(None).kind(), "Record");
    }

    #[test]
    fn each_kind_of_value_converts_to_its_result_and_each_error_to_failed() {
        type R = IoResult<String>;
        let kind = |r: R| r.kind();
        assert_eq!(kind(Ok::<_, String>(Some(b"x".to_vec())).into()), "File");
        assert_eq!(kind(Ok::<_, String>(Some("{}".to_owned())).into()), "Json");
        assert_eq!(kind(Ok::<_, String>(vec!["k".to_owned()]).into()), "Keys");
        let marks: Vec<(ShopperId, Option<String>)> = Vec::new();
        assert_eq!(kind(Ok::<_, String>(marks).into()), "Marks");
        let carts: Vec<Vec<CartLine>> = vec![Vec::new()];
        assert_eq!(kind(Ok::<_, String>(carts).into()), "Carts");
        assert_eq!(kind(Ok::<_, String>(Driven::default()).into()), "Driven");
        let id = BackupId::new(5, [1; 8]).map_err(|e| e.to_string());
        assert_eq!(kind(id.into()), "Id");
        let none: Option<StoreRecord> = None;
        assert!(matches!(R::from(Ok(none)), IoResult::Record(None)));
        let failed: Result<Option<Vec<u8>>, String> = Err("r2 down".into());
        assert!(matches!(R::from(failed), IoResult::Failed(e) if e == "r2 down"));
        let failed: Result<BackupId, String> = Err("no randomness".into());
        assert!(matches!(R::from(failed), IoResult::Failed(e) if e == "no randomness"));
    }

    #[test]
    fn each_bucket_is_a_binding_wrangler_declares_in_every_environment() {
        let wrangler = include_str!("../../../wrangler.toml");
        for bucket in [Bucket::Backups, Bucket::Themes] {
            let line = format!("binding = \"{}\"", bucket.binding());
            assert_eq!(wrangler.matches(&line).count(), 3, "{line}");
        }
        assert_ne!(Bucket::Backups.binding(), Bucket::Themes.binding());
    }

    #[test]
    fn only_a_put_only_if_new_that_wrote_nothing_finds_the_key_taken() {
        let mut put = ObjectPut::backup("k".into(), b"x".to_vec(), "application/json");
        assert!(matches!(put.outcome::<String>(Ok(true)), IoResult::Ok));
        assert!(matches!(put.outcome::<String>(Ok(false)), IoResult::Ok));
        put.only_if_new = true;
        assert!(matches!(put.outcome::<String>(Ok(true)), IoResult::Ok));
        assert!(matches!(put.outcome::<String>(Ok(false)), IoResult::Taken));
        let failed = put.outcome::<String>(Err("r2 down".into()));
        assert!(matches!(failed, IoResult::Failed(e) if e == "r2 down"));
    }

    #[test]
    fn a_backup_put_is_unconditional_and_unchecked() {
        let put = ObjectPut::backup("k".into(), b"x".to_vec(), "application/json");
        assert_eq!(put.bucket, Bucket::Backups);
        assert!(!put.only_if_new && put.sha256.is_none() && put.metadata.is_empty());
    }
}
