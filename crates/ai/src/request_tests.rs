use super::*;
use crate::candidates::CandidateSet;
use crate::profile::{ProductFacts, Profile, Signal};
use crate::test_support::catalog;

const SHOPPER: &str = "shp_7f3a9c";

fn config(keys: bool) -> GatewayConfig {
    let mut pairs = vec![
        ("base_url", "http://127.0.0.1:9999"),
        ("account", "acct"),
        ("gateway_token", "gw-secret"),
        ("openai_timeout_ms", "1500"),
        ("anthropic_timeout_ms", "2500"),
        ("cache_ttl_s", "600"),
        ("max_attempts", "3"),
    ];
    if keys {
        pairs.push(("openai_key", "sk-openai"));
        pairs.push(("anthropic_key", "sk-ant"));
    }
    GatewayConfig::parse(pairs).unwrap()
}

fn setup() -> (CallContext, Prompt) {
    let (products, collections) = catalog();
    let mut profile = Profile::default();
    profile.observe(
        Signal::Viewed,
        &ProductFacts::of(&products[0], &collections),
        0,
    );
    let set = CandidateSet::select(&profile, &products, &collections, &[], 50);
    let ctx = CallContext {
        store: "demo".into(),
        segment: profile.segment(),
        candidate_hash: set.hash(),
        request_id: "req-123".into(),
        brand_voice: "Calm.".into(),
    };
    (ctx, Prompt::build(&profile.summary(5), &set, "Calm."))
}

fn all_text(r: &HttpRequest) -> String {
    let h: Vec<String> = r.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(
        "{}\n{}\n{}",
        r.url,
        h.join("\n"),
        String::from_utf8_lossy(&r.body)
    )
}

#[test]
fn openai_request_has_every_gateway_header_and_the_schema() {
    let (ctx, prompt) = setup();
    let r = build(&config(true), Provider::OpenAi, &ctx, &prompt);
    assert_eq!(
        r.url,
        "http://127.0.0.1:9999/v1/acct/wandstore-ai/openai/chat/completions"
    );
    assert_eq!(r.header("cf-aig-authorization"), Some("Bearer gw-secret"));
    assert_eq!(r.header("authorization"), Some("Bearer sk-openai"));
    assert_eq!(r.header("x-api-key"), None);
    assert_eq!(r.header("cf-aig-request-timeout"), Some("1500"));
    assert_eq!(r.header("cf-aig-max-attempts"), Some("3"));
    assert_eq!(r.header("cf-aig-cache-ttl"), Some("600"));
    assert_eq!(r.header("cf-aig-event-id"), Some("req-123"));
    assert_eq!(
        r.header("cf-aig-cache-key"),
        Some(cache_key(&ctx, Provider::OpenAi).as_str())
    );
    assert_eq!(r.timeout_ms, 1500 * 3 + 1000);
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["response_format"]["type"], "json_schema");
    let schema = &body["response_format"]["json_schema"]["schema"];
    assert_eq!(
        schema["properties"]["ids"]["items"]["enum"],
        json!(prompt.ids)
    );
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], prompt.user);
}

#[test]
fn anthropic_request_uses_a_forced_tool_and_its_own_key_headers() {
    let (ctx, prompt) = setup();
    let r = build(&config(true), Provider::Anthropic, &ctx, &prompt);
    assert_eq!(
        r.url,
        "http://127.0.0.1:9999/v1/acct/wandstore-ai/anthropic/v1/messages"
    );
    assert_eq!(r.header("x-api-key"), Some("sk-ant"));
    assert_eq!(r.header("anthropic-version"), Some(ANTHROPIC_VERSION));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.header("cf-aig-request-timeout"), Some("2500"));
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["tool_choice"]["name"], ANTHROPIC_TOOL);
    assert_eq!(
        body["tools"][0]["input_schema"]["required"],
        json!(["ids", "headline"])
    );
    assert_eq!(body["system"], prompt.system);
    assert_ne!(
        cache_key(&ctx, Provider::Anthropic),
        cache_key(&ctx, Provider::OpenAi)
    );
}

#[test]
fn keys_stay_out_when_the_gateway_stores_them() {
    let (ctx, prompt) = setup();
    for p in Provider::FALLBACK_ORDER {
        let r = build(&config(false), p, &ctx, &prompt);
        assert_eq!(r.header("authorization"), None);
        assert_eq!(r.header("x-api-key"), None);
        assert!(r.header("cf-aig-authorization").is_some());
    }
}

#[test]
fn metadata_has_at_most_five_entries_and_nothing_personal() {
    let (mut ctx, prompt) = setup();
    ctx.request_id = format!("req-1\r\nx-evil: {SHOPPER}\"");
    for p in Provider::FALLBACK_ORDER {
        let r = build(&config(true), p, &ctx, &prompt);
        let meta: Value = serde_json::from_str(r.header("cf-aig-metadata").unwrap()).unwrap();
        let obj = meta.as_object().unwrap();
        assert!(obj.len() <= 5);
        assert_eq!(obj["store"], "demo");
        assert_eq!(obj["feature"], FEATURE);
        assert_eq!(obj["segment"], json!(ctx.segment));
        // The event id is reduced to a header-safe token.
        let event = r.header("cf-aig-event-id").unwrap();
        assert!(
            event
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        );
        let text = all_text(&r);
        for forbidden in ["@", "127.0.0.2", "email", "\r"] {
            assert!(!text.contains(forbidden), "{forbidden}");
        }
    }
}

#[test]
fn similar_shoppers_share_a_cache_key_and_other_inputs_do_not() {
    let (ctx, _) = setup();
    let same = CallContext {
        request_id: "another-request".into(),
        ..ctx.clone()
    };
    assert_eq!(
        cache_key(&ctx, Provider::OpenAi),
        cache_key(&same, Provider::OpenAi)
    );
    for other in [
        CallContext {
            store: "other".into(),
            ..ctx.clone()
        },
        CallContext {
            segment: "seg-x".into(),
            ..ctx.clone()
        },
        CallContext {
            candidate_hash: "ffff".into(),
            ..ctx.clone()
        },
        CallContext {
            brand_voice: "Loud.".into(),
            ..ctx.clone()
        },
    ] {
        assert_ne!(
            cache_key(&ctx, Provider::OpenAi),
            cache_key(&other, Provider::OpenAi)
        );
    }
}

#[test]
fn debug_output_of_a_request_hides_every_key() {
    let (ctx, prompt) = setup();
    for p in Provider::FALLBACK_ORDER {
        let shown = format!("{:?}", build(&config(true), p, &ctx, &prompt));
        for secret in ["sk-openai", "sk-ant", "gw-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

#[test]
fn policies_fit_the_configuration() {
    let c = config(false);
    let policy = retry_policy(&c, Provider::Anthropic);
    assert_eq!(policy.attempt_timeout_ms, 2500 * 3 + 1000);
    assert_eq!(policy.max_attempts, 2);
    assert!(breaker_config().failure_threshold >= 1);
}
