//! StoreRegistry: the one object (`"registry"`) that knows every store slug and custom
//! domain, so slugs and domains stay unique and a custom domain can be routed. It reads the
//! facts a claim needs and persists what `protocol::registry::WriteEntry::plan` allows; its
//! listing is `wandstore_registry::entries` over its two tables.

use super::answering::{self, answer};
use super::registry_sizes as sizes;
use crate::sql::{self, Db};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::registry::{ForgetStore, RegistryQuestion, WriteEntry};
use wandstore_registry::{DomainRow, RegistryEntry, RegistryRefusal, StoreRow, entries};
use wandstore_storage::{self as storage, plans};
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

/// The registry's object name.
pub const NAME: &str = "registry";

#[durable_object]
pub struct StoreRegistry {
    state: State,
    db: Db,
}

impl DurableObject for StoreRegistry {
    fn new(state: State, _env: Env) -> Self {
        StoreRegistry {
            db: Db::new(&state),
            state,
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let migrations = storage::registry::MIGRATIONS;
        let question = match answering::question(&req, &self.db, &self.state, migrations).await? {
            Ok(q) => q,
            Err(unreadable) => return Ok(unreadable),
        };
        let (db, state) = (&self.db, &self.state);
        Ok(match question {
            RegistryQuestion::List(q) => answer(&q, Ok(self.list()?)),
            RegistryQuestion::Lookup(q) => answer(&q, Ok(self.owner_of(&q.host)?)),
            RegistryQuestion::Write(q) => answer(&q, self.write(&q)?),
            RegistryQuestion::Forget(q) => answer(&q, Ok(self.forget(&q)?)),
            RegistryQuestion::RecordSizes(q) => answer(&q, Ok(sizes::record(db, state, &q)?)),
            RegistryQuestion::ShowStorage(q) => answer(&q, Ok(sizes::report(db, state, q.limit)?)),
        })
    }
}

impl StoreRegistry {
    fn list(&self) -> Result<Vec<RegistryEntry>> {
        let stores: Vec<StoreRow> = self.db.rows(storage::registry::SELECT_STORES, None)?;
        let domains: Vec<DomainRow> = self.db.rows(storage::registry::SELECT_DOMAINS, None)?;
        Ok(entries(stores, &domains))
    }

    fn owner_of(&self, host: &str) -> Result<Option<StoreSlug>> {
        let row: Option<DomainRow> =
            (self.db).first_row(storage::registry::SELECT_DOMAIN, vec![host.into()])?;
        Ok(row.map(|r| r.slug))
    }

    fn is_registered(&self, slug: &StoreSlug) -> Result<bool> {
        let query = storage::registry::SELECT_STORE_SLUG;
        let row = (self.db).first_row::<serde_json::Value>(query, vec![slug.as_str().into()])?;
        Ok(row.is_some())
    }

    /// Claims or rewrites an entry, atomically, if the registry's rules allow it.
    fn write(&self, q: &WriteEntry) -> Result<std::result::Result<(), RegistryRefusal>> {
        let owners = (q.entry.custom_domains.iter())
            .map(|host| Ok((host.as_str(), self.owner_of(host)?)))
            .collect::<Result<std::collections::HashMap<_, _>>>()?;
        let owner_of = |host: &str| owners.get(host).cloned().flatten();
        match q.plan(self.is_registered(&q.entry.slug)?, owner_of) {
            Ok(plan) => sql::apply(&self.state, &self.db, plan).map(Ok),
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// Forgets a store and its domains. True if it was registered.
    fn forget(&self, q: &ForgetStore) -> Result<bool> {
        let known = self.is_registered(&q.slug)?;
        sql::apply(&self.state, &self.db, plans::forget_store(q.slug.as_str()))?;
        Ok(known)
    }
}
