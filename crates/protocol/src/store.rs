//! What a store's StoreConfig object answers. The Worker's admin API, the shopper objects
//! and the cron job ask these questions through one typed client; the storefront token is
//! only ever sent *in* (creating or patching a store), never answered.

use crate::owner::{
    AssetInfo, CheckOwner, DeleteAsset, DeletedAsset, ListAssets, RecordAsset, RotateOwnerToken,
};
use crate::personalization::{
    BudgetGrant, GetPersonalization, Personalize, Personalized, PutPersonalization,
    RecordPersonalization, ShowPersonalization, SpendBudget,
};
use crate::theme::{
    DraftTheme, GetDraft, GetFavicon, ListVersions, PublishDraft, Published, PutDraft,
    RollbackTheme, ShowTheme, StoreSnapshot, ThemeOverview, ThemeProblem, ThemeSlot, ThemeVersion,
};
use crate::wire::questions;
use serde::{Deserialize, Serialize};
use std::fmt;
use wandstore_ai::report::PersonalizationReport;
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::cart::PricedLine;
use wandstore_core::catalog_index::CatalogStatus;
use wandstore_core::catalog_question::{CatalogAnswer, CatalogMiss, CatalogQuestion};
use wandstore_registry::{FieldError, NewStore, PublicStore, RegistryRefusal, StorePatch};

/// Every question StoreConfig answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreQuestion {
    Settings(GetSettings),
    Catalog(CatalogQuestion),
    Checkout(CheckoutOrder),
    Create(CreateStore),
    Update(UpdateStore),
    Show(ShowStore),
    Delete(DeleteStore),
    Sync(SyncNow),
    Status(ShowCatalogStatus),
    Refresh(RefreshIfStale),
    Metrics(ShowMetrics),
    CheckOwner(CheckOwner),
    RotateOwner(RotateOwnerToken),
    RecordAsset(RecordAsset),
    ListAssets(ListAssets),
    DeleteAsset(DeleteAsset),
    ShowTheme(ShowTheme),
    PutDraft(PutDraft),
    Publish(PublishDraft),
    Rollback(RollbackTheme),
    Versions(ListVersions),
    Draft(GetDraft),
    Favicon(GetFavicon),
    IndexCart(crate::backup::IndexCart),
    StartBackup(crate::backup::StartBackup),
    Restore(crate::backup::RestoreBackup),
    ShowRestore(crate::backup::ShowRestore),
    GetPersonalization(GetPersonalization),
    PutPersonalization(PutPersonalization),
    Personalize(Personalize),
    SpendBudget(SpendBudget),
    RecordPersonalization(RecordPersonalization),
    ShowPersonalization(ShowPersonalization),
}

questions! {
    StoreQuestion, StoreError;
    GetSettings => Settings -> StoreSnapshot;
    CatalogQuestion => Catalog -> CatalogReply;
    CheckoutOrder => Checkout -> CheckoutStarted;
    CreateStore => Create -> PublicStore;
    UpdateStore => Update -> PublicStore;
    ShowStore => Show -> PublicStore;
    DeleteStore => Delete -> bool;
    SyncNow => Sync -> SyncReport;
    ShowCatalogStatus => Status -> CatalogStatus;
    RefreshIfStale => Refresh -> RefreshStarted;
    ShowMetrics => Metrics -> ObjectMetrics;
    CheckOwner => CheckOwner -> ();
    RotateOwnerToken => RotateOwner -> ();
    RecordAsset => RecordAsset -> AssetInfo;
    ListAssets => ListAssets -> Vec<AssetInfo>;
    DeleteAsset => DeleteAsset -> DeletedAsset;
    ShowTheme => ShowTheme -> ThemeOverview;
    PutDraft => PutDraft -> DraftTheme;
    PublishDraft => Publish -> Published;
    RollbackTheme => Rollback -> Published;
    ListVersions => Versions -> Vec<ThemeVersion>;
    GetDraft => Draft -> ThemeSlot;
    GetFavicon => Favicon -> Option<String>;
    GetPersonalization => GetPersonalization -> PersonalizationSettings;
    PutPersonalization => PutPersonalization -> PersonalizationSettings;
    Personalize => Personalize -> Personalized;
    SpendBudget => SpendBudget -> BudgetGrant;
    RecordPersonalization => RecordPersonalization -> ();
    ShowPersonalization => ShowPersonalization -> PersonalizationReport;
}

/// What pages need to know about the store: its settings and published theme (the theme's
/// body only if it is not the version the asker holds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetSettings {
    #[serde(default)]
    pub have_theme: Option<u32>,
}

/// A catalog answer and how fresh the catalog behind it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogReply {
    pub answer: CatalogAnswer,
    pub freshness: Freshness,
    /// The upstream calls this answer waited for (a store's first sync), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<UpstreamStats>,
}

