//! The GraphQL files stay consistent, and the access token never shows in Debug or Display.

mod common;

use common::*;
use wandstore_core::http::TransportError;
use wandstore_shopify::sync::FullSync;
use wandstore_shopify::{ConfigError, ShopConfig, ShopifyError, Token, parse_product_by_handle};

fn graphql(name: &str) -> String {
    let path = format!("{}/graphql/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fragments(document: &str) -> &str {
    let start = document.find("fragment MoneyFields");
    assert!(start.is_some(), "no fragments in the document");
    &document[start.unwrap_or(0)..]
}

#[test]
fn product_by_handle_uses_the_same_fragments_as_the_sync() {
    // ProductByHandle's response type reuses products_page::ProductFields, which is only
    // sound while both documents select exactly the same fields.
    assert_eq!(
        fragments(&graphql("product_by_handle.graphql")),
        fragments(&graphql("products_page.graphql"))
    );
}

#[test]
fn schema_uses_shopify_names() {
    let schema = graphql("schema.graphql");
    for needle in [
        "type QueryRoot",
        "sortKey: ProductSortKeys = ID",
        "sortKey: ProductCollectionSortKeys = COLLECTION_DEFAULT",
        "filters: [ProductFilter!]",
        "cartCreate(input: CartInput): CartCreatePayload",
        "merchandiseId: ID!",
        "buyerIdentity: CartBuyerIdentityInput",
        "descriptionHtml: HTML!",
        "amount: Decimal!",
        "currencyCode: CurrencyCode!",
        "url(transform: ImageTransformInput): URL!",
        "scalar DateTime",
        "scalar Decimal",
        "scalar HTML",
        "scalar URL",
    ] {
        assert!(schema.contains(needle), "schema lacks {needle:?}");
    }
    for value in [
        "TITLE",
        "PRODUCT_TYPE",
        "VENDOR",
        "UPDATED_AT",
        "CREATED_AT",
        "BEST_SELLING",
        "PRICE",
        "RELEVANCE",
        "COLLECTION_DEFAULT",
        "MANUAL",
        "CREATED",
        "THROTTLED",
    ] {
        if value == "THROTTLED" {
            // An error code, not a schema value: it must not be invented as one.
            assert!(!schema.contains(value));
        } else {
            assert!(
                schema.contains(&format!("  {value}\n")),
                "missing enum value {value}"
            );
        }
    }
}

#[test]
fn config_and_token_never_show_the_secret() {
    let private = private_config();
    let public = public_config();
    let shown = [
        format!("{private:?}"),
        format!("{private:#?}"),
        format!("{private}"),
        format!("{public:?}"),
        format!("{public}"),
        format!("{:?}", private.token()),
        format!("{}", private.token()),
        format!("{:?}", Token::Public(PUBLIC_SECRET.into())),
        format!("{:?}", FullSync::new(private.clone(), 10)),
    ];
    for text in shown {
        assert!(!text.contains(PRIVATE_SECRET), "{text}");
        assert!(!text.contains(PUBLIC_SECRET), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    assert_eq!(
        format!("{:?}", private.token()),
        "Token::Private(<redacted>)"
    );
}

#[test]
fn errors_never_show_the_secret() {
    let bad_token = ShopConfig::new("shop", Token::Private(format!("{PRIVATE_SECRET} x")));
    assert_eq!(bad_token, Err(ConfigError::Token));
    let err = bad_token.unwrap_err();
    assert!(!format!("{err:?} {err}").contains("s3cr3t"));

    let mut errors: Vec<ShopifyError> = [429, 430, 423, 401, 403, 404, 500, 502, 400]
        .into_iter()
        .map(|status| {
            parse_product_by_handle(&response(status, &[("retry-after", "1")], b"nope".to_vec()))
                .unwrap_err()
        })
        .collect();
    errors.push(ShopifyError::from(TransportError::Timeout));
    errors.push(ShopifyError::from(TransportError::Connection(
        "reset".into(),
    )));
    errors.push(parse_product_by_handle(&ok("throttled.json")).unwrap_err());
    errors.push(parse_product_by_handle(&ok("malformed.json")).unwrap_err());
    for err in errors {
        let text = format!("{err:?} {err} {}", err.code());
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!err.to_string().is_empty());
    }
}
