//! Renders a 48-product collection page (page 2 of 10, sorted, with sales and sold-outs).
//!
//! `cargo bench -p wandstore-render -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_core::money::Currency;
use wandstore_render::CollectionPage;

#[path = "../tests/support/fixtures.rs"]
mod fixtures;

fn collection_page(c: &mut Criterion) {
    let page = CollectionPage {
        chrome: fixtures::chrome().with_cart_count(2),
        collection: &fixtures::collection_info("mugs", "Mugs", 480),
        listing: &fixtures::listing(
            fixtures::generated_cards(48, Currency::EUR),
            2,
            480,
            SortKey::PriceAsc,
            PageSize::Large,
        ),
    };
    let bytes = page.html().map(|h| h.len()).unwrap_or(0);
    assert!(bytes > 0, "the page renders");
    c.bench_function("collection_page_48", |b| {
        b.iter(|| black_box(&page).html().map(|h| h.len()))
    });
}

criterion_group!(benches, collection_page);
criterion_main!(benches);
