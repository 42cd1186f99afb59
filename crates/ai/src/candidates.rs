//! The products a shopper may be shown: up to [`MAX_CANDIDATES`] from the store's catalog,
//! ranked by the shopper's profile (the *baseline* ranking). Sold-out products and products
//! already in the cart are never candidates. The model only re-orders these; it can never
//! add a product.

use crate::profile::{Memberships, Profile};
use serde::{Deserialize, Serialize};
use wandstore_core::catalog::{Collection, Product};

/// The most candidates a prompt carries.
pub const MAX_CANDIDATES: usize = 50;

/// Where a product's price sits within the store's available products (by thirds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceBand {
    Low,
    Mid,
    High,
}

impl PriceBand {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceBand::Low => "low",
            PriceBand::Mid => "mid",
            PriceBand::High => "high",
        }
    }
}

/// One product the model may choose, under a short id (`c1`…`c50`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// `c1` for the baseline's first choice, `c2` for the second, ….
    pub id: String,
    pub handle: String,
    pub title: String,
    pub product_type: String,
    pub tags: Vec<String>,
    pub price_band: PriceBand,
    /// The profile's score (0 when it says nothing about the product).
    pub score: f64,
}

/// The candidates of one refresh, in baseline order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CandidateSet {
    pub candidates: Vec<Candidate>,
}

