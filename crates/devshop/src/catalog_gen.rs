//! Generates the demo catalog from a fixed seed: the same shops, products and collections on
//! every start. See [`crate::catalog_words`] for the vocabulary and [`crate::hostile`] for the
//! hand-written products that test escaping and Unicode.

use std::sync::Arc;

use crate::catalog::{Catalog, Collection, Image, Product, ProductOption, Shop, Variant};
use crate::catalog_words::{DEMO, Kind, OUTLET, ShopSpec};
use crate::hostile;
use crate::html;
use crate::rng::Rng;
use crate::time::ymd;

/// The seed every demo catalog grows from.
pub const CATALOG_SEED: u64 = 0x0057_A4D5_7011_2026;

const DAY: i64 = 86_400;
const IMAGE_SIZES: [(u32, u32); 4] = [(1024, 1024), (1200, 900), (900, 1200), (800, 800)];

/// Builds both demo shops. Pure and deterministic; takes a few milliseconds.
pub fn generate() -> Catalog {
    let root = Rng::new(CATALOG_SEED);
    Catalog {
        shops: vec![
            Arc::new(generate_shop(&DEMO, &root)),
            Arc::new(generate_shop(&OUTLET, &root)),
        ],
    }
}

/// Running id counters for one shop.
struct Ids {
    variant: u64,
    image: u64,
    option: u64,
}

fn generate_shop(spec: &ShopSpec, root: &Rng) -> Shop {
    let mut rng = root.fork(spec.salt);
    let mut ids = Ids {
        variant: spec.variant_id_base,
        image: spec.image_id_base,
        option: spec.option_id_base,
    };
    let mut products = if spec.name == DEMO.name {
        hostile::demo_specials(spec, &mut ids.variant, &mut ids.image, &mut ids.option)
    } else {
        Vec::new()
    };

    // Every (kind, noun, adjective) title, shuffled; the first ones become the products.
    let mut combos: Vec<(usize, usize, usize)> = Vec::new();
    for (k, kind) in spec.kinds.iter().enumerate() {
        for n in 0..kind.nouns.len() {
            for a in 0..spec.adjectives.len() {
                combos.push((k, n, a));
            }
        }
    }
    rng.shuffle(&mut combos);
    let mut used_handles: std::collections::HashSet<String> =
        products.iter().map(|p| p.handle.clone()).collect();
    for &(k, n, a) in combos
        .iter()
        .take(spec.product_count.saturating_sub(products.len()))
    {
        let index = products.len();
        let kind = &spec.kinds[k];
        let title = format!("{} {}", spec.adjectives[a], kind.nouns[n]);
        let mut handle = slugify(&title);
        let mut suffix = 2;
        while used_handles.contains(&handle) {
            handle = format!("{}-{suffix}", slugify(&title));
            suffix += 1;
        }
        used_handles.insert(handle.clone());
        let mut prng = rng.fork(index as u64 + 1);
        products.push(generate_product(
            spec, kind, index, title, handle, &mut prng, &mut ids,
        ));
    }

    // Best-selling ranks: a permutation of 1..=n.
    let mut ranks: Vec<u32> = (1..=products.len() as u32).collect();
    rng.shuffle(&mut ranks);
    for (product, rank) in products.iter_mut().zip(ranks) {
        product.sales_rank = rank;
    }

    let collections = generate_collections(spec, &products, &mut rng.fork(0xC011));
    Shop::new(spec.name, spec.title, spec.currency, products, collections)
}

