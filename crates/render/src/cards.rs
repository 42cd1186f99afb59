//! What the shared partials show: images, prices, product cards and collection cards, each
//! prepared from core's catalog types (`templates/partials/*.html`).

use crate::links::Links;
use wandstore_core::catalog::{Image, PriceRange, Variant};
use wandstore_core::catalog_index::{CollectionInfo, ProductCard};
use wandstore_core::money::Money;

/// An `<img>`: `alt` falls back to the title it illustrates; sizes only when known.
#[derive(Debug, Clone)]
pub(crate) struct ImageView<'a> {
    pub src: &'a str,
    pub alt: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `loading="lazy"`: every image but the first one a page shows.
    pub lazy: bool,
}

impl<'a> ImageView<'a> {
    /// `None` for an image whose URL is not http(s) (or protocol-relative).
    pub fn new(image: &'a Image, fallback_alt: &'a str, lazy: bool) -> Option<ImageView<'a>> {
        let src = image.url.as_str();
        let ok = src.starts_with("https://") || src.starts_with("http://") || src.starts_with("//");
        ok.then(|| ImageView {
            src,
            alt: image
                .alt_text
                .as_deref()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or(fallback_alt),
            width: image.width,
            height: image.height,
            lazy,
        })
    }
}

/// A price as shown: "$12.00", "From $12.00", or a sale price with the regular one struck out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PriceView {
    pub now: String,
    /// The regular price, shown struck out; only when it is higher than `now`.
    pub was: Option<String>,
    /// Variants differ in price: "From ...".
    pub from: bool,
}

impl PriceView {
    pub fn one(price: Money) -> PriceView {
        PriceView {
            now: price.to_string(),
            was: None,
            from: false,
        }
    }

    /// A variant's price, with its compare-at price when it is on sale.
    pub fn variant(v: &Variant) -> PriceView {
        PriceView {
            now: v.price.to_string(),
            was: v
                .on_sale()
                .then_some(v.compare_at_price)
                .flatten()
                .map(|m| m.to_string()),
            from: false,
        }
    }

    /// A product's price range for a card. The regular price is shown only when even the
    /// lowest compare-at price is above the lowest price, so a card never claims a discount
    /// that some variant does not have.
    pub fn range(price: &PriceRange, compare_at: Option<&PriceRange>) -> PriceView {
        let on_sale = compare_at.is_some_and(|c| c.min > price.min);
        PriceView {
            now: price.min.to_string(),
            was: compare_at.filter(|_| on_sale).map(|c| c.min.to_string()),
            from: price.max != price.min,
        }
    }
}

/// A product card in a grid.
#[derive(Debug, Clone)]
pub(crate) struct CardView<'a> {
    pub url: String,
    pub title: &'a str,
    pub vendor: &'a str,
    pub image: Option<ImageView<'a>>,
    pub price: PriceView,
    pub sold_out: bool,
    /// Why it is recommended (model output: escaped like any text).
    pub reason: Option<&'a str>,
}

impl<'a> CardView<'a> {
    /// `lazy`: whether the card's image may load lazily (all but the first row's).
    pub fn new(card: &'a ProductCard, links: &Links, lazy: bool) -> CardView<'a> {
        CardView {
            url: links.product(&card.handle),
            title: &card.title,
            vendor: &card.vendor,
            image: card
                .featured_image
                .as_ref()
                .and_then(|i| ImageView::new(i, &card.title, lazy)),
            price: PriceView::range(&card.price_range, card.compare_at_price_range.as_ref()),
            sold_out: !card.available_for_sale,
            reason: None,
        }
    }

    pub fn with_reason(mut self, reason: Option<&'a str>) -> CardView<'a> {
        self.reason = reason.filter(|r| !r.trim().is_empty());
        self
    }
}

/// Cards for a grid; the first `eager` images load at once, the rest lazily.
pub(crate) fn card_views<'a>(
    cards: &'a [ProductCard],
    links: &Links,
    eager: usize,
) -> Vec<CardView<'a>> {
    cards
        .iter()
        .enumerate()
        .map(|(i, c)| CardView::new(c, links, i >= eager))
        .collect()
}

/// A collection card on the home page.
#[derive(Debug, Clone)]
pub(crate) struct CollectionCardView<'a> {
    pub url: String,
    pub title: &'a str,
    pub image: Option<ImageView<'a>>,
    pub product_count: usize,
}

impl<'a> CollectionCardView<'a> {
    pub fn new(c: &'a CollectionInfo, links: &Links, lazy: bool) -> CollectionCardView<'a> {
        CollectionCardView {
            url: links.collection_base(&c.handle),
            title: &c.title,
            image: c
                .image
                .as_ref()
                .and_then(|i| ImageView::new(i, &c.title, lazy)),
            product_count: c.product_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wandstore_core::money::Currency;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    fn range(min: i64, max: i64) -> PriceRange {
        PriceRange {
            min: usd(min),
            max: usd(max),
        }
    }

    #[test]
    fn card_prices() {
        assert_eq!(
            PriceView::range(&range(1000, 1000), None),
            PriceView {
                now: "$10.00".into(),
                was: None,
                from: false
            }
        );
        let sale = PriceView::range(&range(1000, 1000), Some(&range(1500, 1500)));
        assert_eq!(sale.was.as_deref(), Some("$15.00"));
        let from = PriceView::range(&range(1000, 2000), None);
        assert!(from.from);
        // One variant has no compare-at price (Shopify reports 0): no sale on the card.
        let partial = PriceView::range(&range(1000, 2000), Some(&range(0, 1500)));
        assert_eq!(partial.was, None);
        // A compare-at price equal to the price is not a sale.
        let same = PriceView::range(&range(1000, 1000), Some(&range(1000, 1000)));
        assert_eq!(same.was, None);
    }

    #[test]
    fn images_need_an_http_source_and_fall_back_to_the_title_for_alt() {
        let img = |url: &str, alt: Option<&str>| Image {
            url: url.into(),
            alt_text: alt.map(Into::into),
            width: Some(10),
            height: None,
        };
        let a = img("https://cdn.example/a.jpg", None);
        let v = ImageView::new(&a, "Mug", true).unwrap();
        assert_eq!(
            (v.alt, v.width, v.height, v.lazy),
            ("Mug", Some(10), None, true)
        );
        let b = img("https://cdn.example/b.jpg", Some("A blue mug"));
        assert_eq!(ImageView::new(&b, "Mug", false).unwrap().alt, "A blue mug");
        let blank = img("https://cdn.example/b.jpg", Some("  "));
        assert_eq!(ImageView::new(&blank, "Mug", false).unwrap().alt, "Mug");
        for bad in ["javascript:alert(1)", "data:image/png;base64,AA", "x"] {
            assert!(
                ImageView::new(&img(bad, None), "Mug", false).is_none(),
                "{bad}"
            );
        }
    }
}
