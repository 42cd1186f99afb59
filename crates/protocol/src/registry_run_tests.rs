use super::*;
use crate::registry::{ForgetStore, ListStores, LookupDomain, RecordSizes, ShowStorage, StoreSize};
use wandstore_core::money::Currency;
use wandstore_registry::{Claim, RegistryEntry};
use wandstore_storage::registry as sql;

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

/// The rows a test registry holds: stores and domains.
struct Registry {
    stores: Vec<StoreRow>,
    domains: Vec<DomainRow>,
}

fn registry() -> Registry {
    let store = |s: &str| StoreRow {
        slug: slug(s),
        display_name: s.to_uppercase(),
        currency: Currency::parse("EUR").unwrap(),
        updated_at_ms: 1,
    };
    Registry {
        stores: vec![store("zeta"), store("acme")],
        domains: vec![DomainRow {
            host: "shop.acme.example".into(),
            slug: slug("acme"),
        }],
    }
}

/// Drives `question`: the reads asked for, the writes' statements, the reply.
fn drive(
    question: RegistryQuestion,
    reg: &Registry,
) -> (Vec<RegistryRead>, Vec<&'static str>, String) {
    let mut run = RegistryRun::new(question);
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        match run.poll() {
            RegistryAction::Read(read) => {
                reads.push(read.clone());
                run.on_read(match read {
                    RegistryRead::Stores => RegistryRow::Stores(reg.stores.clone()),
                    RegistryRead::Domains => RegistryRow::Domains(reg.domains.clone()),
                    RegistryRead::Domain(host) => {
                        let row = reg.domains.iter().find(|d| d.host == host);
                        RegistryRow::Domain(row.cloned())
                    }
                    RegistryRead::Registered(s) => {
                        RegistryRow::Registered(reg.stores.iter().any(|r| r.slug == s))
                    }
                    RegistryRead::Largest(limit) => {
                        let rows = (0..limit.min(2)).map(|n| SizeRow {
                            slug: format!("s{n}"),
                            used_bytes: 100 - u64::from(n),
                        });
                        RegistryRow::Largest(rows.collect())
                    }
                    RegistryRead::OwnBytes => RegistryRow::OwnBytes(4096),
                });
            }
            RegistryAction::Apply(plan) => {
                assert!(!plan.is_empty(), "an empty transaction is never asked for");
                writes.extend(plan.iter().map(|w| w.sql));
            }
            RegistryAction::Done(reply) => return (reads, writes, reply),
        }
    }
    panic!("the run did not finish");
}

fn answer<Q: Question>(reply: &str) -> Result<Q::Answer, Q::Error> {
    crate::wire::decode_reply::<Q>(reply.as_bytes()).unwrap()
}

fn entry(s: &str, claim: Claim, domains: &[&str]) -> RegistryQuestion {
    RegistryQuestion::Write(WriteEntry {
        entry: RegistryEntry {
            slug: slug(s),
            display_name: "A store".into(),
            currency: Currency::parse("USD").unwrap(),
            custom_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            updated_at_ms: 7,
        },
        claim,
    })
}

#[test]
fn the_listing_reads_stores_then_domains_and_answers_them_by_slug() {
    let (reads, writes, reply) = drive(RegistryQuestion::List(ListStores), &registry());
    assert_eq!(reads, [RegistryRead::Stores, RegistryRead::Domains]);
    assert!(writes.is_empty());
    let listed = answer::<ListStores>(&reply).unwrap();
    let slugs: Vec<_> = listed.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["acme", "zeta"]);
    assert_eq!(listed[0].custom_domains, ["shop.acme.example"]);
    let empty = Registry {
        stores: vec![],
        domains: registry().domains,
    };
    let listed = answer::<ListStores>(&drive(RegistryQuestion::List(ListStores), &empty).2);
    assert_eq!(
        listed.unwrap(),
        [],
        "a domain of an unlisted store is left out"
    );
}