/// Upstream (Shopify) calls made for one answer, and the time they took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamStats {
    pub calls: u32,
    pub ms: u64,
}

impl UpstreamStats {
    pub fn plus(self, other: UpstreamStats) -> UpstreamStats {
        UpstreamStats {
            calls: self.calls.saturating_add(other.calls),
            ms: self.ms.saturating_add(other.ms),
        }
    }
}

/// How fresh a catalog answer is (the request log's `cache` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Freshness {
    /// Synced within the fresh window.
    Fresh,
    /// Older, served while a background refresh runs.
    Stale,
    /// The store had never synced; this request waited for the first sync.
    Miss,
    /// A shopper object's own copy, younger than the snapshot TTL.
    Local,
}

impl Freshness {
    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::Fresh => "fresh",
            Freshness::Stale => "stale",
            Freshness::Miss => "miss",
            Freshness::Local => "local",
        }
    }
}

/// Turn these cart lines into a Shopify cart and answer its checkout URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutOrder {
    pub lines: Vec<OrderLine>,
    /// The buyer's IP as the edge saw it (Shopify's per-buyer bot protection).
    pub buyer_ip: Option<String>,
    /// ISO 3166 country code from the edge.
    pub country: Option<String>,
}

impl CheckoutOrder {
    /// The order for a priced cart: its lines that can be bought now.
    pub fn new(priced: &[PricedLine], buyer_ip: Option<String>, country: Option<String>) -> Self {
        CheckoutOrder {
            lines: priced
                .iter()
                .filter(|p| !p.unavailable)
                .map(|p| OrderLine {
                    variant_id: p.line.variant_id.clone(),
                    quantity: p.line.quantity,
                })
                .collect(),
            buyer_ip,
            country,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub variant_id: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutStarted {
    pub checkout_url: String,
    pub total_quantity: u32,
    #[serde(default)]
    pub upstream: UpstreamStats,
}

/// Register a new store: validated again inside the object, claimed in the registry, saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateStore {
    pub input: NewStore,
    /// SHA-256 of the owner token the admin API just made (the token itself is not sent).
    pub owner_token_hash: String,
    pub base_domain: String,
    /// Whether a local `http://127.0.0.1:PORT` upstream is allowed (development only).
    #[serde(default)]
    pub local_upstreams: bool,
    pub now_ms: u64,
}

/// Apply the admin's partial update inside the object, where the token lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateStore {
    pub patch: StorePatch,
    pub base_domain: String,
    #[serde(default)]
    pub local_upstreams: bool,
    pub now_ms: u64,
}

/// The store as the admin API may show it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowStore;

/// Forget everything the store's object holds (its record and catalog); answers whether it
/// held a store. The registry entry is forgotten separately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteStore;

/// Sync the catalog from Shopify now and wait for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncNow;

/// What a finished sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub products: usize,
    pub collections: usize,
    pub truncated: bool,
    /// Products left out because they could not be mapped (e.g. mixed currencies).
    pub skipped: usize,
    pub duration_ms: u64,
    /// Requests sent to Shopify (retries included) and the time spent in them.
    #[serde(default)]
    pub upstream: UpstreamStats,
}

/// The catalog cache's own state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowCatalogStatus;

/// The cron's question: start a background refresh if the catalog is stale.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshIfStale;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshStarted {
    pub started: bool,
}

/// Requests the object has served since it started (not counting this one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowMetrics;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMetrics {
    pub requests_served: u64,
    pub since_ms: u64,
    /// Failed upstream attempts by kind (`upstream_timeout`, `http_429`, …) since then.
    #[serde(default)]
    pub upstream_errors: std::collections::BTreeMap<String, u64>,
    /// Times the upstream's breaker opened since then.
    #[serde(default)]
    pub breaker_opens: u64,
    /// The object's SQLite storage against its limit.
    #[serde(default)]
    pub storage: Option<wandstore_core::storage::StorageUse>,
}

/// A dependency that cannot answer now, and when to try again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// What failed, e.g. `breaker_open`, `upstream_timeout`, `shopify_config`.
    pub cause: String,
    pub message: String,
    pub retry_after_secs: u64,
}

impl Unavailable {
    /// The upstream's circuit breaker is open for another `retry_after_ms`.
    pub fn breaker_open(retry_after_ms: u64) -> Self {
        let secs = retry_after_ms.div_ceil(1000).max(1);
        Unavailable {
            cause: "breaker_open".into(),
            message: format!("the upstream circuit breaker is open for another {secs} s"),
            retry_after_secs: secs,
        }
    }