impl CandidateSet {
    /// Up to `max` (at most [`MAX_CANDIDATES`]) available products not in `exclude` (the
    /// cart's products, and any the shell adds, such as the product on screen), highest
    /// profile score first; ties (and an empty profile) keep the catalog's own (featured)
    /// order. Collection membership is indexed once, so this is linear in the catalog.
    pub fn select(
        profile: &Profile,
        products: &[Product],
        collections: &[Collection],
        exclude: &[String],
        max: usize,
    ) -> CandidateSet {
        let max = max.min(MAX_CANDIDATES);
        let bands = Bands::of(products);
        let memberships = Memberships::of(collections);
        let facts = |p: &Product| memberships.facts(p);
        let mut scored: Vec<(f64, usize, &Product)> = products
            .iter()
            .enumerate()
            .filter(|(_, p)| p.available_for_sale && !exclude.contains(&p.handle))
            .map(|(i, p)| {
                let score = if profile.is_empty() {
                    0.0
                } else {
                    profile.score(&facts(p))
                };
                (score, i, p)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let candidates = scored
            .into_iter()
            .take(max)
            .enumerate()
            .map(|(n, (score, _, p))| Candidate {
                id: format!("c{}", n + 1),
                handle: p.handle.clone(),
                title: p.title.clone(),
                product_type: p.product_type.clone(),
                tags: p.tags.clone(),
                price_band: bands.band(p.price_range.min.minor),
                score,
            })
            .collect();
        CandidateSet { candidates }
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The short ids, in order (the enum of the model's JSON schema).
    pub fn ids(&self) -> Vec<String> {
        self.candidates.iter().map(|c| c.id.clone()).collect()
    }

    /// The product handle behind a short id.
    pub fn handle_of(&self, id: &str) -> Option<&str> {
        self.candidates
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.handle.as_str())
    }

    /// The baseline: the first `n` handles.
    pub fn baseline(&self, n: usize) -> Vec<String> {
        self.candidates
            .iter()
            .take(n)
            .map(|c| c.handle.clone())
            .collect()
    }

    /// A short hash of the handles in order (16 hex characters): part of the gateway cache
    /// key, so a changed catalog or cart asks again.
    pub fn hash(&self) -> String {
        let handles: Vec<&str> = self.candidates.iter().map(|c| c.handle.as_str()).collect();
        crate::hash::hex_of(&handles, 16)
    }
}

/// The price thresholds between the thirds of the available products' minimum prices.
struct Bands {
    low_max: i64,
    mid_max: i64,
}

impl Bands {
    fn of(products: &[Product]) -> Bands {
        let mut prices: Vec<i64> = products
            .iter()
            .filter(|p| p.available_for_sale)
            .map(|p| p.price_range.min.minor)
            .collect();
        prices.sort_unstable();
        let at = |num: usize| {
            prices
                .get((prices.len() * num / 3).min(prices.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0)
        };
        Bands {
            low_max: at(1),
            mid_max: at(2),
        }
    }

    fn band(&self, minor: i64) -> PriceBand {
        if minor < self.low_max {
            PriceBand::Low
        } else if minor < self.mid_max {
            PriceBand::Mid
        } else {
            PriceBand::High
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ProductFacts, Signal};
    use crate::test_support::{catalog, product};

    fn viewed(handles: &[&str]) -> Profile {
        let (products, collections) = catalog();
        let mut p = Profile::default();
        for h in handles {
            let prod = products.iter().find(|p| p.handle == *h).unwrap();
            p.observe(Signal::Viewed, &ProductFacts::of(prod, &collections), 0);
        }
        p
    }

    #[test]
    fn ranks_by_affinity_and_excludes_sold_out_and_cart() {
        let (products, collections) = catalog();
        let profile = viewed(&["hat-red", "hat-blue"]);
        let set = CandidateSet::select(&profile, &products, &collections, &["hat-blue".into()], 50);
        let handles = set.baseline(50);
        assert_eq!(handles[0], "hat-red");
        assert!(!handles.contains(&"hat-sold-out".to_string()));
        assert!(!handles.contains(&"hat-blue".to_string()));
        assert_eq!(handles.len(), 5);
        // The scarf shares vendor and tags with hats, so it beats the mugs.
        let pos = |h: &str| handles.iter().position(|x| x == h).unwrap();
        assert!(pos("scarf") < pos("mug-blue"));
        assert_eq!(set.ids(), ["c1", "c2", "c3", "c4", "c5"]);
        assert_eq!(set.handle_of("c1"), Some("hat-red"));
        assert_eq!(set.handle_of("c6"), None);
    }

    #[test]
    fn scores_match_the_profile_with_collections_counted() {
        let (products, collections) = catalog();
        let profile = viewed(&["hat-red"]);
        let set = CandidateSet::select(&profile, &products, &collections, &[], 50);
        for c in &set.candidates {
            let p = products.iter().find(|p| p.handle == c.handle).unwrap();
            assert_eq!(c.score, profile.score(&ProductFacts::of(p, &collections)));
        }
        // hat-blue shares the "hats" collection; the scarf does not.
        let score = |h: &str| set.candidates.iter().find(|c| c.handle == h).unwrap().score;
        assert!(score("hat-blue") > score("scarf"));
    }

    #[test]
    fn an_empty_profile_keeps_the_featured_order() {
        let (products, collections) = catalog();
        let set = CandidateSet::select(&Profile::default(), &products, &collections, &[], 3);
        assert_eq!(set.baseline(10), ["mug-blue", "hat-red", "mug-green"]);
        assert!(set.candidates.iter().all(|c| c.score == 0.0));
    }

    #[test]
    fn at_most_fifty_whatever_is_asked() {
        let products: Vec<Product> = (0..80)
            .map(|i| product(&format!("p{i}"), "T", "V", &[], i))
            .collect();
        let set = CandidateSet::select(&Profile::default(), &products, &[], &[], 500);
        assert_eq!(set.candidates.len(), MAX_CANDIDATES);
        assert_eq!(set.candidates[49].id, "c50");
        let none = CandidateSet::select(&Profile::default(), &[], &[], &[], 50);
        assert!(none.is_empty());
        assert!(none.baseline(8).is_empty());
    }

    #[test]
    fn price_bands_split_the_store_in_thirds() {
        let products: Vec<Product> = (1..=9)
            .map(|i| product(&format!("p{i}"), "T", "V", &[], i * 100))
            .collect();
        let set = CandidateSet::select(&Profile::default(), &products, &[], &[], 50);
        let bands: Vec<&str> = set
            .candidates
            .iter()
            .map(|c| c.price_band.as_str())
            .collect();
        assert_eq!(
            bands,
            [
                "low", "low", "low", "mid", "mid", "mid", "high", "high", "high"
            ]
        );
    }

    #[test]
    fn the_hash_follows_the_handles_and_their_order() {
        let (products, collections) = catalog();
        let a = CandidateSet::select(&Profile::default(), &products, &collections, &[], 50);
        let b = CandidateSet::select(&viewed(&["teapot"]), &products, &collections, &[], 50);
        let c = CandidateSet::select(&Profile::default(), &products, &collections, &[], 50);
        assert_eq!(a.hash(), c.hash());
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().len(), 16);
    }
}
