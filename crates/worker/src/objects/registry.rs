//! StoreRegistry: the one object (`"registry"`) that knows every store slug and custom
//! domain, so slugs and domains stay unique and a custom domain can be routed. It reads the
//! facts `wandstore_registry::check_claim` needs and persists what the rules allow; its
//! listing is `wandstore_registry::entries` over its two tables.

use crate::internal::{self, reply};
use crate::sql::{self, Db};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::registry::{ForgetStore, RegistryQuestion, WriteEntry};
use wandstore_protocol::wire::Question;
use wandstore_registry::{
    DomainRow, RegistryEntry, RegistryRefusal, StoreRow, check_claim, entries,
};
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
        self.db
            .ensure_schema(&self.state, storage::registry::MIGRATIONS)?;
        let question: RegistryQuestion = match internal::read_question(&req).await? {
            Ok(q) => q,
            Err(e) => return Ok(internal::unreadable(&e)),
        };
        Ok(match question {
            RegistryQuestion::List(q) => answer(&q, Ok(self.list()?)),
            RegistryQuestion::Lookup(q) => {
                let found = self.owner_of(&q.host)?;
                answer(&q, Ok(found))
            }
            RegistryQuestion::Write(q) => {
                let result = self.write(&q)?;
                answer(&q, result)
            }
            RegistryQuestion::Forget(q) => {
                let known = self.forget(&q)?;
                answer(&q, Ok(known))
            }
            RegistryQuestion::RecordSizes(q) => {
                super::registry_sizes::record(&self.db, &self.state, &q)?;
                answer(&q, Ok(()))
            }
            RegistryQuestion::ShowStorage(q) => {
                let report = super::registry_sizes::report(&self.db, &self.state, q.limit)?;
                answer(&q, Ok(report))
            }
        })
    }
}

fn answer<Q>(_q: &Q, result: std::result::Result<Q::Answer, RegistryRefusal>) -> Response
where
    Q: Question<Envelope = RegistryQuestion, Error = RegistryRefusal>,
{
    reply::<Q>(&result)
}

impl StoreRegistry {
    fn list(&self) -> Result<Vec<RegistryEntry>> {
        let stores: Vec<StoreRow> = self.db.rows(storage::registry::SELECT_STORES, None)?;
        let domains: Vec<DomainRow> = self.db.rows(storage::registry::SELECT_DOMAINS, None)?;
        Ok(entries(stores, &domains))
    }

    fn owner_of(&self, host: &str) -> Result<Option<StoreSlug>> {
        let rows: Vec<DomainRow> = self
            .db
            .rows(storage::registry::SELECT_DOMAIN, vec![host.into()])?;
        Ok(rows.into_iter().next().map(|r| r.slug))
    }

    fn is_registered(&self, slug: &StoreSlug) -> Result<bool> {
        Ok(!self
            .db
            .rows::<serde_json::Value>(
                storage::registry::SELECT_STORE_SLUG,
                vec![slug.as_str().into()],
            )?
            .is_empty())
    }

    /// Claims or rewrites an entry, atomically, if the registry's rules allow it.
    fn write(&self, q: &WriteEntry) -> Result<std::result::Result<(), RegistryRefusal>> {
        let entry = &q.entry;
        let owners = (entry.custom_domains.iter())
            .map(|host| Ok((host.as_str(), self.owner_of(host)?)))
            .collect::<Result<std::collections::HashMap<_, _>>>()?;
        let owner_of = |host: &str| owners.get(host).cloned().flatten();
        if let Err(refusal) =
            check_claim(entry, q.claim, self.is_registered(&entry.slug)?, owner_of)
        {
            return Ok(Err(refusal));
        }
        let plan = plans::register_store(
            entry.slug.as_str(),
            &entry.display_name,
            entry.currency.as_str(),
            entry.updated_at_ms,
            &entry.custom_domains,
        );
        sql::apply(&self.state, &self.db, plan)?;
        Ok(Ok(()))
    }

    /// Forgets a store and its domains. True if it was registered.
    fn forget(&self, q: &ForgetStore) -> Result<bool> {
        let known = self.is_registered(&q.slug)?;
        sql::apply(&self.state, &self.db, plans::forget_store(q.slug.as_str()))?;
        Ok(known)
    }
}