    /// The upstream failed with `code`; without its own `Retry-After`, try again in 30 s.
    pub fn upstream(code: &str, message: String, retry_after_ms: Option<u64>) -> Self {
        Unavailable {
            cause: code.to_owned(),
            message,
            retry_after_secs: retry_after_ms.unwrap_or(30_000).div_ceil(1000).max(1),
        }
    }
}

/// Why StoreConfig did not answer a question. Messages never contain a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum StoreError {
    /// No store is registered under this name.
    NotFound,
    /// The catalog has no such collection, product or page.
    Catalog { miss: CatalogMiss },
    /// The catalog cannot be loaded from Shopify (a store that never synced).
    CatalogUnavailable { why: Unavailable },
    /// Shopify refused the checkout's lines.
    CheckoutRefused { message: String },
    /// Shopify cannot take the checkout now.
    CheckoutUnavailable { why: Unavailable },
    /// The admin's input is invalid; every problem at once.
    Invalid { fields: Vec<FieldError> },
    /// The registry refused a slug or a domain.
    Registry { refusal: RegistryRefusal },
    /// The object already holds a store (a create on a leftover object).
    AlreadyExists,
    /// The store changed while this update was being applied; read it again and retry.
    Changed,
    /// The credential is not this store's owner's.
    Forbidden,
    /// The theme document is invalid; every problem at once.
    ThemeInvalid { fields: Vec<ThemeProblem> },
    /// The request cannot be done in the store's current state (e.g. an asset the published
    /// theme uses, a publish that lost a race).
    Conflict { code: String, message: String },
    /// A named thing of the store does not exist (an asset, a theme version).
    Missing { code: String, message: String },
    /// A restore refused (checksum, missing file, newer schema, wrong store…): nothing changed.
    BackupRefused { code: String, message: String },
    /// A secret or setting the operation needs is missing or too weak (`what` names it; the
    /// client gets a 503, the log line the detail).
    Misconfigured { what: String },
    /// Storage or runtime failure inside the object.
    Internal { message: String },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound => f.write_str("there is no such store"),
            StoreError::Catalog { miss } => miss.fmt(f),
            StoreError::CatalogUnavailable { why } => write!(
                f,
                "the catalog cannot be loaded from Shopify right now: {}",
                why.message
            ),
            StoreError::CheckoutRefused { message } => write!(f, "checkout refused: {message}"),
            StoreError::CheckoutUnavailable { why } => {
                write!(f, "checkout is unavailable: {}", why.message)
            }
            StoreError::Invalid { fields } => {
                let all: Vec<String> = fields
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                f.write_str(&all.join("; "))
            }
            StoreError::Registry { refusal } => refusal.fmt(f),
            StoreError::AlreadyExists => {
                f.write_str("the store's object already holds a store; delete it first")
            }
            StoreError::Changed => {
                f.write_str("the store changed meanwhile; read it again and retry")
            }
            StoreError::Forbidden => f.write_str("this token does not own this store"),
            StoreError::ThemeInvalid { fields } => {
                let all: Vec<String> = fields
                    .iter()
                    .map(|e| format!("{}: {}", e.path, e.message))
                    .collect();
                f.write_str(&all.join("; "))
            }
            StoreError::Conflict { message, .. }
            | StoreError::Missing { message, .. }
            | StoreError::BackupRefused { message, .. } => f.write_str(message),
            StoreError::Misconfigured { what } => write!(f, "not configured: {what}"),
            StoreError::Internal { message } => write!(f, "internal error: {message}"),
        }
    }
}

impl StoreError {
    /// What a failed sync reports as its cause: the upstream's code, `store_not_found`, or
    /// `internal`.
    pub fn cause_code(&self) -> String {
        match self {
            StoreError::CatalogUnavailable { why } | StoreError::CheckoutUnavailable { why } => {
                why.cause.clone()
            }
            StoreError::NotFound => "store_not_found".into(),
            _ => "internal".into(),
        }
    }
}

impl From<CatalogMiss> for StoreError {
    fn from(miss: CatalogMiss) -> Self {
        StoreError::Catalog { miss }
    }
}

impl From<RegistryRefusal> for StoreError {
    fn from(refusal: RegistryRefusal) -> Self {
        StoreError::Registry { refusal }
    }
}

impl From<crate::wire::AskError<RegistryRefusal>> for StoreError {
    fn from(e: crate::wire::AskError<RegistryRefusal>) -> Self {
        match e {
            crate::wire::AskError::Refused(refusal) => StoreError::Registry { refusal },
            crate::wire::AskError::Broken(message) => StoreError::Internal { message },
        }
    }
}

impl From<Vec<FieldError>> for StoreError {
    fn from(fields: Vec<FieldError>) -> Self {
        StoreError::Invalid { fields }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode_question, decode_reply, encode_question, encode_reply};
    use wandstore_core::catalog_question::CatalogAnswer;