#[test]
fn a_lookup_answers_the_domains_owner_or_none() {
    let lookup = |host: &str| {
        let q = RegistryQuestion::Lookup(LookupDomain { host: host.into() });
        let (reads, writes, reply) = drive(q, &registry());
        assert_eq!(reads, [RegistryRead::Domain(host.into())]);
        assert!(writes.is_empty());
        answer::<LookupDomain>(&reply).unwrap()
    };
    assert_eq!(lookup("shop.acme.example"), Some(slug("acme")));
    assert_eq!(lookup("SHOP.ACME.EXAMPLE"), None);
    assert_eq!(lookup(""), None);
}

#[test]
fn a_claim_reads_each_domain_then_the_slug_and_writes_only_when_allowed() {
    let q = entry("fresh", Claim::Create, &["a.example", "b.example"]);
    let (reads, writes, reply) = drive(q, &registry());
    let expected = [
        RegistryRead::Domain("a.example".into()),
        RegistryRead::Domain("b.example".into()),
        RegistryRead::Registered(slug("fresh")),
    ];
    assert_eq!(reads, expected);
    let domain = sql::INSERT_DOMAIN;
    let expected = [sql::UPSERT_STORE, sql::DELETE_DOMAINS_OF, domain, domain];
    assert_eq!(writes, expected);
    assert_eq!(answer::<WriteEntry>(&reply), Ok(()));

    let taken = entry("acme", Claim::Create, &[]);
    let (_, writes, reply) = drive(taken, &registry());
    assert!(writes.is_empty(), "a refused claim writes nothing");
    assert_eq!(
        answer::<WriteEntry>(&reply),
        Err(RegistryRefusal::SlugTaken { slug: slug("acme") })
    );

    let other_domain = entry("fresh", Claim::Create, &["shop.acme.example"]);
    let (_, writes, reply) = drive(other_domain, &registry());
    assert!(writes.is_empty());
    assert_eq!(
        answer::<WriteEntry>(&reply),
        Err(RegistryRefusal::DomainTaken {
            host: "shop.acme.example".into(),
            owner: slug("acme"),
        })
    );

    let unknown = entry("ghost", Claim::Update, &[]);
    let (_, writes, reply) = drive(unknown, &registry());
    assert!(writes.is_empty());
    assert!(matches!(
        answer::<WriteEntry>(&reply),
        Err(RegistryRefusal::UnknownStore { .. })
    ));

    let own_domain = entry("acme", Claim::Update, &["shop.acme.example"]);
    let (_, writes, reply) = drive(own_domain, &registry());
    assert!(!writes.is_empty(), "a store keeps its own domain");
    assert_eq!(answer::<WriteEntry>(&reply), Ok(()));
}

#[test]
fn forgetting_answers_whether_the_store_was_registered_and_always_deletes() {
    for (s, known) in [("acme", true), ("ghost", false)] {
        let q = RegistryQuestion::Forget(ForgetStore { slug: slug(s) });
        let (reads, writes, reply) = drive(q, &registry());
        assert_eq!(reads, [RegistryRead::Registered(slug(s))]);
        assert_eq!(writes, [sql::DELETE_DOMAINS_OF, sql::DELETE_STORE]);
        assert_eq!(answer::<ForgetStore>(&reply), Ok(known));
    }
}

#[test]
fn sizes_are_written_without_reading_and_the_report_reads_the_largest_and_its_own_size() {
    let sizes = |n: usize| {
        let sizes = (0..n).map(|i| StoreSize {
            store: slug(&format!("store{i}")),
            used_bytes: 10,
        });
        RegistryQuestion::RecordSizes(RecordSizes {
            sizes: sizes.collect(),
            now_ms: 5,
        })
    };
    let (reads, writes, reply) = drive(sizes(2), &registry());
    assert!(reads.is_empty());
    assert_eq!(writes, [sql::UPSERT_STORE_SIZE, sql::UPSERT_STORE_SIZE]);
    assert_eq!(answer::<RecordSizes>(&reply), Ok(()));
    let (_, _, reply) = drive(sizes(0), &registry());
    assert_eq!(
        answer::<RecordSizes>(&reply),
        Ok(()),
        "nothing to record is fine"
    );

    for limit in [0, 1, 5] {
        let q = RegistryQuestion::ShowStorage(ShowStorage { limit });
        let (reads, writes, reply) = drive(q, &registry());
        assert_eq!(
            reads,
            [RegistryRead::Largest(limit), RegistryRead::OwnBytes]
        );
        assert!(writes.is_empty());
        let report = answer::<ShowStorage>(&reply).unwrap();
        assert_eq!(report.registry_bytes, 4096);
        assert_eq!(report.stores.len(), limit.min(2) as usize);
    }
}