fn generate_product(
    spec: &ShopSpec,
    kind: &Kind,
    index: usize,
    title: String,
    handle: String,
    rng: &mut Rng,
    ids: &mut Ids,
) -> Product {
    let vendor = rng.pick(spec.vendors).to_string();

    // Option values: at most 12 variants in total.
    let mut chosen: Vec<Vec<usize>> = Vec::new();
    let mut budget = 12usize;
    for (i, option) in kind.options.iter().enumerate() {
        let remaining_options = kind.options.len() - i - 1;
        let cap = if remaining_options > 0 {
            budget.min(4)
        } else {
            budget
        };
        let count = rng.range(1, cap.min(option.values.len()) as u64) as usize;
        budget /= count.max(1);
        chosen.push(rng.subset(option.values.len(), count));
    }
    let options: Vec<ProductOption> = if kind.options.is_empty() {
        vec![ProductOption {
            id: next(&mut ids.option),
            name: "Title".to_string(),
            values: vec![(next(&mut ids.option), "Default Title".to_string())],
        }]
    } else {
        kind.options
            .iter()
            .zip(&chosen)
            .map(|(spec, picks)| ProductOption {
                id: next(&mut ids.option),
                name: spec.name.to_string(),
                values: picks
                    .iter()
                    .map(|&v| (next(&mut ids.option), spec.values[v].to_string()))
                    .collect(),
            })
            .collect()
    };

    // Images.
    let image_count = rng.range(1, 4) as usize;
    let images: Vec<Image> = (0..image_count)
        .map(|k| {
            let (width, height) = *rng.pick(&IMAGE_SIZES);
            Image {
                id: next(&mut ids.image),
                name: format!("{handle}-{}", k + 1),
                alt: rng.chance(80).then(|| format!("{title} – view {}", k + 1)),
                width,
                height,
            }
        })
        .collect();

    // Prices and availability.
    let base =
        rng.range(kind.price.0, kind.price.1) as i64 * 100 + *rng.pick(&[0i64, 0, 50, 99, 95]);
    let on_sale = rng.chance(25);
    let sold_out = rng.chance(7);
    let no_skus = rng.chance(3);
    let images_follow_last_option = kind.options.len() == 2 && image_count > 1;
    let no_variant_images = rng.chance(10);

    let combos = cartesian(&chosen);
    let mut variants: Vec<Variant> = Vec::with_capacity(combos.len().max(1));
    for (vi, combo) in combos.iter().enumerate() {
        let mut price = base;
        let mut selected = Vec::new();
        for ((spec_opt, picks), &value_pos) in kind.options.iter().zip(&chosen).zip(combo) {
            let value_index = picks[value_pos];
            price += spec_opt.step * value_index as i64;
            selected.push((
                spec_opt.name.to_string(),
                spec_opt.values[value_index].to_string(),
            ));
        }
        if selected.is_empty() {
            selected.push(("Title".to_string(), "Default Title".to_string()));
        }
        let compare_at = (on_sale && rng.chance(85)).then(|| compare_at_for(price, rng));
        let available = !sold_out && !rng.chance(12);
        let image = if no_variant_images {
            None
        } else if images_follow_last_option {
            Some(combo[1] % image_count)
        } else {
            Some(0)
        };
        variants.push(Variant {
            id: next(&mut ids.variant),
            title: selected
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            sku: (!no_skus).then(|| format!("{}-{:04}-{:02}", spec.sku_prefix, index + 1, vi + 1)),
            available,
            quantity_available: if available {
                rng.range(1, 120) as i32
            } else {
                0
            },
            price,
            compare_at,
            selected,
            image,
        });
    }
    if !sold_out && !variants.iter().any(|v| v.available) {
        variants[0].available = true;
        variants[0].quantity_available = 7;
    }
    if on_sale && !variants.iter().any(|v| v.compare_at.is_some()) {
        variants[0].compare_at = Some(compare_at_for(variants[0].price, rng));
    }

    // Tags.
    let tag_count = rng.range(1, 4) as usize;
    let mut tags: Vec<String> = rng
        .subset(spec.tags.len(), tag_count)
        .into_iter()
        .map(|t| spec.tags[t].to_string())
        .collect();
    tags.push(kind.collection_handle.to_string());
    if variants.iter().any(|v| v.compare_at.is_some()) {
        tags.push(spec.sale_collection.0.to_string());
    }
    tags.sort();
    tags.dedup();

    // Dates.
    let created_at = rng.range(ymd(2023, 1, 1) as u64, ymd(2026, 6, 30) as u64) as i64
        + rng.range(0, DAY as u64 - 1) as i64;
    let published_at = created_at + rng.range(0, 3 * DAY as u64) as i64;
    let updated_at = (published_at + rng.range(0, 500 * DAY as u64) as i64).min(ymd(2026, 10, 31));
    let updated_at = updated_at.max(published_at);

    let description_html = describe(spec, kind, &title, &vendor, rng);
    let description = html::to_text(&description_html);
    let seo_title = rng.chance(35).then(|| format!("{title} | {}", spec.title));
    let seo_description = rng
        .chance(35)
        .then(|| description.split(". ").next().unwrap_or("").to_string());

    Product {
        id: spec.product_id_base + index as u64 + 1,
        handle,
        title,
        vendor,
        product_type: kind.product_type.to_string(),
        description_html,
        description,
        tags,
        options,
        variants,
        images,
        created_at,
        updated_at,
        published_at,
        sales_rank: 0,
        seo_title,
        seo_description,
    }
}

/// A compare-at price 20–60 % above `price`, ending in .99.
fn compare_at_for(price: i64, rng: &mut Rng) -> i64 {
    let raised = price * rng.range(120, 160) as i64 / 100;
    (raised / 100 + 1) * 100 - 1
}

