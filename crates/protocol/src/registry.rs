//! What the StoreRegistry object answers: the list of stores and who owns a custom domain.
//! The rules that keep slugs and domains unique are `wandstore_registry::check_claim`; what a
//! claim writes is [`WriteEntry::plan`].

use crate::store::StoreError;
use crate::wire::{AskError, questions};
use serde::{Deserialize, Serialize};
use wandstore_backup::store_io::IoResult;
use wandstore_core::store::StoreSlug;
use wandstore_registry::{Claim, RegistryEntry, RegistryRefusal, check_claim};
use wandstore_storage::registry::SizeRow;
use wandstore_storage::{Write, plans};

/// Every question StoreRegistry answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryQuestion {
    List(ListStores),
    Lookup(LookupDomain),
    Write(WriteEntry),
    Forget(ForgetStore),
    RecordSizes(RecordSizes),
    ShowStorage(ShowStorage),
}

questions! {
    RegistryQuestion, RegistryRefusal;
    ListStores => List -> Vec<RegistryEntry>;
    LookupDomain => Lookup -> Option<StoreSlug>;
    WriteEntry => Write -> ();
    ForgetStore => Forget -> bool;
    RecordSizes => RecordSizes -> ();
    ShowStorage => ShowStorage -> StorageReport;
}

/// Every registered store, by slug.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListStores;

/// The store that registered this custom domain, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupDomain {
    pub host: String,
}

/// Claim a new slug with its domains, or rewrite an existing store's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteEntry {
    pub entry: RegistryEntry,
    pub claim: Claim,
}

impl WriteEntry {
    /// The writes that claim or rewrite the entry in one transaction, if the registry's rules
    /// allow it (`check_claim`): `registered`, whether the slug is taken; `owner_of`, each of
    /// the entry's custom domains' current owner.
    pub fn plan(
        &self,
        registered: bool,
        owner_of: impl Fn(&str) -> Option<StoreSlug>,
    ) -> Result<Vec<Write>, RegistryRefusal> {
        let entry = &self.entry;
        check_claim(entry, self.claim, registered, owner_of)?;
        Ok(plans::register_store(
            entry.slug.as_str(),
            &entry.display_name,
            entry.currency.as_str(),
            entry.updated_at_ms,
            &entry.custom_domains,
        ))
    }
}

/// Forget a store and its domains; answers whether it was registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgetStore {
    pub slug: StoreSlug,
}

/// One store's StoreConfig storage, as it reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSize {
    pub store: StoreSlug,
    pub used_bytes: u64,
}

/// Keep these stores' latest sizes (`core::storage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSizes {
    pub sizes: Vec<StoreSize>,
    pub now_ms: u64,
}

/// The registry's own size and the `limit` largest stores' last reported sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowStorage {
    pub limit: u32,
}

/// What [`ShowStorage`] answers: `stores` as (slug, bytes), largest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageReport {
    pub registry_bytes: u64,
    pub stores: Vec<(String, u64)>,
}

/// The registry's answer to a claim as StoreConfig's drivers take it
/// (`store_io::Effect::Claim`): written, refused with the registry's reason, or failed (the
/// registry could not be asked: the object's refusal).
pub fn claim_result(asked: Result<(), AskError<RegistryRefusal>>) -> IoResult<StoreError> {
    match asked {
        Ok(()) => IoResult::Ok,
        Err(AskError::Refused(refusal)) => IoResult::Refused(refusal),
        Err(broken) => IoResult::Failed(broken.into()),
    }
}

impl RecordSizes {
    /// The writes keeping each reported store's latest size.
    pub fn writes(&self) -> Vec<Write> {
        let sizes = self
            .sizes
            .iter()
            .map(|s| (s.store.to_string(), s.used_bytes));
        plans::record_store_sizes(sizes.collect(), self.now_ms)
    }
}

