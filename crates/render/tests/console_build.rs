//! `ConsoleEditorPage::build`: the editor's data from the store object's answers (theme
//! overview, assets, history) and what a refused request shows instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::admin_call::PreviewLink;
use wandstore_protocol::console_driver::{Answer, EditorAnswer};
use wandstore_protocol::console_step::Problem;
use wandstore_protocol::owner::AssetInfo;
use wandstore_protocol::theme::{DraftTheme, PublishedTheme, ThemeOverview, ThemeVersion};
use wandstore_render::{
    ConsoleEditorPage, ConsoleNotice, ConsoleShown, EditorFacts, EditorShown, console_answer,
};

fn overview(draft: Option<serde_json::Value>, published: Option<u32>) -> ThemeOverview {
    ThemeOverview {
        schema_version: 1,
        published: published.map(|version| PublishedTheme {
            version,
            theme: json!({"name": "published"}),
        }),
        draft: draft.map(|theme| DraftTheme {
            theme,
            author: "owner".into(),
            updated_at_ms: 5,
        }),
    }
}

fn asset() -> AssetInfo {
    AssetInfo {
        name: "logo.png".into(),
        file: format!("{}.png", "a".repeat(64)),
        content_type: "image/png".into(),
        size: 120,
        sha256: "a".repeat(64),
        created_at_ms: 1,
    }
}

fn version(version: u32, rolled_back_from: Option<u32>) -> ThemeVersion {
    ThemeVersion {
        version,
        author: "admin".into(),
        created_at_ms: 1_764_386_713_000,
        size: 900,
        sha256: "b".repeat(64),
        rolled_back_from,
    }
}

fn build(facts: EditorFacts, shown: EditorShown) -> ConsoleEditorPage {
    ConsoleEditorPage::build(
        "acme",
        "csrf".into(),
        facts,
        shown,
        "/s/acme/preview/t/".into(),
        "rid-1",
    )
}

#[test]
fn the_draft_is_edited_with_the_stores_assets_and_history() {
    let facts = EditorFacts {
        overview: overview(Some(json!({"name": "draft"})), Some(2)),
        assets: vec![asset()],
        versions: vec![version(2, Some(1)), version(1, None)],
    };
    let page = build(facts, EditorShown::default());
    assert_eq!(page.theme, json!({"name": "draft"}));
    assert!(page.has_draft);
    assert_eq!(page.published_version, Some(2));
    assert_eq!((page.store.as_str(), page.csrf.as_str()), ("acme", "csrf"));
    assert_eq!(page.preview_path, "/s/acme/preview/t/");
    assert_eq!(page.request_id, "rid-1");
    assert_eq!(page.assets.len(), 1);
    assert_eq!(
        (page.assets[0].name.as_str(), page.assets[0].size),
        ("logo.png", 120)
    );
    assert_eq!(page.versions.len(), 2);
    assert_eq!(page.versions[0].created_at, "2025-11-29T03:25:13Z");
    assert_eq!(page.versions[0].rolled_back_from, Some(1));
    assert!(page.problems.is_empty() && page.notice.is_none());
}

#[test]
fn without_a_draft_the_published_theme_and_without_either_the_default() {
    let published = EditorFacts {
        overview: overview(None, Some(3)),
        assets: vec![],
        versions: vec![],
    };
    let page = build(published, EditorShown::default());
    assert_eq!(page.theme, json!({"name": "published"}));
    assert!(!page.has_draft);
    let empty = EditorFacts {
        overview: overview(None, None),
        assets: vec![],
        versions: vec![],
    };
    let page = build(empty, EditorShown::default());
    assert_eq!(page.theme, wandstore_theme::form::default_document());
    assert_eq!(page.published_version, None);
    assert!(page.html().is_ok());
}

#[test]
fn refused_input_is_shown_as_typed_with_its_problems_and_notice() {
    let facts = EditorFacts {
        overview: overview(Some(json!({"name": "draft"})), None),
        assets: vec![],
        versions: vec![],
    };
    let typed = json!({"name": "<script>alert(1)</script>"});
    let shown = EditorShown {
        theme: Some(typed.clone()),
        problems: vec![Problem {
            path: "name".into(),
            message: "too long".into(),
        }],
        notice: Some(ConsoleNotice::error("nothing to publish")),
    };
    let page = build(facts, shown);
    assert_eq!(page.theme, typed);
    assert!(page.has_draft, "the saved draft is still there");
    assert_eq!(page.problems.len(), 1);
    assert_eq!(
        (
            page.problems[0].path.as_str(),
            page.problems[0].message.as_str()
        ),
        ("name", "too long")
    );
    assert!(page.notice.is_some());
    let html = page.html().unwrap().to_string();
    assert!(!html.contains("<script>alert(1)"), "owner input is escaped");
}

fn editor_answer(status: u16) -> Answer {
    Answer::Editor(EditorAnswer {
        store: StoreSlug::parse("acme").unwrap(),
        status,
        shown: EditorShown::default(),
        csrf: "the-csrf".into(),
        preview: PreviewLink {
            url: "/s/acme/preview/t/".into(),
            expires_at: "2026-11-30T00:00:00Z".into(),
        },
        facts: EditorFacts {
            overview: overview(None, Some(3)),
            assets: vec![asset()],
            versions: vec![version(3, None)],
        },
    })
}

#[test]
fn the_consoles_answers_are_drawn_with_their_status_and_cookies() {
    let redirect = Answer::SeeOther {
        location: "/console?done=saved".into(),
        cookies: vec!["a=b".into()],
    };
    let (shown, cookies) = console_answer(redirect, "rid-1");
    assert!(matches!(shown, ConsoleShown::SeeOther(ref l) if l == "/console?done=saved"));
    assert_eq!(cookies, ["a=b"]);

    let sign_in = Answer::SignIn {
        status: 401,
        store: "typed-slug".into(),
        notice: None,
        csrf: "the-csrf".into(),
        cookies: vec!["nonce=1".into()],
    };
    let (shown, cookies) = console_answer(sign_in, "rid-7");
    let ConsoleShown::Page(401, Ok(html)) = shown else {
        panic!("not the sign-in page: {shown:?}")
    };
    assert!(html.contains("typed-slug") && html.contains("the-csrf") && html.contains("rid-7"));
    assert_eq!(cookies, ["nonce=1"]);

    let (shown, cookies) = console_answer(editor_answer(409), "rid-2");
    let ConsoleShown::Page(409, Ok(html)) = shown else {
        panic!("not the editor: {shown:?}")
    };
    assert!(html.contains("/s/acme/preview/t/") && html.contains("logo.png"));
    assert!(cookies.is_empty());
}
