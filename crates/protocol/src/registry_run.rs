//! One StoreRegistry question as a sans-IO run: which rows it reads and in which order, what
//! it writes (one transaction) and what it answers. The object reads, applies and sends the
//! reply; a failed read or write fails the request there (the asker sees a broken call).

use crate::registry::{RegistryQuestion, StorageReport, WriteEntry};
use crate::wire::{Question, encode_reply};
use std::collections::HashMap;
use wandstore_core::store::StoreSlug;
use wandstore_registry::{DomainRow, RegistryRefusal, StoreRow, entries};
use wandstore_storage::registry::{self as queries, SizeRow};
use wandstore_storage::{Write, plans};

/// A read the run needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryRead {
    Stores,
    Domains,
    /// The row of this custom domain.
    Domain(String),
    /// Whether this slug is registered.
    Registered(StoreSlug),
    /// The `limit` largest stores' sizes.
    Largest(u32),
    /// The registry's own database size.
    OwnBytes,
}

impl RegistryRead {
    /// The statement that reads it and its bindings (`None`: the database's size, which no
    /// statement reads).
    pub fn statement(&self) -> Option<Write> {
        let (sql, args) = match self {
            RegistryRead::Stores => (queries::SELECT_STORES, vec![]),
            RegistryRead::Domains => (queries::SELECT_DOMAINS, vec![]),
            RegistryRead::Domain(host) => (queries::SELECT_DOMAIN, vec![host.as_str().into()]),
            RegistryRead::Registered(slug) => {
                (queries::SELECT_STORE_SLUG, vec![slug.as_str().into()])
            }
            RegistryRead::Largest(n) => {
                (queries::SELECT_LARGEST_STORES, vec![u64::from(*n).into()])
            }
            RegistryRead::OwnBytes => return None,
        };
        Some(Write::new(sql, args))
    }

    /// What the rows its statement answered say (a row that does not read is an error).
    pub fn row(&self, rows: Vec<serde_json::Value>) -> Result<RegistryRow, String> {
        Ok(match self {
            RegistryRead::Stores => RegistryRow::Stores(typed(rows)?),
            RegistryRead::Domains => RegistryRow::Domains(typed(rows)?),
            RegistryRead::Domain(_) => RegistryRow::Domain(typed(rows)?.into_iter().next()),
            RegistryRead::Registered(_) => RegistryRow::Registered(!rows.is_empty()),
            RegistryRead::Largest(_) => RegistryRow::Largest(typed(rows)?),
            RegistryRead::OwnBytes => return Err("the database size is not read by a query".into()),
        })
    }
}

fn typed<T: serde::de::DeserializeOwned>(rows: Vec<serde_json::Value>) -> Result<Vec<T>, String> {
    let read: Result<Vec<T>, _> = rows.into_iter().map(serde_json::from_value).collect();
    read.map_err(|e| format!("a registry row does not read: {e}"))
}

/// What a read gave.
#[derive(Debug)]
pub enum RegistryRow {
    Stores(Vec<StoreRow>),
    Domains(Vec<DomainRow>),
    Domain(Option<DomainRow>),
    Registered(bool),
    Largest(Vec<SizeRow>),
    OwnBytes(u64),
}

/// The I/O the run needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryAction {
    Read(RegistryRead),
    /// Apply these writes in one transaction, then poll again.
    Apply(Vec<Write>),
    /// The reply's body (`wire::encode_reply`).
    Done(String),
}

/// One question: its reads, then its writes (if it has any), then its reply.
#[derive(Debug)]
pub struct RegistryRun {
    question: RegistryQuestion,
    reads: Vec<RegistryRead>,
    rows: Vec<RegistryRow>,
    /// The writes still to apply and the reply, once the reads are done.
    answer: Option<(Vec<Write>, String)>,
}

fn reply<Q: Question<Error = RegistryRefusal>>(
    answered: Result<(Q::Answer, Vec<Write>), RegistryRefusal>,
) -> (Vec<Write>, String) {
    match answered {
        Ok((answer, writes)) => (writes, encode_reply::<Q>(&Ok(answer))),
        Err(refused) => (vec![], encode_reply::<Q>(&Err(refused))),
    }
}

