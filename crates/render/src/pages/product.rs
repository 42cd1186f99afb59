//! A product: gallery, price, availability, the add-to-cart form, description, JSON-LD.

use crate::cards::{ImageView, PriceView};
use crate::frame::Frame;
use crate::sanitize::{SanitizedHtml, sanitize_kept};
use crate::sections::{SectionView, around};
use crate::seo::{Head, JsonLd, canonical_links, page_title};
use crate::{Chrome, Rendered};
use askama::Template;
use serde::Serialize;
use wandstore_core::catalog::{Image, Product, Variant};

/// Shopify's title for the only variant of a product without options.
const DEFAULT_VARIANT_TITLE: &str = "Default Title";

/// A product page.
#[derive(Debug, Clone)]
pub struct ProductPage {
    pub chrome: Chrome,
    pub product: Product,
    /// The variant asked for (`?variant=`); an unknown or absent one falls back to
    /// [`Product::default_variant`].
    pub selected_variant_id: Option<String>,
    /// The shopper's CSRF token for the add-to-cart form.
    pub csrf: String,
}

pub(crate) struct VariantOption<'a> {
    pub id: &'a str,
    pub label: String,
    pub selected: bool,
    pub disabled: bool,
}

pub(crate) struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductView<'a> {
    frame: Frame<'a>,
    title: &'a str,
    vendor: &'a str,
    images: Vec<ImageView<'a>>,
    price: PriceView,
    available: bool,
    /// `Some` when the product has one variant without options: no selector is shown.
    single_variant_id: Option<&'a str>,
    options_label: String,
    variants: Vec<VariantOption<'a>>,
    form_action: String,
    csrf: &'a str,
    description: SanitizedHtml,
    tags: Vec<TagLink<'a>>,
    /// The theme's sections above and below the product.
    before: Vec<SectionView<'a>>,
    after: Vec<SectionView<'a>>,
}

impl ProductPage {
    /// The variant the page shows and preselects.
    pub fn selected_variant(&self) -> Option<&Variant> {
        self.selected_variant_id
            .as_deref()
            .and_then(|id| self.product.variant(id))
            .or_else(|| self.product.default_variant())
    }

    pub fn html(&self) -> Rendered {
        let chrome = &self.chrome;
        let p = &self.product;
        let selected = self.selected_variant();
        let canonical = canonical_links(chrome).map(|l| l.product(&p.handle));
        let json_ld = JsonLd::new(&product_ld(p, canonical.as_deref()))
            .map_err(|e| askama::Error::Custom(Box::new(e)))?;
        let title = p.seo.title.as_deref().filter(|t| !t.trim().is_empty());
        let description = p
            .seo
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(&p.description);
        let mut head = Head::new(
            page_title(title.unwrap_or(&p.title), chrome),
            description,
            canonical,
        )
        .with_image(gallery(p).first().map(|i| i.url.as_str()));
        head.og_type = "product";
        head.json_ld = Some(json_ld);
        let frame = Frame::storefront(chrome, head);

        let single = match p.variants.as_slice() {
            [only] if only.title == DEFAULT_VARIANT_TITLE || p.options.is_empty() => {
                Some(only.id.as_str())
            }
            _ => None,
        };
        let option_names: Vec<&str> = p.options.iter().map(|o| o.name.as_str()).collect();
        let (before, after) = around(
            &chrome.theme.layout.product,
            wandstore_theme::SectionKind::ProductDetails,
            &chrome.store_name,
            &frame.links,
        );
        let view = ProductView {
            before,
            after,
            title: &p.title,
            vendor: &p.vendor,
            images: gallery(p)
                .into_iter()
                .filter_map(|img| ImageView::new(img, &p.title, true))
                .enumerate()
                .map(|(i, img)| ImageView { lazy: i > 0, ..img })
                .collect(),
            price: selected.map_or_else(|| PriceView::one(p.price_range.min), PriceView::variant),
            available: p.available_for_sale && selected.is_some_and(|v| v.available_for_sale),
            single_variant_id: single,
            options_label: if option_names.is_empty() {
                "Option".to_owned()
            } else {
                option_names.join(" / ")
            },
            variants: p
                .variants
                .iter()
                .map(|v| VariantOption {
                    id: &v.id,
                    label: variant_label(v),
                    selected: selected.is_some_and(|s| s.id == v.id),
                    disabled: !v.available_for_sale,
                })
                .collect(),
            form_action: frame.links.cart_add(),
            csrf: &self.csrf,
            description: sanitize_kept(&p.description_html),
            tags: p
                .tags
                .iter()
                .filter(|t| !t.trim().is_empty())
                .map(|t| TagLink {
                    name: t,
                    url: frame.links.search(&format!("tag:{t}"), 1),
                })
                .collect(),
            frame,
        };
        view.render()
    }
}

/// "M / Red — $12.00", "— $12.00 (was $15.00)" on sale, "— sold out" when unavailable.
fn variant_label(v: &Variant) -> String {
    let mut label = format!("{} — {}", v.title, v.price);
    if let Some(was) = v.compare_at_price.filter(|_| v.on_sale()) {
        label.push_str(&format!(" (was {was})"));
    }
    if !v.available_for_sale {
        label.push_str(" — sold out");
    }
    label
}

/// The featured image first, then the others without repeating it.
fn gallery(p: &Product) -> Vec<&Image> {
    let mut out: Vec<&Image> = Vec::with_capacity(p.images.len() + 1);
    for img in p.featured_image.iter().chain(&p.images) {
        if !out.iter().any(|seen| seen.url == img.url) {
            out.push(img);
        }
    }
    out
}

#[derive(Serialize)]
struct ProductLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sku: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    brand: Option<BrandLd<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    offers: Vec<OfferLd<'a>>,
}

#[derive(Serialize)]
struct BrandLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct OfferLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    /// A decimal string ("12.30"), never a float.
    price: String,
    #[serde(rename = "priceCurrency")]
    price_currency: &'a str,
    availability: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sku: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// schema.org `Product` with one `Offer` per variant.
fn product_ld<'a>(p: &'a Product, url: Option<&'a str>) -> ProductLd<'a> {
    let sku = p
        .default_variant()
        .and_then(|v| v.sku.as_deref())
        .filter(|s| !s.is_empty());
    ProductLd {
        context: "https://schema.org",
        kind: "Product",
        name: &p.title,
        image: gallery(p)
            .into_iter()
            .filter(|i| i.url.starts_with("https://") || i.url.starts_with("http://"))
            .map(|i| i.url.as_str())
            .collect(),
        description: p.description.trim(),
        sku,
        brand: (!p.vendor.trim().is_empty()).then_some(BrandLd {
            kind: "Brand",
            name: &p.vendor,
        }),
        url,
        offers: p
            .variants
            .iter()
            .map(|v| OfferLd {
                kind: "Offer",
                price: v.price.to_decimal_string(),
                price_currency: v.price.currency.as_str(),
                availability: if v.available_for_sale {
                    "https://schema.org/InStock"
                } else {
                    "https://schema.org/OutOfStock"
                },
                sku: v.sku.as_deref().filter(|s| !s.is_empty()),
                url,
            })
            .collect(),
    }
}