    #[test]
    fn a_question_arrives_as_the_variant_it_was_sent_as() {
        let body = encode_question(CatalogQuestion::Product {
            handle: "mug".into(),
        })
        .unwrap();
        let q: StoreQuestion = decode_question(body.as_bytes()).unwrap();
        assert!(matches!(
            q,
            StoreQuestion::Catalog(CatalogQuestion::Product { ref handle }) if handle == "mug"
        ));
        let q: StoreQuestion =
            decode_question(encode_question(GetSettings::default()).unwrap().as_bytes()).unwrap();
        assert!(matches!(
            q,
            StoreQuestion::Settings(GetSettings { have_theme: None })
        ));
    }

    #[test]
    fn answers_and_refusals_come_back_typed() {
        let ok: Result<CatalogReply, StoreError> = Ok(CatalogReply {
            answer: CatalogAnswer::Home { featured: vec![] },
            freshness: Freshness::Stale,
            upstream: None,
        });
        let back = decode_reply::<CatalogQuestion>(encode_reply::<CatalogQuestion>(&ok).as_bytes());
        assert_eq!(back, Ok(ok));
        let refused: Result<CatalogReply, StoreError> = Err(StoreError::Catalog {
            miss: CatalogMiss::NoSuchPage { total_pages: 4 },
        });
        let back =
            decode_reply::<CatalogQuestion>(encode_reply::<CatalogQuestion>(&refused).as_bytes());
        assert_eq!(back, Ok(refused));
    }

    #[test]
    fn an_answer_of_the_wrong_shape_is_an_error_not_a_default() {
        let settings_answer: Result<crate::theme::StoreSnapshot, StoreError> =
            Err(StoreError::NotFound);
        let body = encode_reply::<GetSettings>(&settings_answer);
        assert_eq!(
            decode_reply::<GetSettings>(body.as_bytes()),
            Ok(Err(StoreError::NotFound))
        );
        assert!(decode_reply::<CatalogQuestion>(br#"{"Ok":{"nope":1}}"#).is_err());
        assert!(decode_reply::<GetSettings>(b"").is_err());
        assert!(decode_reply::<GetSettings>(b"null").is_err());
    }

    #[test]
    fn unknown_questions_are_refused() {
        assert!(decode_question::<StoreQuestion>(br#"{"launch_rockets":null}"#).is_err());
        assert!(decode_question::<StoreQuestion>(b"not json").is_err());
    }

    #[test]
    fn unavailable_rounds_retry_after_up_to_whole_seconds() {
        assert_eq!(Unavailable::breaker_open(1).retry_after_secs, 1);
        assert_eq!(Unavailable::breaker_open(59_001).retry_after_secs, 60);
        assert!(Unavailable::breaker_open(30_000).message.contains("30 s"));
        let u = Unavailable::upstream("upstream_timeout", "slow".into(), None);
        assert_eq!(
            (u.cause.as_str(), u.retry_after_secs),
            ("upstream_timeout", 30)
        );
        let u = Unavailable::upstream("http_429", "busy".into(), Some(2_500));
        assert_eq!(u.retry_after_secs, 3);
    }

    #[test]
    fn an_order_holds_only_what_can_be_bought() {
        use wandstore_core::cart::{CartLine, VariantInfo, reprice};
        use wandstore_core::money::{Currency, Money};
        let usd = |m| Money::new(m, Currency::USD);
        let line = |id: &str, q| CartLine {
            variant_id: id.into(),
            product_handle: id.into(),
            title: id.into(),
            quantity: q,
            unit_price_when_added: usd(100),
            added_at_ms: 1,
        };
        let info = |id: &str, available| VariantInfo {
            variant_id: id.into(),
            product_handle: id.into(),
            product_title: id.into(),
            variant_title: String::new(),
            price: usd(100),
            available,
        };
        let catalog: std::collections::HashMap<String, VariantInfo> =
            [info("a", true), info("b", false)]
                .into_iter()
                .map(|i| (i.variant_id.clone(), i))
                .collect();
        let priced = reprice(&[line("a", 2), line("b", 1), line("gone", 1)], &catalog);
        let order = CheckoutOrder::new(&priced, Some("203.0.113.9".into()), None);
        assert_eq!(
            order.lines,
            [OrderLine {
                variant_id: "a".into(),
                quantity: 2
            }]
        );
        assert_eq!(order.buyer_ip.as_deref(), Some("203.0.113.9"));
    }

    #[test]
    fn store_errors_read_well() {
        let why = Unavailable {
            cause: "breaker_open".into(),
            message: "the upstream circuit breaker is open for another 30 s".into(),
            retry_after_secs: 30,
        };
        assert!(
            StoreError::CatalogUnavailable { why }
                .to_string()
                .contains("breaker is open")
        );
        assert_eq!(StoreError::NotFound.to_string(), "there is no such store");
    }
}