fn describe(spec: &ShopSpec, kind: &Kind, title: &str, vendor: &str, rng: &mut Rng) -> String {
    let intro = match rng.index(4) {
        0 => format!(
            "The {title} is a {} staple from {vendor}.",
            kind.product_type.to_lowercase()
        ),
        1 => format!(
            "Meet the {title}: made by {vendor} for {} regulars.",
            spec.title
        ),
        2 => format!("{vendor} made the {title} to last for years."),
        _ => format!("A quiet favourite, the {title} ships from {vendor}."),
    };
    let feature_count = rng.range(2, 3) as usize;
    let features = rng.subset(kind.features.len(), feature_count);
    let items: String = features
        .iter()
        .map(|&f| format!("<li>{}</li>", html::escape(kind.features[f])))
        .collect();
    let care = *rng.pick(&[
        "Care &amp; returns: 30 days, no questions asked.",
        "<em>Limited stock</em> — reorder dates vary.",
        "Ships in <strong>recycled</strong> packaging.",
        "Questions? Our team answers within a day.",
    ]);
    format!(
        "<p>{}</p><ul>{items}</ul><p>{care}</p>",
        html::escape(&intro)
    )
}

/// Every combination of positions in `chosen`, first option varying slowest.
fn cartesian(chosen: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for picks in chosen {
        let mut next = Vec::with_capacity(out.len() * picks.len());
        for prefix in &out {
            for pos in 0..picks.len() {
                let mut combo = prefix.clone();
                combo.push(pos);
                next.push(combo);
            }
        }
        out = next;
    }
    out
}

fn generate_collections(spec: &ShopSpec, products: &[Product], rng: &mut Rng) -> Vec<Collection> {
    let all: Vec<usize> = (0..products.len()).collect();
    let mut by_rank = all.clone();
    by_rank.sort_by_key(|&i| products[i].sales_rank);
    let mut frontpage: Vec<usize> = by_rank.into_iter().take(22).collect();
    if spec.name == DEMO.name {
        // The hand-written products are always on the home page.
        for special in [1, 0] {
            frontpage.retain(|&i| i != special);
            frontpage.insert(0, special);
        }
    }
    let mut newest = all.clone();
    newest.sort_by_key(|&i| std::cmp::Reverse(products[i].created_at));
    newest.truncate(40);

    let (tag, tag_handle, tag_title) = spec.tag_collection;
    let (sale_tag, sale_title) = spec.sale_collection;
    let with_tag = |t: &str| -> Vec<usize> {
        all.iter()
            .copied()
            .filter(|&i| products[i].tags.iter().any(|x| x == t))
            .collect()
    };

    // (handle, title, members, shuffle into a manual order?)
    let mut specs: Vec<(String, String, Vec<usize>, bool)> = vec![
        ("all".into(), "All Products".into(), all.clone(), true),
        ("frontpage".into(), "Home page".into(), frontpage, false),
        (sale_tag.into(), sale_title.into(), with_tag(sale_tag), true),
        ("new-arrivals".into(), "New Arrivals".into(), newest, false),
        (tag_handle.into(), tag_title.into(), with_tag(tag), true),
    ];
    for kind in spec.kinds {
        let members = all
            .iter()
            .copied()
            .filter(|&i| products[i].product_type == kind.product_type)
            .collect();
        specs.push((
            kind.collection_handle.into(),
            kind.collection_title.into(),
            members,
            true,
        ));
    }
    specs.push((
        "coming-soon".into(),
        "Coming Soon".into(),
        Vec::new(),
        false,
    ));

    specs
        .into_iter()
        .enumerate()
        .map(|(i, (handle, title, mut members, shuffle))| {
            if shuffle {
                rng.shuffle(&mut members);
            }
            let description_html = format!(
                "<p>{} from {}: {} hand-picked items.</p>",
                html::escape(&title),
                html::escape(spec.title),
                members.len()
            );
            let image = rng.chance(70).then(|| Image {
                id: spec.image_id_base + 900_000_000 + i as u64,
                name: format!("collection-{handle}"),
                alt: Some(title.clone()),
                width: 1600,
                height: 600,
            });
            Collection {
                id: spec.collection_id_base + i as u64 + 1,
                description: html::to_text(&description_html),
                description_html,
                handle,
                title,
                image,
                updated_at: ymd(2026, 1, 1) + rng.range(0, 280 * DAY as u64) as i64,
                products: members,
            }
        })
        .collect()
}

fn next(counter: &mut u64) -> u64 {
    *counter += 1;
    *counter
}

/// Shopify-style handle: lowercase ASCII letters and digits separated by single dashes.
pub fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            _ => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Exposed for [`crate::hostile`]: the next id of a counter.
pub(crate) fn next_id(counter: &mut u64) -> u64 {
    next(counter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Moonlit Hooded Robe"), "moonlit-hooded-robe");
        assert_eq!(slugify("  Crème -- Brûlée! "), "creme-brulee");
    }

    #[test]
    fn cartesian_order() {
        let c = cartesian(&[vec![0, 3], vec![1, 2, 5]]);
        assert_eq!(c.len(), 6);
        assert_eq!(c[0], vec![0, 0]);
        assert_eq!(c[1], vec![0, 1]);
        assert_eq!(c[3], vec![1, 0]);
        assert_eq!(cartesian(&[]), vec![Vec::<usize>::new()]);
    }
}
