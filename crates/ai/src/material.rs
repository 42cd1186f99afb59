//! What a shopper's personalization is built from, in one pass over the store's catalog: their
//! profile (from their events, decayed to now), the candidates for the model, and the products
//! a page may show (the candidates, then any extra handles such as the baseline's, available
//! and not excluded, each once).

use crate::candidates::CandidateSet;
use crate::profile::{Memberships, Profile};
use wandstore_core::catalog::{Collection, Product};
use wandstore_core::shopper_events::ShopperEvent;

/// A shopper's material, with the products it names.
pub struct Material<'a> {
    pub profile: Profile,
    pub candidates: CandidateSet,
    /// The candidates' products, then the available `also` products, each once.
    pub showable: Vec<&'a Product>,
}

/// What to build it from.
pub struct Ask<'q> {
    /// The shopper's events, oldest first, each with its time (Unix ms).
    pub events: &'q [(ShopperEvent, u64)],
    /// Handles never to propose (the cart's).
    pub exclude: &'q [String],
    /// Handles to make showable too.
    pub also: &'q [String],
    pub max: usize,
    pub now_ms: u64,
}

/// Builds the material from the catalog (`product` finds a product by handle).
pub fn build<'a>(
    products: &'a [Product],
    collections: &[Collection],
    product: impl Fn(&str) -> Option<&'a Product>,
    ask: &Ask<'_>,
) -> Material<'a> {
    let memberships = Memberships::of(collections);
    let mut profile = Profile::from_events(ask.events.iter().map(|(e, at)| (e, *at)), |h| {
        product(h).map(|p| memberships.facts(p))
    });
    profile.decay_to(ask.now_ms);
    let candidates = CandidateSet::select(&profile, products, collections, ask.exclude, ask.max);
    let mut showable: Vec<&Product> = Vec::new();
    let handles = candidates
        .candidates
        .iter()
        .map(|c| c.handle.as_str())
        .chain(ask.also.iter().map(String::as_str));
    for h in handles {
        if showable.iter().any(|p| p.handle == h) || ask.exclude.iter().any(|e| e == h) {
            continue;
        }
        if let Some(p) = product(h).filter(|p| p.available_for_sale) {
            showable.push(p);
        }
    }
    Material {
        profile,
        candidates,
        showable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::catalog;

    fn viewed(handle: &str, at: u64) -> (ShopperEvent, u64) {
        (
            ShopperEvent::Viewed {
                handle: handle.into(),
            },
            at,
        )
    }

    #[test]
    fn views_lead_the_candidates_and_the_cart_and_sold_out_stay_out() {
        let (products, collections) = catalog();
        let find = |h: &str| products.iter().find(|p| p.handle == h);
        let events = [viewed("hat-red", 1_000), viewed("hat-blue", 2_000)];
        let exclude = ["hat-red".to_owned()];
        let also = [
            "teapot".to_owned(),
            "hat-sold-out".to_owned(),
            "teapot".to_owned(),
        ];
        let ask = Ask {
            events: &events,
            exclude: &exclude,
            also: &also,
            max: 3,
            now_ms: 3_000,
        };
        let m = build(&products, &collections, find, &ask);
        assert!(!m.profile.is_empty());
        let first = &m.candidates.candidates[0].handle;
        assert_eq!(first, "hat-blue", "the viewed kind comes first");
        let shown: Vec<&str> = m.showable.iter().map(|p| p.handle.as_str()).collect();
        assert!(!shown.contains(&"hat-red"), "in the cart: {shown:?}");
        assert!(!shown.contains(&"hat-sold-out"), "sold out: {shown:?}");
        assert_eq!(
            shown.iter().filter(|h| **h == "teapot").count(),
            1,
            "{shown:?}"
        );
        assert_eq!(m.candidates.candidates.len(), 3);
    }

    #[test]
    fn no_events_keep_the_catalogs_order() {
        let (products, collections) = catalog();
        let find = |h: &str| products.iter().find(|p| p.handle == h);
        let ask = Ask {
            events: &[],
            exclude: &[],
            also: &[],
            max: 2,
            now_ms: 0,
        };
        let m = build(&products, &collections, find, &ask);
        assert!(m.profile.is_empty());
        let shown: Vec<&str> = m.showable.iter().map(|p| p.handle.as_str()).collect();
        assert_eq!(shown, ["mug-blue", "hat-red"]);
    }
}
