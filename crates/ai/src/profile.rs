//! A shopper's taste: affinity weights for tags, product types, vendors and collections,
//! learned from what they viewed, added, removed or were about to buy, decayed with time.
//!
//! The profile is the baseline of personalization: it works with AI switched off, ranks the
//! candidates the model sees, and is what pages fall back to. It holds no shopper id, IP or
//! email, only catalog words and weights. The shell stores it as JSON in the shopper's
//! SQLite (field names are stable); time is passed in as Unix milliseconds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wandstore_core::catalog::{Collection, Product};
use wandstore_core::shopper_events::ShopperEvent;

/// Weights halve every 7 days without new evidence.
pub const HALF_LIFE_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// At most this many entries per dimension are kept (the weakest are dropped).
pub const MAX_ENTRIES: usize = 32;
/// Weights below this are forgotten.
const FORGET_BELOW: f64 = 0.01;

/// What the shopper did to a product, as personalization weighs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    Viewed,
    Added,
    Removed,
    /// Went to checkout with it.
    PurchaseIntent,
}

impl Signal {
    /// How much one such event moves the affinities: view 1, add 3, purchase intent 5,
    /// removal −2 (a removal weakens, it never makes a weight negative).
    pub fn weight(self) -> f64 {
        match self {
            Signal::Viewed => 1.0,
            Signal::Added => 3.0,
            Signal::Removed => -2.0,
            Signal::PurchaseIntent => 5.0,
        }
    }

    /// The signal a stored shopper event carries.
    pub fn of(event: &ShopperEvent) -> Signal {
        match event {
            ShopperEvent::Viewed { .. } => Signal::Viewed,
            ShopperEvent::Added { .. } => Signal::Added,
            ShopperEvent::Removed { .. } => Signal::Removed,
            ShopperEvent::CheckoutStarted { .. } => Signal::PurchaseIntent,
        }
    }
}

/// The catalog facts about one product that affinities are made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductFacts {
    pub tags: Vec<String>,
    pub product_type: String,
    pub vendor: String,
    /// Handles of the collections that list the product.
    pub collections: Vec<String>,
}

/// Which collections list each product, indexed once per catalog so that facts are found in
/// constant time.
pub struct Memberships<'a>(std::collections::HashMap<&'a str, Vec<String>>);

impl<'a> Memberships<'a> {
    pub fn of(collections: &'a [Collection]) -> Memberships<'a> {
        let mut member_of: std::collections::HashMap<&str, Vec<String>> =
            std::collections::HashMap::new();
        for c in collections {
            for h in &c.product_handles {
                member_of
                    .entry(h.as_str())
                    .or_default()
                    .push(c.handle.clone());
            }
        }
        Memberships(member_of)
    }

    /// The facts of `product`, with the collections that list it.
    pub fn facts(&self, product: &Product) -> ProductFacts {
        ProductFacts {
            tags: product.tags.clone(),
            product_type: product.product_type.clone(),
            vendor: product.vendor.clone(),
            collections: self
                .0
                .get(product.handle.as_str())
                .cloned()
                .unwrap_or_default(),
        }
    }
}

impl ProductFacts {
    /// The facts of `product`, with the collections (of `collections`) that list it.
    pub fn of(product: &Product, collections: &[Collection]) -> ProductFacts {
        ProductFacts {
            tags: product.tags.clone(),
            product_type: product.product_type.clone(),
            vendor: product.vendor.clone(),
            collections: collections
                .iter()
                .filter(|c| c.product_handles.contains(&product.handle))
                .map(|c| c.handle.clone())
                .collect(),
        }
    }
}

/// Affinity weights, each keyed by the lower-cased catalog word.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub tags: BTreeMap<String, f64>,
    pub product_types: BTreeMap<String, f64>,
    pub vendors: BTreeMap<String, f64>,
    pub collections: BTreeMap<String, f64>,
    /// When the weights were last decayed (Unix ms); 0 for a new profile.
    pub as_of_ms: u64,
    /// Events learned from, ever.
    pub events: u64,
}

/// How much each dimension counts when scoring a product: type 3, collection 2, vendor 2,
/// each tag 1 (the same order of importance as the old rule-based recommendations).
const TYPE_FACTOR: f64 = 3.0;
const COLLECTION_FACTOR: f64 = 2.0;
const VENDOR_FACTOR: f64 = 2.0;
const TAG_FACTOR: f64 = 1.0;

fn key(word: &str) -> Option<String> {
    let k = word.trim().to_lowercase();
    (!k.is_empty()).then_some(k)
}

fn bump(map: &mut BTreeMap<String, f64>, word: &str, delta: f64) {
    let Some(k) = key(word) else { return };
    let w = map.entry(k).or_insert(0.0);
    *w = (*w + delta).max(0.0);
}

fn prune(map: &mut BTreeMap<String, f64>) {
    map.retain(|_, w| w.is_finite() && *w >= FORGET_BELOW);
    if map.len() > MAX_ENTRIES {
        let mut all: Vec<(String, f64)> = std::mem::take(map).into_iter().collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(MAX_ENTRIES);
        *map = all.into_iter().collect();
    }
}

