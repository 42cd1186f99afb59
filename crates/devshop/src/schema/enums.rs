//! Shopify's enums (the subsets in `crates/shopify/graphql/schema.graphql`). async-graphql
//! renders `BestSelling` as `BEST_SELLING`, `Usd` as `USD`.

use async_graphql::Enum;

use crate::listing::{CollectionOrder, ProductOrder};
use crate::money::Currency;

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrencyCode {
    Aed,
    Aud,
    Bhd,
    Brl,
    Cad,
    Chf,
    Cny,
    Czk,
    Dkk,
    Eur,
    Gbp,
    Hkd,
    Huf,
    Idr,
    Ils,
    Inr,
    Isk,
    Jpy,
    Krw,
    Kwd,
    Mxn,
    Myr,
    Nok,
    Nzd,
    Omr,
    Php,
    Pln,
    Sar,
    Sek,
    Sgd,
    Thb,
    Try,
    Twd,
    Usd,
    Vnd,
    Zar,
}

impl From<Currency> for CurrencyCode {
    fn from(c: Currency) -> Self {
        match c {
            Currency::Usd => CurrencyCode::Usd,
            Currency::Eur => CurrencyCode::Eur,
        }
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryCode {
    Ae,
    At,
    Au,
    Be,
    Br,
    Ca,
    Ch,
    Cn,
    Cz,
    De,
    Dk,
    Es,
    Fi,
    Fr,
    Gb,
    Hk,
    Ie,
    In,
    It,
    Jp,
    Kr,
    Kw,
    Mx,
    Nl,
    No,
    Nz,
    Pl,
    Pt,
    Se,
    Sg,
    Us,
    Za,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductSortKeys {
    BestSelling,
    CreatedAt,
    Id,
    Price,
    ProductType,
    Relevance,
    Title,
    UpdatedAt,
    Vendor,
}

impl From<ProductSortKeys> for ProductOrder {
    fn from(k: ProductSortKeys) -> Self {
        match k {
            ProductSortKeys::BestSelling => ProductOrder::BestSelling,
            ProductSortKeys::CreatedAt => ProductOrder::CreatedAt,
            ProductSortKeys::Id => ProductOrder::Id,
            ProductSortKeys::Price => ProductOrder::Price,
            ProductSortKeys::ProductType => ProductOrder::ProductType,
            ProductSortKeys::Relevance => ProductOrder::Relevance,
            ProductSortKeys::Title => ProductOrder::Title,
            ProductSortKeys::UpdatedAt => ProductOrder::UpdatedAt,
            ProductSortKeys::Vendor => ProductOrder::Vendor,
        }
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductCollectionSortKeys {
    BestSelling,
    CollectionDefault,
    Created,
    Id,
    Manual,
    Price,
    Relevance,
    Title,
}

impl From<ProductCollectionSortKeys> for ProductOrder {
    fn from(k: ProductCollectionSortKeys) -> Self {
        match k {
            ProductCollectionSortKeys::BestSelling => ProductOrder::BestSelling,
            ProductCollectionSortKeys::CollectionDefault
            | ProductCollectionSortKeys::Manual
            | ProductCollectionSortKeys::Relevance => ProductOrder::Manual,
            ProductCollectionSortKeys::Created => ProductOrder::CreatedAt,
            ProductCollectionSortKeys::Id => ProductOrder::Id,
            ProductCollectionSortKeys::Price => ProductOrder::Price,
            ProductCollectionSortKeys::Title => ProductOrder::Title,
        }
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductImageSortKeys {
    CreatedAt,
    Id,
    Position,
    Relevance,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductVariantSortKeys {
    Id,
    Position,
    Relevance,
    Sku,
    Title,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionSortKeys {
    Id,
    Relevance,
    Title,
    UpdatedAt,
}

impl From<CollectionSortKeys> for CollectionOrder {
    fn from(k: CollectionSortKeys) -> Self {
        match k {
            CollectionSortKeys::Id => CollectionOrder::Id,
            CollectionSortKeys::Relevance => CollectionOrder::Relevance,
            CollectionSortKeys::Title => CollectionOrder::Title,
            CollectionSortKeys::UpdatedAt => CollectionOrder::UpdatedAt,
        }
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CropRegion {
    Bottom,
    Center,
    Left,
    Right,
    Top,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageContentType {
    Jpg,
    Png,
    Webp,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartErrorCode {
    Invalid,
    InvalidMerchandiseLine,
    InvalidMetafields,
    LessThan,
    MaximumExceeded,
    MerchandiseNotApplicable,
    MinimumNotMet,
    MissingDiscountCode,
    MissingNote,
    NoteTooLong,
    ServiceUnavailable,
    VariantRequiresSellingPlan,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartWarningCode {
    MerchandiseNotEnoughStock,
    MerchandiseOutOfStock,
    PaymentsGiftCardsUnavailable,
}
