//! From admin input to a valid [`StoreRecord`], or every problem at once.

use crate::domain;
use crate::input::{NewStore, StorePatch};
use crate::record::StoreRecord;
use serde::{Deserialize, Serialize};
use wandstore_core::money::Currency;
use wandstore_core::store::StoreSlug;
use wandstore_shopify::DEFAULT_API_VERSION;

/// One problem with one field, shown to the admin as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// What the platform allows: its base domain (stores get `{slug}.{base}`, so no custom domain
/// may be under it) and whether a store may use a local `http://127.0.0.1:PORT` upstream
/// (development only: anywhere else that would let an admin point the Worker at itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform<'a> {
    pub base_domain: &'a str,
    pub local_upstreams: bool,
}

impl<'a> From<&'a str> for Platform<'a> {
    /// A production platform on this base domain.
    fn from(base_domain: &'a str) -> Self {
        Platform {
            base_domain,
            local_upstreams: false,
        }
    }
}

/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 80;

/// Validates a registration. `owner_token_hash` is the hash of the owner token the caller
/// just generated; `now_ms` stamps the record.
pub fn validate_new<'a>(
    input: NewStore,
    platform: impl Into<Platform<'a>>,
    owner_token_hash: String,
    now_ms: u64,
) -> Result<StoreRecord, Vec<FieldError>> {
    let platform = platform.into();
    let mut errors = Vec::new();
    let slug = match StoreSlug::parse(&input.slug) {
        Ok(slug) if slug.is_reserved() => {
            errors.push(err("slug", format!("{slug} is reserved by the platform")));
            None
        }
        Ok(slug) => Some(slug),
        Err(e) => {
            errors.push(err("slug", e.to_string()));
            None
        }
    };
    let record = slug.map(|slug| StoreRecord {
        slug,
        display_name: input.display_name.trim().to_owned(),
        currency: Currency::USD,
        shopify_domain: input.shopify.domain.trim().to_owned(),
        api_version: input
            .shopify
            .api_version
            .clone()
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned()),
        token_kind: input.shopify.token_kind,
        storefront_token: input.shopify.storefront_token.clone(),
        owner_token_hash,
        custom_domains: Vec::new(),
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    });
    let checked = check(
        record,
        &input.currency,
        &input.custom_domains,
        platform,
        &mut errors,
    );
    match checked {
        Some(record) if errors.is_empty() => Ok(record),
        _ => Err(errors),
    }
}

/// Applies a partial update to an existing record, validating the result as a whole.
pub fn apply_patch<'a>(
    current: &StoreRecord,
    patch: StorePatch,
    platform: impl Into<Platform<'a>>,
    now_ms: u64,
) -> Result<StoreRecord, Vec<FieldError>> {
    let platform = platform.into();
    let mut next = current.clone();
    if let Some(name) = patch.display_name {
        next.display_name = name.trim().to_owned();
    }
    if let Some(shopify) = patch.shopify {
        if let Some(d) = shopify.domain {
            next.shopify_domain = d.trim().to_owned();
        }
        if let Some(v) = shopify.api_version {
            next.api_version = v;
        }
        if let Some(t) = shopify.storefront_token {
            next.storefront_token = t;
        }
        if let Some(k) = shopify.token_kind {
            next.token_kind = k;
        }
    }
    next.updated_at_ms = now_ms.max(current.updated_at_ms.saturating_add(1));
    let currency = patch
        .currency
        .unwrap_or_else(|| current.currency.as_str().to_owned());
    let domains = patch
        .custom_domains
        .unwrap_or_else(|| current.custom_domains.clone());
    let mut errors = Vec::new();
    match check(Some(next), &currency, &domains, platform, &mut errors) {
        Some(record) if errors.is_empty() => Ok(record),
        _ => Err(errors),
    }
}