fn top(map: &BTreeMap<String, f64>, n: usize) -> Vec<(String, f64)> {
    let mut all: Vec<(String, f64)> = map.iter().map(|(k, w)| (k.clone(), *w)).collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(n);
    all
}

impl Profile {
    /// True when nothing has been learned (or everything was forgotten).
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.product_types.is_empty()
            && self.vendors.is_empty()
            && self.collections.is_empty()
    }

    /// Decays every weight to `now_ms` (half-life [`HALF_LIFE_MS`]). A `now_ms` earlier than
    /// the last update (a clock step back) decays nothing.
    pub fn decay_to(&mut self, now_ms: u64) {
        if now_ms <= self.as_of_ms {
            return;
        }
        let elapsed = (now_ms - self.as_of_ms) as f64;
        let factor = 0.5_f64.powf(elapsed / HALF_LIFE_MS as f64);
        for map in self.maps_mut() {
            map.values_mut().for_each(|w| *w *= factor);
            prune(map);
        }
        self.as_of_ms = now_ms;
    }

    /// Learns from one event about a product with these facts, at `now_ms`.
    pub fn observe(&mut self, signal: Signal, facts: &ProductFacts, now_ms: u64) {
        self.decay_to(now_ms);
        let d = signal.weight();
        for t in &facts.tags {
            bump(&mut self.tags, t, d);
        }
        bump(&mut self.product_types, &facts.product_type, d);
        bump(&mut self.vendors, &facts.vendor, d);
        for c in &facts.collections {
            bump(&mut self.collections, c, d);
        }
        for map in self.maps_mut() {
            prune(map);
        }
        self.events = self.events.saturating_add(1);
    }

    /// A profile rebuilt from stored events, oldest first, each with its time (Unix ms).
    /// `facts` looks a product handle up in the catalog; events about products that are
    /// gone are skipped.
    pub fn from_events<'a>(
        oldest_first: impl IntoIterator<Item = (&'a ShopperEvent, u64)>,
        facts: impl Fn(&str) -> Option<ProductFacts>,
    ) -> Profile {
        let mut p = Profile::default();
        for (event, at_ms) in oldest_first {
            if let Some(f) = facts(event.handle()) {
                p.observe(Signal::of(event), &f, at_ms);
            }
        }
        p
    }

    /// How well a product fits the profile (0 when nothing matches).
    pub fn score(&self, facts: &ProductFacts) -> f64 {
        let get = |m: &BTreeMap<String, f64>, w: &str| key(w).and_then(|k| m.get(&k).copied());
        let mut s = get(&self.product_types, &facts.product_type).unwrap_or(0.0) * TYPE_FACTOR
            + get(&self.vendors, &facts.vendor).unwrap_or(0.0) * VENDOR_FACTOR;
        for t in &facts.tags {
            s += get(&self.tags, t).unwrap_or(0.0) * TAG_FACTOR;
        }
        for c in &facts.collections {
            s += get(&self.collections, c).unwrap_or(0.0) * COLLECTION_FACTOR;
        }
        s
    }

    /// The strongest `n` entries of each dimension, for the prompt and the segment.
    pub fn summary(&self, n: usize) -> ProfileSummary {
        ProfileSummary {
            tags: top(&self.tags, n).into_iter().map(|(k, _)| k).collect(),
            product_types: top(&self.product_types, n)
                .into_iter()
                .map(|(k, _)| k)
                .collect(),
            vendors: top(&self.vendors, n).into_iter().map(|(k, _)| k).collect(),
            collections: top(&self.collections, n)
                .into_iter()
                .map(|(k, _)| k)
                .collect(),
        }
    }

    /// A coarse, non-personal segment name shared by shoppers with the same strongest type,
    /// collection and two strongest tags: `seg-` and 12 hex characters (`seg-none` for an
    /// empty profile). It keys the gateway cache, so similar shoppers share answers, and is
    /// safe to send as gateway metadata.
    pub fn segment(&self) -> String {
        if self.is_empty() {
            return "seg-none".to_string();
        }
        let s = self.summary(2);
        let first = |v: &[String]| v.first().cloned().unwrap_or_default();
        let tags = s.tags.join(",");
        let ty = first(&s.product_types);
        let col = first(&s.collections);
        format!(
            "seg-{}",
            crate::hash::hex_of(&[ty.as_str(), col.as_str(), tags.as_str()], 12)
        )
    }

    fn maps_mut(&mut self) -> [&mut BTreeMap<String, f64>; 4] {
        [
            &mut self.tags,
            &mut self.product_types,
            &mut self.vendors,
            &mut self.collections,
        ]
    }
}

/// The strongest affinities, strongest first, as catalog words (what the prompt shows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSummary {
    pub tags: Vec<String>,
    pub product_types: Vec<String>,
    pub vendors: Vec<String>,
    pub collections: Vec<String>,
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
