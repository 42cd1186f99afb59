//! `Product`, `ProductVariant` and their small types: options, prices, images, SEO.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::connection::{PageArgs, connection};
use super::enums::{
    CropRegion, CurrencyCode, ImageContentType, ProductImageSortKeys, ProductVariantSortKeys,
};
use super::scalars::{DateTime, Decimal, Html, Url};
use super::{Scope, gid};
use crate::catalog::{self, Shop};
use crate::money::{Currency, format_decimal};

connection!(ProductConnection, ProductEdge, Product);
connection!(ProductVariantConnection, ProductVariantEdge, ProductVariant);
connection!(ImageConnection, ImageEdge, Image);

/// A monetary value with currency.
#[derive(SimpleObject, Debug, Clone)]
pub struct MoneyV2 {
    pub amount: Decimal,
    pub currency_code: CurrencyCode,
}

impl MoneyV2 {
    pub fn new(cents: i64, currency: Currency) -> MoneyV2 {
        MoneyV2 {
            amount: Decimal(format_decimal(cents)),
            currency_code: currency.into(),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ProductPriceRange {
    pub max_variant_price: MoneyV2,
    pub min_variant_price: MoneyV2,
}

#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "SEO")]
pub struct Seo {
    pub description: Option<String>,
    pub title: Option<String>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct SelectedOption {
    pub name: String,
    pub value: String,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ProductOption {
    pub id: ID,
    pub name: String,
    pub option_values: Vec<ProductOptionValue>,
    #[graphql(deprecation = "Use `optionValues` instead.")]
    pub values: Vec<String>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ProductOptionValue {
    pub id: ID,
    pub name: String,
}

/// The available options for transforming an image.
#[derive(InputObject, Debug, Clone)]
pub struct ImageTransformInput {
    pub crop: Option<CropRegion>,
    pub max_height: Option<i32>,
    pub max_width: Option<i32>,
    pub preferred_content_type: Option<ImageContentType>,
    #[graphql(default_with = "Some(1)")]
    pub scale: Option<i32>,
}

/// Represents an image resource, served by devshop itself as an SVG placeholder.
#[derive(Debug, Clone)]
pub struct Image {
    pub shop: Arc<Shop>,
    pub data: catalog::Image,
    /// `ProductImage` or `CollectionImage`, for the global id.
    pub kind: &'static str,
}

#[Object]
impl Image {
    async fn alt_text(&self) -> Option<&str> {
        self.data.alt.as_deref()
    }

    async fn height(&self) -> Option<i32> {
        Some(self.data.height as i32)
    }

    async fn id(&self) -> Option<ID> {
        Some(gid(self.kind, self.data.id))
    }

    async fn url(&self, ctx: &Context<'_>, transform: Option<ImageTransformInput>) -> Result<Url> {
        let scope = ctx.data::<Scope>()?;
        let mut url = format!(
            "{}/images/{}/{}.svg",
            scope.base_url, self.shop.name, self.data.name
        );
        let mut sep = '?';
        if let Some(t) = transform {
            let scale = t.scale.unwrap_or(1).clamp(1, 3);
            for (key, value) in [("width", t.max_width), ("height", t.max_height)] {
                if let Some(v) = value {
                    url.push_str(&format!("{sep}{key}={}", v.max(1) * scale));
                    sep = '&';
                }
            }
        }
        Ok(Url(url))
    }

    async fn width(&self) -> Option<i32> {
        Some(self.data.width as i32)
    }
}

/// A product of the requesting shop.
#[derive(Debug, Clone)]
pub struct Product {
    pub shop: Arc<Shop>,
    pub index: usize,
}

impl Product {
    pub fn new(shop: &Arc<Shop>, index: usize) -> Product {
        Product {
            shop: shop.clone(),
            index,
        }
    }

    fn data(&self) -> &catalog::Product {
        &self.shop.products[self.index]
    }

    fn image(&self, i: usize) -> Image {
        Image {
            shop: self.shop.clone(),
            data: self.data().images[i].clone(),
            kind: "ProductImage",
        }
    }

    fn range(&self, min: i64, max: i64) -> ProductPriceRange {
        ProductPriceRange {
            min_variant_price: MoneyV2::new(min, self.shop.currency),
            max_variant_price: MoneyV2::new(max, self.shop.currency),
        }
    }
}

/// Shopify's `truncateAt`: at most `n` characters, ending in an ellipsis when cut.
pub(crate) fn truncate(text: &str, n: Option<i32>) -> String {
    match n {
        Some(n) if n >= 0 && text.chars().count() > n as usize => {
            let keep = (n as usize).saturating_sub(1);
            let mut out: String = text.chars().take(keep).collect();
            out.push('…');
            out
        }
        _ => text.to_string(),
    }
}

#[Object]
impl Product {
    async fn available_for_sale(&self) -> bool {
        self.data().available()
    }

    async fn compare_at_price_range(&self) -> ProductPriceRange {
        let (min, max) = self.data().compare_at_range();
        self.range(min, max)
    }

    async fn created_at(&self) -> DateTime {
        DateTime::from_unix(self.data().created_at)
    }

    /// Stripped description of the product, single line with HTML tags removed.
    async fn description(&self, truncate_at: Option<i32>) -> String {
        truncate(&self.data().description, truncate_at)
    }

    /// The description of the product, complete with HTML formatting.
    async fn description_html(&self) -> Html {
        Html(self.data().description_html.clone())
    }

    async fn featured_image(&self) -> Option<Image> {
        (!self.data().images.is_empty()).then(|| self.image(0))
    }

    async fn handle(&self) -> &str {
        &self.data().handle
    }

    async fn id(&self) -> ID {
        gid("Product", self.data().id)
    }

    #[allow(clippy::too_many_arguments)]
    async fn images(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(ProductImageSortKeys::Position)")] sort_key: Option<
            ProductImageSortKeys,
        >,
    ) -> Result<ImageConnection> {
        let mut order: Vec<usize> = (0..self.data().images.len()).collect();
        if sort_key == Some(ProductImageSortKeys::Id) {
            order.sort_by_key(|&i| self.data().images[i].id);
        }
        if reverse.unwrap_or(false) {
            order.reverse();
        }
        let items = order
            .into_iter()
            .map(|i| {
                let id = self.data().images[i].id;
                (id, id.to_string(), self.image(i))
            })
            .collect();
        ImageConnection::paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }

    async fn online_store_url(&self) -> Option<Url> {
        None
    }

    async fn options(&self, first: Option<i32>) -> Vec<ProductOption> {
        let limit = first.map_or(usize::MAX, |n| n.max(0) as usize);
        self.data()
            .options
            .iter()
            .take(limit)
            .map(|o| ProductOption {
                id: gid("ProductOption", o.id),
                name: o.name.clone(),
                option_values: o
                    .values
                    .iter()
                    .map(|(id, name)| ProductOptionValue {
                        id: gid("ProductOptionValue", *id),
                        name: name.clone(),
                    })
                    .collect(),
                values: o.values.iter().map(|(_, name)| name.clone()).collect(),
            })
            .collect()
    }

    async fn price_range(&self) -> ProductPriceRange {
        self.range(self.data().min_price(), self.data().max_price())
    }

    async fn product_type(&self) -> &str {
        &self.data().product_type
    }

    async fn published_at(&self) -> DateTime {
        DateTime::from_unix(self.data().published_at)
    }

    async fn seo(&self) -> Seo {
        Seo {
            description: self.data().seo_description.clone(),
            title: self.data().seo_title.clone(),
        }
    }

    async fn tags(&self) -> &[String] {
        &self.data().tags
    }

    async fn title(&self) -> &str {
        &self.data().title
    }

    async fn updated_at(&self) -> DateTime {
        DateTime::from_unix(self.data().updated_at)
    }

    #[allow(clippy::too_many_arguments)]
    async fn variants(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(ProductVariantSortKeys::Position)")] sort_key: Option<
            ProductVariantSortKeys,
        >,
    ) -> Result<ProductVariantConnection> {
        let variants = &self.data().variants;
        let mut order: Vec<usize> = (0..variants.len()).collect();
        match sort_key {
            Some(ProductVariantSortKeys::Id) => order.sort_by_key(|&i| variants[i].id),
            Some(ProductVariantSortKeys::Sku) => {
                order.sort_by(|&a, &b| variants[a].sku.cmp(&variants[b].sku).then(a.cmp(&b)))
            }
            Some(ProductVariantSortKeys::Title) => {
                order.sort_by(|&a, &b| variants[a].title.cmp(&variants[b].title).then(a.cmp(&b)))
            }
            _ => {}
        }
        if reverse.unwrap_or(false) {
            order.reverse();
        }
        let items = order
            .into_iter()
            .map(|i| {
                let v = &variants[i];
                (
                    v.id,
                    v.id.to_string(),
                    ProductVariant::new(&self.shop, self.index, i),
                )
            })
            .collect();
        ProductVariantConnection::paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }

    async fn vendor(&self) -> &str {
        &self.data().vendor
    }
}

/// One purchasable combination of option values.
#[derive(Debug, Clone)]
pub struct ProductVariant {
    pub shop: Arc<Shop>,
    pub product: usize,
    pub variant: usize,
}

impl ProductVariant {
    pub fn new(shop: &Arc<Shop>, product: usize, variant: usize) -> ProductVariant {
        ProductVariant {
            shop: shop.clone(),
            product,
            variant,
        }
    }

    fn data(&self) -> &catalog::Variant {
        &self.shop.products[self.product].variants[self.variant]
    }
}

#[Object]
impl ProductVariant {
    async fn available_for_sale(&self) -> bool {
        self.data().available
    }

    async fn compare_at_price(&self) -> Option<MoneyV2> {
        self.data()
            .compare_at
            .map(|c| MoneyV2::new(c, self.shop.currency))
    }

    async fn currently_not_in_stock(&self) -> bool {
        false
    }

    async fn id(&self) -> ID {
        gid("ProductVariant", self.data().id)
    }

    async fn image(&self) -> Option<Image> {
        let product = Product::new(&self.shop, self.product);
        self.data().image.map(|i| product.image(i))
    }

    async fn price(&self) -> MoneyV2 {
        MoneyV2::new(self.data().price, self.shop.currency)
    }

    async fn product(&self) -> Product {
        Product::new(&self.shop, self.product)
    }

    async fn quantity_available(&self) -> Option<i32> {
        Some(self.data().quantity_available)
    }

    async fn requires_shipping(&self) -> bool {
        true
    }

    async fn selected_options(&self) -> Vec<SelectedOption> {
        self.data()
            .selected
            .iter()
            .map(|(name, value)| SelectedOption {
                name: name.clone(),
                value: value.clone(),
            })
            .collect()
    }

    async fn sku(&self) -> Option<&str> {
        self.data().sku.as_deref()
    }

    async fn title(&self) -> &str {
        &self.data().title
    }
}