#[test]
fn each_read_is_one_statement_with_its_bindings_but_the_database_size() {
    use wandstore_storage::Value;
    let statement = |read: RegistryRead| read.statement().map(|w| (w.sql, w.args));
    assert_eq!(
        statement(RegistryRead::Stores),
        Some((sql::SELECT_STORES, vec![]))
    );
    assert_eq!(
        statement(RegistryRead::Domains),
        Some((sql::SELECT_DOMAINS, vec![]))
    );
    assert_eq!(
        statement(RegistryRead::Domain("shop.acme.example".into())),
        Some((
            sql::SELECT_DOMAIN,
            vec![Value::Text("shop.acme.example".into())]
        ))
    );
    assert_eq!(
        statement(RegistryRead::Registered(slug("acme"))),
        Some((sql::SELECT_STORE_SLUG, vec![Value::Text("acme".into())]))
    );
    assert_eq!(
        statement(RegistryRead::Largest(0)),
        Some((sql::SELECT_LARGEST_STORES, vec![Value::Int(0)]))
    );
    assert_eq!(statement(RegistryRead::OwnBytes), None);
}

#[test]
fn rows_read_back_as_what_each_read_asked_for() {
    let reg = registry();
    let json = |rows: &[serde_json::Value]| rows.to_vec();
    let stores: Vec<_> = reg
        .stores
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    let Ok(RegistryRow::Stores(read)) = RegistryRead::Stores.row(json(&stores)) else {
        panic!("stores");
    };
    assert_eq!(read, reg.stores);
    let domain = serde_json::json!({"host": "shop.acme.example", "slug": "acme"});
    let host = RegistryRead::Domain("shop.acme.example".into());
    let Ok(RegistryRow::Domain(Some(row))) = host.row(vec![domain.clone(), domain.clone()]) else {
        panic!("the first row of a domain");
    };
    assert_eq!(row, reg.domains[0]);
    assert!(matches!(host.row(vec![]), Ok(RegistryRow::Domain(None))));
    let Ok(RegistryRow::Domains(all)) = RegistryRead::Domains.row(vec![domain]) else {
        panic!("domains");
    };
    assert_eq!(all, reg.domains);
    let registered = RegistryRead::Registered(slug("acme"));
    let slug_row = serde_json::json!({"slug": "acme"});
    assert!(matches!(
        registered.row(vec![slug_row]),
        Ok(RegistryRow::Registered(true))
    ));
    assert!(matches!(
        registered.row(vec![]),
        Ok(RegistryRow::Registered(false))
    ));
    let size = serde_json::json!({"slug": "acme", "used_bytes": 4096});
    let Ok(RegistryRow::Largest(sizes)) = RegistryRead::Largest(5).row(vec![size]) else {
        panic!("sizes");
    };
    assert_eq!(
        (sizes[0].slug.as_str(), sizes[0].used_bytes),
        ("acme", 4096)
    );
}

#[test]
fn a_row_that_does_not_read_is_an_error_never_a_missing_row() {
    let bad_slug = serde_json::json!({"host": "shop.acme.example", "slug": "Not A Slug"});
    let host = RegistryRead::Domain("shop.acme.example".into());
    let err = host.row(vec![bad_slug]).unwrap_err();
    assert!(err.contains("does not read"), "{err}");
    let negative = serde_json::json!({"slug": "acme", "used_bytes": -1});
    assert!(RegistryRead::Largest(5).row(vec![negative]).is_err());
    let missing = serde_json::json!({"slug": "acme"});
    assert!(RegistryRead::Stores.row(vec![missing]).is_err());
    assert!(
        RegistryRead::OwnBytes.row(vec![]).is_err(),
        "no query reads it"
    );
}