/// The checks every stored record passes, whichever way it was made.
fn check(
    record: Option<StoreRecord>,
    currency: &str,
    domains: &[String],
    platform: Platform<'_>,
    errors: &mut Vec<FieldError>,
) -> Option<StoreRecord> {
    let base_domain = platform.base_domain;
    let parsed_currency = Currency::parse(currency.trim())
        .map_err(|e| errors.push(err("currency", e.to_string())))
        .ok();
    let mut normalized = Vec::new();
    for (i, raw) in domains.iter().enumerate() {
        match domain::normalize(raw, base_domain) {
            Ok(d) if normalized.contains(&d) => errors.push(err(
                &format!("custom_domains[{i}]"),
                format!("{d} is listed twice"),
            )),
            Ok(d) => normalized.push(d),
            Err(m) => errors.push(err(&format!("custom_domains[{i}]"), m)),
        }
    }
    if domains.len() > domain::MAX_DOMAINS {
        errors.push(err(
            "custom_domains",
            format!(
                "a store may have at most {} custom domains",
                domain::MAX_DOMAINS
            ),
        ));
    }
    let mut record = record?;
    let name_len = record.display_name.chars().count();
    if name_len == 0 || name_len > MAX_DISPLAY_NAME {
        errors.push(err(
            "display_name",
            format!(
                "a display name has 1 to {MAX_DISPLAY_NAME} characters; this one has {name_len}"
            ),
        ));
    } else if record.display_name.chars().any(char::is_control) {
        errors.push(err(
            "display_name",
            "a display name cannot contain control characters",
        ));
    }
    if record
        .shop_config()
        .is_ok_and(|c| c.is_loopback() && !platform.local_upstreams)
    {
        errors.push(err(
            "shopify.domain",
            "a local http:// upstream is accepted only in development (ENVIRONMENT = \"development\")",
        ));
    }
    if let Err(e) = record.shop_config() {
        let field = match e {
            wandstore_shopify::ConfigError::Domain(_) => "shopify.domain",
            wandstore_shopify::ConfigError::ApiVersion(_) => "shopify.api_version",
            wandstore_shopify::ConfigError::Token => "shopify.storefront_token",
            wandstore_shopify::ConfigError::BuyerIp(_) => "shopify",
        };
        errors.push(err(field, e.to_string()));
    }
    record.currency = parsed_currency?;
    record.custom_domains = normalized;
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{ShopifyInput, ShopifyPatch, TokenKind};

    fn new_store() -> NewStore {
        NewStore {
            slug: "acme".into(),
            display_name: "  Acme & Sons ".into(),
            currency: "EUR".into(),
            shopify: ShopifyInput {
                domain: "acme.myshopify.com".into(),
                api_version: None,
                storefront_token: "shpat_secret_123".into(),
                token_kind: TokenKind::Private,
            },
            custom_domains: vec!["Shop.Acme.example".into()],
        }
    }

    #[test]
    fn rotating_the_owner_token_replaces_its_hash_and_moves_the_update_time_forward_only() {
        let r = validate_new(new_store(), "wandstore.dev", "old".into(), 42).unwrap();
        let rotated = r.clone().with_owner_token("new", 50);
        assert_eq!(
            (rotated.owner_token_hash.as_str(), rotated.updated_at_ms),
            ("new", 50)
        );
        assert_eq!(rotated.storefront_token, r.storefront_token);
        let behind = r.with_owner_token("newer", 7);
        assert_eq!(
            behind.updated_at_ms, 42,
            "a clock behind the record does not rewind it"
        );
    }

    #[test]
    fn a_valid_registration_becomes_a_record() {
        let r = validate_new(new_store(), "wandstore.dev", "hash".into(), 42).unwrap();
        assert_eq!(r.slug.as_str(), "acme");
        assert_eq!(r.display_name, "Acme & Sons");
        assert_eq!(r.currency, Currency::EUR);
        assert_eq!(r.api_version, DEFAULT_API_VERSION);
        assert_eq!(r.custom_domains, ["shop.acme.example"]);
        assert_eq!((r.created_at_ms, r.updated_at_ms), (42, 42));
        assert!(r.shop_config().is_ok());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut bad = new_store();
        bad.slug = "Bad Slug".into();
        bad.display_name = "   ".into();
        bad.currency = "euro".into();
        bad.shopify.api_version = Some("2025-13".into());
        bad.custom_domains = vec!["x.wandstore.dev".into()];
        let errors = validate_new(bad, "wandstore.dev", "h".into(), 0).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "currency", "custom_domains[0]"]);

        let mut bad = new_store();
        bad.display_name = String::new();
        bad.shopify.domain = "not a domain".into();
        bad.shopify.api_version = Some("2025-13".into());
        let errors = validate_new(bad, "wandstore.dev", "h".into(), 0).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["display_name", "shopify.domain"]);
    }

    #[test]
    fn local_upstreams_only_in_development() {
        let mut s = new_store();
        s.shopify.domain = "http://127.0.0.1:9000".into();
        let errors = validate_new(s.clone(), "wandstore.dev", "h".into(), 0).unwrap_err();
        assert_eq!(errors[0].field, "shopify.domain");
        assert!(errors[0].message.contains("development"));
        let dev = Platform {
            base_domain: "wandstore.dev",
            local_upstreams: true,
        };
        assert!(validate_new(s, dev, "h".into(), 0).is_ok());
        // A patch cannot sneak one in either.
        let r = validate_new(new_store(), "wandstore.dev", "h".into(), 0).unwrap();
        let patch = StorePatch {
            shopify: Some(crate::input::ShopifyPatch {
                domain: Some("http://localhost:8080".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(apply_patch(&r, patch, "wandstore.dev", 1).is_err());
    }

    #[test]
    fn reserved_slugs_are_refused() {
        let mut s = new_store();
        s.slug = "admin".into();
        let errors = validate_new(s, "wandstore.dev", "h".into(), 0).unwrap_err();
        assert_eq!(errors[0].field, "slug");
        assert!(errors[0].message.contains("reserved"));
    }

    #[test]
    fn the_token_is_stored_but_never_shown() {
        let r = validate_new(new_store(), "wandstore.dev", "ownerhash".into(), 1).unwrap();
        let public = serde_json::to_string(&r.public()).unwrap();
        assert!(!public.contains("shpat_secret_123"), "{public}");
        assert!(!public.contains("ownerhash"));
        assert!(public.contains(r#""storefront_token_set":true"#));
        assert!(!format!("{r:?}").contains("shpat_secret_123"));
        let stored = r.to_storage_json();
        assert!(stored.contains("shpat_secret_123"));
        assert_eq!(StoreRecord::from_storage_json(&stored).unwrap(), r);
    }

    #[test]
    fn patches_change_only_what_they_name_and_keep_the_token() {
        let r = validate_new(new_store(), "wandstore.dev", "h".into(), 10).unwrap();
        let patch = StorePatch {
            display_name: Some("Acme Outlet".into()),
            shopify: Some(ShopifyPatch {
                api_version: Some("2025-10".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let next = apply_patch(&r, patch, "wandstore.dev", 20).unwrap();
        assert_eq!(next.display_name, "Acme Outlet");
        assert_eq!(next.api_version, "2025-10");
        assert_eq!(next.storefront_token, "shpat_secret_123");
        assert_eq!(next.currency, Currency::EUR);
        assert_eq!(next.custom_domains, r.custom_domains);
        assert_eq!((next.created_at_ms, next.updated_at_ms), (10, 20));

        let bad = StorePatch {
            currency: Some("??".into()),
            ..Default::default()
        };
        assert_eq!(
            apply_patch(&r, bad, "wandstore.dev", 30).unwrap_err()[0].field,
            "currency"
        );
    }

    #[test]
    fn domains_are_deduplicated_and_capped() {
        let mut s = new_store();
        s.custom_domains = vec!["a.example".into(), "A.example".into()];
        let e = validate_new(s, "", "h".into(), 0).unwrap_err();
        assert!(e[0].message.contains("twice"));
        let mut s = new_store();
        s.custom_domains = (0..11).map(|i| format!("s{i}.example")).collect();
        let e = validate_new(s, "", "h".into(), 0).unwrap_err();
        assert_eq!(e[0].field, "custom_domains");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"slug":"acme","display_name":"A","currency":"USD","shopify":{"domain":"a","storefront_token":"t"},"colour":"red"}"#;
        assert!(serde_json::from_str::<NewStore>(json).is_err());
        let ok = r#"{"slug":"acme","display_name":"A","currency":"USD","shopify":{"domain":"a","storefront_token":"t"}}"#;
        assert!(serde_json::from_str::<NewStore>(ok).is_ok());
    }
}
