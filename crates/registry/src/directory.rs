//! The store directory's rules: what the registry keeps of each store and the decisions that
//! keep slugs and custom domains unique. The StoreRegistry object only reads the facts these
//! rules need and persists what they allow.

use crate::record::StoreRecord;
use serde::{Deserialize, Serialize};
use std::fmt;
use wandstore_core::money::Currency;
use wandstore_core::store::StoreSlug;

/// A store as the registry lists it (nothing secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub slug: StoreSlug,
    pub display_name: String,
    pub currency: Currency,
    pub custom_domains: Vec<String>,
    pub updated_at_ms: u64,
}

impl From<&StoreRecord> for RegistryEntry {
    fn from(r: &StoreRecord) -> Self {
        RegistryEntry {
            slug: r.slug.clone(),
            display_name: r.display_name.clone(),
            currency: r.currency,
            custom_domains: r.custom_domains.clone(),
            updated_at_ms: r.updated_at_ms,
        }
    }
}

/// A store as the registry's `stores` table holds it (its domains are rows of their own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreRow {
    pub slug: StoreSlug,
    pub display_name: String,
    pub currency: Currency,
    pub updated_at_ms: u64,
}

/// A custom domain and the store it routes to (a row of the `domains` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRow {
    pub host: String,
    pub slug: StoreSlug,
}

/// The registry's listing: every store by slug, each with its custom domains by host (a
/// domain row of a store that is not listed is left out).
pub fn entries(mut stores: Vec<StoreRow>, domains: &[DomainRow]) -> Vec<RegistryEntry> {
    stores.sort_by(|a, b| a.slug.as_str().cmp(b.slug.as_str()));
    stores
        .into_iter()
        .map(|r| {
            let mut custom_domains: Vec<String> = domains
                .iter()
                .filter(|d| d.slug == r.slug)
                .map(|d| d.host.clone())
                .collect();
            custom_domains.sort();
            RegistryEntry {
                slug: r.slug,
                display_name: r.display_name,
                currency: r.currency,
                custom_domains,
                updated_at_ms: r.updated_at_ms,
            }
        })
        .collect()
}

/// Whether an entry claims a new slug or rewrites the entry of an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    Create,
    Update,
}

/// Why the registry refused an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum RegistryRefusal {
    /// Another store already has this slug.
    SlugTaken { slug: StoreSlug },
    /// The store to update is not registered.
    UnknownStore { slug: StoreSlug },
    /// A custom domain belongs to another store.
    DomainTaken { host: String, owner: StoreSlug },
}

impl RegistryRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            RegistryRefusal::SlugTaken { .. } => "slug_taken",
            RegistryRefusal::UnknownStore { .. } => "store_not_found",
            RegistryRefusal::DomainTaken { .. } => "domain_taken",
        }
    }
}

impl fmt::Display for RegistryRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryRefusal::SlugTaken { slug } => {
                write!(f, "a store named {slug} already exists")
            }
            RegistryRefusal::UnknownStore { slug } => write!(f, "there is no store named {slug}"),
            // The other store's name is not shown to the client: it is another tenant's.
            RegistryRefusal::DomainTaken { host, .. } => {
                write!(f, "{host} already belongs to another store")
            }
        }
    }
}

/// Decides whether `entry` may be written. `registered` says whether its slug is in the
/// registry; `owner_of` answers which store holds a custom domain, if any.
pub fn check_claim(
    entry: &RegistryEntry,
    claim: Claim,
    registered: bool,
    owner_of: impl Fn(&str) -> Option<StoreSlug>,
) -> Result<(), RegistryRefusal> {
    match (claim, registered) {
        (Claim::Create, true) => {
            return Err(RegistryRefusal::SlugTaken {
                slug: entry.slug.clone(),
            });
        }
        (Claim::Update, false) => {
            return Err(RegistryRefusal::UnknownStore {
                slug: entry.slug.clone(),
            });
        }
        _ => {}
    }
    for host in &entry.custom_domains {
        if let Some(owner) = owner_of(host).filter(|o| *o != entry.slug) {
            return Err(RegistryRefusal::DomainTaken {
                host: host.clone(),
                owner,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> StoreSlug {
        StoreSlug::parse(s).unwrap()
    }

    fn entry(s: &str, domains: &[&str]) -> RegistryEntry {
        RegistryEntry {
            slug: slug(s),
            display_name: s.to_uppercase(),
            currency: Currency::USD,
            custom_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            updated_at_ms: 1,
        }
    }

    fn nobody(_: &str) -> Option<StoreSlug> {
        None
    }

    #[test]
    fn a_new_slug_with_free_domains_is_claimed() {
        assert_eq!(
            check_claim(
                &entry("acme", &["shop.acme.com"]),
                Claim::Create,
                false,
                nobody
            ),
            Ok(())
        );
    }

    #[test]
    fn a_taken_slug_cannot_be_created_twice() {
        assert_eq!(
            check_claim(&entry("acme", &[]), Claim::Create, true, nobody),
            Err(RegistryRefusal::SlugTaken { slug: slug("acme") })
        );
    }

    #[test]
    fn an_unknown_store_cannot_be_updated() {
        let refused = check_claim(&entry("ghost", &[]), Claim::Update, false, nobody);
        assert_eq!(
            refused,
            Err(RegistryRefusal::UnknownStore {
                slug: slug("ghost")
            })
        );
        assert_eq!(refused.unwrap_err().code(), "store_not_found");
    }

    #[test]
    fn another_stores_domain_is_refused_without_naming_that_store() {
        let owner = |h: &str| (h == "shop.other.com").then(|| slug("other"));
        let refused = check_claim(
            &entry("acme", &["shop.acme.com", "shop.other.com"]),
            Claim::Create,
            false,
            owner,
        )
        .unwrap_err();
        assert_eq!(refused.code(), "domain_taken");
        assert_eq!(
            refused.to_string(),
            "shop.other.com already belongs to another store"
        );
    }

    #[test]
    fn a_store_keeps_its_own_domains_on_update() {
        let owner = |h: &str| (h == "shop.acme.com").then(|| slug("acme"));
        assert_eq!(
            check_claim(
                &entry("acme", &["shop.acme.com"]),
                Claim::Update,
                true,
                owner
            ),
            Ok(())
        );
    }

    #[test]
    fn the_listing_is_by_slug_with_each_stores_own_domains_by_host() {
        let row = |s: &str| StoreRow {
            slug: slug(s),
            display_name: s.to_uppercase(),
            currency: Currency::USD,
            updated_at_ms: 1,
        };
        let domain = |host: &str, s: &str| DomainRow {
            host: host.into(),
            slug: slug(s),
        };
        let listed = entries(
            vec![row("zeta"), row("acme")],
            &[
                domain("z.acme.com", "acme"),
                domain("shop.zeta.com", "zeta"),
                domain("a.acme.com", "acme"),
                domain("orphan.example", "gone"),
            ],
        );
        assert_eq!(
            listed,
            [
                entry("acme", &["a.acme.com", "z.acme.com"]),
                entry("zeta", &["shop.zeta.com"])
            ]
        );
        assert!(entries(vec![], &[domain("orphan.example", "gone")]).is_empty());
    }

    #[test]
    fn entries_survive_the_wire_and_hold_no_secret() {
        let e = entry("acme", &["shop.acme.com"]);
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""currency":"USD""#), "{json}");
        assert_eq!(serde_json::from_str::<RegistryEntry>(&json).unwrap(), e);
    }
}
