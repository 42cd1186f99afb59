//! The demo catalog is deterministic and has the size and shape the end-to-end tests rely on.

use std::collections::HashSet;

use devshop::catalog_gen::generate;
use devshop::money::Currency;
use devshop::{HOSTILE_PRODUCT_HANDLE, UNICODE_PRODUCT_HANDLE};

#[test]
fn catalog_is_deterministic() {
    let a = generate();
    let b = generate();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.fingerprint(), devshop::demo_catalog().fingerprint());
    let (pa, pb) = (&a.shops[0].products, &b.shops[0].products);
    assert_eq!(pa, pb);
    assert_eq!(a.shops[1].collections, b.shops[1].collections);
}

#[test]
fn catalog_has_the_promised_size_and_shape() {
    let catalog = generate();
    assert!(
        catalog.product_count() >= 1000,
        "{} products",
        catalog.product_count()
    );
    assert!(catalog.collection_count() >= 20);
    let currencies: HashSet<Currency> = catalog.shops.iter().map(|s| s.currency).collect();
    assert_eq!(currencies, HashSet::from([Currency::Usd, Currency::Eur]));
    let demo = catalog.shop("demo").unwrap();
    let outlet = catalog.shop("outlet").unwrap();
    assert!((550..=650).contains(&demo.products.len()));
    assert!((400..=500).contains(&outlet.products.len()));
    assert!(demo.collections.len() >= 12 && outlet.collections.len() >= 12);

    let mut variant_ids = HashSet::new();
    let mut product_ids = HashSet::new();
    for shop in &catalog.shops {
        let mut handles = HashSet::new();
        let mut skus = HashSet::new();
        let (mut on_sale, mut sold_out, mut some_unavailable_variant) = (0, 0, 0);
        for p in &shop.products {
            assert!(
                handles.insert(p.handle.clone()),
                "duplicate handle {}",
                p.handle
            );
            assert!(product_ids.insert(p.id));
            assert!(
                (1..=12).contains(&p.variants.len()),
                "{}: {} variants",
                p.handle,
                p.variants.len()
            );
            assert!((1..=4).contains(&p.images.len()));
            assert!(!p.options.is_empty() && !p.tags.is_empty());
            assert!(!p.vendor.is_empty() && !p.product_type.is_empty());
            assert!(p.updated_at >= p.created_at);
            let combos: HashSet<_> = p.variants.iter().map(|v| v.selected.clone()).collect();
            assert_eq!(
                combos.len(),
                p.variants.len(),
                "{}: variants must differ",
                p.handle
            );
            for v in &p.variants {
                assert!(variant_ids.insert(v.id), "variant id {} reused", v.id);
                assert!(v.price > 0);
                if let Some(c) = v.compare_at {
                    assert!(c > v.price);
                }
                if let Some(sku) = &v.sku {
                    assert!(skus.insert(sku.clone()), "duplicate SKU {sku}");
                }
                if !v.available {
                    some_unavailable_variant += 1;
                }
            }
            if p.variants.iter().any(|v| v.compare_at.is_some()) {
                on_sale += 1;
            }
            if !p.available() {
                sold_out += 1;
            }
        }
        assert!(
            on_sale > 20 && sold_out > 5 && some_unavailable_variant > 20,
            "{}",
            shop.name
        );
        let created: Vec<i64> = shop.products.iter().map(|p| p.created_at).collect();
        let span = created.iter().max().unwrap() - created.iter().min().unwrap();
        assert!(span > 2 * 365 * 86_400, "createdAt spread over years");
        for c in &shop.collections {
            let unique: HashSet<_> = c.products.iter().collect();
            assert_eq!(
                unique.len(),
                c.products.len(),
                "collection {} repeats a product",
                c.handle
            );
        }
        let all = shop.collections.iter().find(|c| c.handle == "all").unwrap();
        assert_eq!(all.products.len(), shop.products.len());
        assert!(
            all.products.len() > 250,
            "one collection needs more than a page"
        );
        let max_variants = shop
            .products
            .iter()
            .map(|p| p.variants.len())
            .max()
            .unwrap();
        assert!(max_variants >= 9, "some products have many variants");
    }

    // Different, non-overlapping products.
    let demo_titles: HashSet<_> = demo.products.iter().map(|p| p.title.clone()).collect();
    assert!(
        outlet
            .products
            .iter()
            .all(|p| !demo_titles.contains(&p.title))
    );
    let demo_words: HashSet<_> = demo
        .products
        .iter()
        .flat_map(|p| p.title.split(' ').next())
        .collect();
    assert!(
        outlet
            .products
            .iter()
            .all(|p| !demo_words.contains(p.title.split(' ').next().unwrap()))
    );
}

#[test]
fn hostile_and_unicode_products_are_in_the_demo_shop() {
    let catalog = generate();
    let demo = catalog.shop("demo").unwrap();
    let p = &demo.products[demo.product_by_handle(HOSTILE_PRODUCT_HANDLE).unwrap()];
    assert!(p.title.contains("<script>alert(1)</script>") && p.title.contains('&'));
    assert!(
        p.description_html
            .contains(r#"<img src=x onerror="alert(1)">"#)
    );
    assert!(
        p.description_html
            .contains(r#"<a href="javascript:alert(1)">"#)
    );
    assert!(p.description_html.contains("<script>"));
    assert!(p.vendor.contains('"') && p.vendor.contains('<'));
    assert!(p.tags.iter().any(|t| t.contains('"') && t.contains('<')));
    assert!(
        !p.description.contains('<'),
        "plain description has no tags: {}",
        p.description
    );
    let frontpage = demo
        .collections
        .iter()
        .find(|c| c.handle == "frontpage")
        .unwrap();
    assert_eq!(
        frontpage.products[0],
        demo.product_by_handle(HOSTILE_PRODUCT_HANDLE).unwrap()
    );
    let u = &demo.products[demo.product_by_handle(UNICODE_PRODUCT_HANDLE).unwrap()];
    assert!(u.title.contains('魔') && u.title.contains('✨'));
    assert!(
        catalog
            .shop("outlet")
            .unwrap()
            .product_by_handle(HOSTILE_PRODUCT_HANDLE)
            .is_none()
    );
}