impl StorageReport {
    /// The registry's own size and the largest stores' rows, in the order read.
    pub fn from_rows(registry_bytes: u64, rows: Vec<SizeRow>) -> Self {
        StorageReport {
            registry_bytes,
            stores: rows.into_iter().map(|r| (r.slug, r.used_bytes)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode_question, decode_reply, encode_question, encode_reply};

    #[test]
    fn lookups_cross_the_wire_typed() {
        let body = encode_question(LookupDomain {
            host: "shop.acme.com".into(),
        })
        .unwrap();
        let q: RegistryQuestion = decode_question(body.as_bytes()).unwrap();
        assert!(
            matches!(q, RegistryQuestion::Lookup(LookupDomain { ref host }) if host == "shop.acme.com")
        );
        let answer: Result<Option<StoreSlug>, RegistryRefusal> =
            Ok(Some(StoreSlug::parse("acme").unwrap()));
        let back = decode_reply::<LookupDomain>(encode_reply::<LookupDomain>(&answer).as_bytes());
        assert_eq!(back, Ok(answer));
    }

    fn write(claim: Claim, domains: &[&str]) -> WriteEntry {
        WriteEntry {
            entry: RegistryEntry {
                slug: StoreSlug::parse("acme").unwrap(),
                display_name: "Acme".into(),
                currency: wandstore_core::money::Currency::parse("USD").unwrap(),
                custom_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
                updated_at_ms: 7,
            },
            claim,
        }
    }

    #[test]
    fn a_claim_the_rules_allow_writes_the_store_and_its_domains() {
        let plan = write(Claim::Create, &["shop.acme.com"]).plan(false, |_| None);
        let plan = plan.expect("a free slug and domain");
        assert_eq!(plan[0].sql, wandstore_storage::registry::UPSERT_STORE);
        assert!(
            plan.iter()
                .any(|w| w.args.contains(&"shop.acme.com".into()))
        );
        // An update keeps the store's own domain.
        let own = |_: &str| Some(StoreSlug::parse("acme").unwrap());
        assert!(
            write(Claim::Update, &["shop.acme.com"])
                .plan(true, own)
                .is_ok()
        );
    }

    #[test]
    fn a_refused_claim_writes_nothing() {
        let taken = write(Claim::Create, &[]).plan(true, |_| None);
        assert_eq!(taken.map_err(|r| r.code()), Err("slug_taken"));
        let unknown = write(Claim::Update, &[]).plan(false, |_| None);
        assert_eq!(unknown.map_err(|r| r.code()), Err("store_not_found"));
        let other = |_: &str| Some(StoreSlug::parse("other").unwrap());
        let domain = write(Claim::Create, &["shop.acme.com"]).plan(false, other);
        assert_eq!(domain.map_err(|r| r.code()), Err("domain_taken"));
    }

    #[test]
    fn reported_sizes_become_one_upsert_each_and_rows_a_report_in_order() {
        let acme = StoreSlug::parse("acme").unwrap();
        let beta = StoreSlug::parse("beta").unwrap();
        let sizes =
            [(acme, 4096), (beta, 0)].map(|(store, used_bytes)| StoreSize { store, used_bytes });
        let q = RecordSizes {
            sizes: sizes.to_vec(),
            now_ms: 7,
        };
        let writes = q.writes();
        assert_eq!(writes.len(), 2);
        assert!(
            writes
                .iter()
                .all(|w| w.sql == wandstore_storage::registry::UPSERT_STORE_SIZE)
        );
        assert_eq!(
            writes[0].args,
            vec!["acme".into(), 4096u64.into(), 7u64.into()]
        );
        let none = RecordSizes {
            sizes: Vec::new(),
            now_ms: 7,
        };
        assert!(
            none.writes().is_empty(),
            "nothing reported, nothing written"
        );
        let rows = vec![
            SizeRow {
                slug: "big".into(),
                used_bytes: 9,
            },
            SizeRow {
                slug: "small".into(),
                used_bytes: 1,
            },
        ];
        let report = StorageReport::from_rows(12, rows);
        assert_eq!(report.stores, vec![("big".into(), 9), ("small".into(), 1)]);
        assert_eq!(StorageReport::from_rows(3, Vec::new()).stores, Vec::new());
    }

    #[test]
    fn a_claims_answer_is_written_refused_with_its_reason_or_failed() {
        assert!(matches!(claim_result(Ok(())), IoResult::Ok));
        let taken = RegistryRefusal::SlugTaken {
            slug: StoreSlug::parse("acme").unwrap(),
        };
        let refused = claim_result(Err(AskError::Refused(taken.clone())));
        assert!(matches!(refused, IoResult::Refused(r) if r == taken));
        let broken = claim_result(Err(AskError::Broken("registry down".into())));
        let IoResult::Failed(e) = broken else {
            panic!("a registry that cannot be asked is a failure: {broken:?}");
        };
        assert!(format!("{e:?}").contains("registry down"), "{e:?}");
    }

    #[test]
    fn store_sizes_cross_the_wire_typed() {
        let q = RecordSizes {
            sizes: vec![StoreSize {
                store: StoreSlug::parse("acme").unwrap(),
                used_bytes: 4096,
            }],
            now_ms: 7,
        };
        let body = encode_question(q.clone()).unwrap();
        let back: RegistryQuestion = decode_question(body.as_bytes()).unwrap();
        assert!(matches!(back, RegistryQuestion::RecordSizes(r) if r == q));
        let report: Result<StorageReport, RegistryRefusal> = Ok(StorageReport {
            registry_bytes: 12_288,
            stores: vec![("acme".into(), 4096)],
        });
        let wire = encode_reply::<ShowStorage>(&report);
        assert_eq!(decode_reply::<ShowStorage>(wire.as_bytes()), Ok(report));
        let bad =
            br#"{"record_sizes":{"sizes":[{"store":"NOT A SLUG","used_bytes":1}],"now_ms":1}}"#;
        assert!(decode_question::<RegistryQuestion>(bad).is_err());
    }

    #[test]
    fn an_invalid_slug_in_an_answer_is_malformed() {
        assert!(decode_reply::<LookupDomain>(br#"{"Ok":"NOT A SLUG"}"#).is_err());
    }
}