impl RegistryRun {
    pub fn new(question: RegistryQuestion) -> Self {
        let reads = match &question {
            RegistryQuestion::List(_) => vec![RegistryRead::Stores, RegistryRead::Domains],
            RegistryQuestion::Lookup(q) => vec![RegistryRead::Domain(q.host.clone())],
            RegistryQuestion::Write(q) => {
                let hosts = q.entry.custom_domains.iter();
                let owners = hosts.map(|host| RegistryRead::Domain(host.clone()));
                let registered = RegistryRead::Registered(q.entry.slug.clone());
                owners.chain([registered]).collect()
            }
            RegistryQuestion::Forget(q) => vec![RegistryRead::Registered(q.slug.clone())],
            RegistryQuestion::RecordSizes(_) => vec![],
            RegistryQuestion::ShowStorage(q) => {
                vec![RegistryRead::Largest(q.limit), RegistryRead::OwnBytes]
            }
        };
        RegistryRun {
            question,
            reads,
            rows: Vec::new(),
            answer: None,
        }
    }

    /// The next action.
    pub fn poll(&mut self) -> RegistryAction {
        if self.answer.is_none() {
            if let Some(read) = self.reads.get(self.rows.len()) {
                return RegistryAction::Read(read.clone());
            }
            let rows = std::mem::take(&mut self.rows);
            self.answer = Some(answer(&self.question, rows));
        }
        let (writes, reply) = self.answer.get_or_insert_default();
        if writes.is_empty() {
            RegistryAction::Done(reply.clone())
        } else {
            RegistryAction::Apply(std::mem::take(writes))
        }
    }

    /// What the last read gave (an applied write needs no input).
    pub fn on_read(&mut self, row: RegistryRow) {
        self.rows.push(row);
    }
}

/// The reply and the writes over the rows read, in the order they were asked for.
fn answer(question: &RegistryQuestion, rows: Vec<RegistryRow>) -> (Vec<Write>, String) {
    let mut stores = Vec::new();
    let mut domains = Vec::new();
    let mut owners = Vec::new();
    let (mut registered, mut own_bytes, mut largest) = (false, 0, Vec::new());
    for row in rows {
        match row {
            RegistryRow::Stores(r) => stores = r,
            RegistryRow::Domains(r) => domains = r,
            RegistryRow::Domain(r) => owners.push(r),
            RegistryRow::Registered(r) => registered = r,
            RegistryRow::Largest(r) => largest = r,
            RegistryRow::OwnBytes(r) => own_bytes = r,
        }
    }
    match question {
        RegistryQuestion::List(_) => {
            reply::<crate::registry::ListStores>(Ok((entries(stores, &domains), vec![])))
        }
        RegistryQuestion::Lookup(_) => {
            let owner = owners.into_iter().flatten().next().map(|d| d.slug);
            reply::<crate::registry::LookupDomain>(Ok((owner, vec![])))
        }
        RegistryQuestion::Write(q) => reply::<WriteEntry>(claim(q, registered, owners)),
        RegistryQuestion::Forget(q) => {
            let writes = plans::forget_store(q.slug.as_str());
            reply::<crate::registry::ForgetStore>(Ok((registered, writes)))
        }
        RegistryQuestion::RecordSizes(q) => {
            reply::<crate::registry::RecordSizes>(Ok(((), q.writes())))
        }
        RegistryQuestion::ShowStorage(_) => {
            let report = StorageReport::from_rows(own_bytes, largest);
            reply::<crate::registry::ShowStorage>(Ok((report, vec![])))
        }
    }
}

/// A claim or rewrite of an entry over its domains' rows (in the entry's order).
fn claim(
    q: &WriteEntry,
    registered: bool,
    owners: Vec<Option<DomainRow>>,
) -> Result<((), Vec<Write>), RegistryRefusal> {
    let hosts = q.entry.custom_domains.iter().map(String::as_str);
    let owners: HashMap<&str, Option<StoreSlug>> = hosts
        .zip(owners)
        .map(|(host, row)| (host, row.map(|r| r.slug)))
        .collect();
    let plan = q.plan(registered, |host| owners.get(host).cloned().flatten())?;
    Ok(((), plan))
}

#[cfg(test)]
#[path = "registry_run_tests.rs"]
mod tests;
