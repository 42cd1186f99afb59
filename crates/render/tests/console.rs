//! The owner console's pages: valid, accessible HTML with the CSRF token in every POST form
//! (sign-out included), no script, the preview as the only frame, current values in the
//! form, hostile theme text escaped, and each problem next to its field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use scraper::Html;
use serde_json::{Value, json};
use support::dom::{all, check_page, one, text};
use wandstore_render::{
    ConsoleAsset, ConsoleEditorPage, ConsoleNotice, ConsoleProblem, ConsoleSignInPage,
    ConsoleVersion,
};
use wandstore_theme::OUTLET_DEMO;

const CSRF: &str = "v1.1800000000000.c2lnbmF0dXJl";
const EVIL: &str = r#"<script>alert(1)</script> & "quotes" </textarea></style>"#;
const PREVIEW: &str = "/s/acme/preview/v1.acme.1.sig/";

/// The console's checks: the storefront's (parse errors, one h1, main, lang, unique ids,
/// labels, CSRF in every POST form, no script or handler), except that exactly one frame is
/// allowed: the preview, on the console's own origin, with a title.
fn check_console_page(html: &str) -> Html {
    let doc = Html::parse_document(html);
    let frames = all(&doc, "iframe");
    assert!(frames.len() <= 1, "at most the preview frame");
    let mut without_frame = html.to_owned();
    if let Some(frame) = frames.first() {
        let src = frame.attr("src").unwrap();
        assert!(src.starts_with("/s/") && src.contains("/preview/"), "{src}");
        assert!(frame.attr("title").is_some_and(|t| !t.is_empty()));
        let start = html.find("<iframe").unwrap();
        let end = start + html[start..].find("</iframe>").unwrap() + "</iframe>".len();
        without_frame.replace_range(start..end, "");
        assert!(!without_frame.contains("<iframe"), "one frame");
    }
    check_page(&without_frame, Some(CSRF));
    doc
}

fn hashed(c: char, ext: &str) -> String {
    format!("{}.{ext}", std::iter::repeat_n(c, 64).collect::<String>())
}

fn editor(theme: Value) -> ConsoleEditorPage {
    ConsoleEditorPage {
        store: "acme".into(),
        csrf: CSRF.into(),
        theme,
        has_draft: true,
        published_version: Some(2),
        problems: vec![],
        assets: vec![
            ConsoleAsset {
                name: "logo.png".into(),
                file: hashed('a', "png"),
                content_type: "image/png".into(),
                size: 120,
            },
            ConsoleAsset {
                name: "font.woff2".into(),
                file: hashed('b', "woff2"),
                content_type: "font/woff2".into(),
                size: 300,
            },
        ],
        versions: vec![
            ConsoleVersion {
                version: 2,
                author: "owner".into(),
                created_at: "2026-11-28T22:00:00Z".into(),
                size: 1234,
                sha256: "ab".repeat(32),
                rolled_back_from: Some(1),
            },
            ConsoleVersion {
                version: 1,
                author: "admin".into(),
                created_at: "2026-11-28T21:00:00Z".into(),
                size: 1200,
                sha256: "cd".repeat(32),
                rolled_back_from: None,
            },
        ],
        preview_path: PREVIEW.into(),
        notice: Some(ConsoleNotice::info("Draft saved.")),
        request_id: "req-1".into(),
    }
}

fn demo() -> Value {
    serde_json::from_str(OUTLET_DEMO).unwrap()
}

fn value_of(doc: &Html, id: &str) -> String {
    one(doc, &format!("[id=\"{id}\"]"))
        .attr("value")
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_sign_in_page_is_a_valid_form_with_its_token() {
    let page = ConsoleSignInPage {
        csrf: CSRF.into(),
        store: EVIL.into(),
        notice: Some(ConsoleNotice::error("store or token not recognised")),
        request_id: "req-2".into(),
    };
    let html = page.html().unwrap();
    let doc = check_console_page(&html);
    assert!(all(&doc, "iframe").is_empty());
    let form = one(&doc, "form");
    assert_eq!(form.attr("action"), Some("/console/sign-in"));
    assert_eq!(value_of(&doc, "store"), EVIL, "kept, as text");
    assert_eq!(one(&doc, "#token").attr("type"), Some("password"));
    assert_eq!(
        one(&doc, "#token").attr("value"),
        None,
        "a token is never echoed"
    );
    assert_eq!(
        text(one(&doc, "[role=alert]")),
        "store or token not recognised"
    );
    assert!(!html.contains("<script>alert"));
}

#[test]
fn the_editor_shows_the_current_values_the_preview_and_the_history() {
    let mut theme = demo();
    theme["logo"] = json!(hashed('a', "png"));
    let html = editor(theme).html().unwrap();
    let doc = check_console_page(&html);
    assert_eq!(value_of(&doc, "colors.accent"), "#b3261e");
    assert_eq!(
        one(&doc, "[id=\"colors.accent\"]").attr("type"),
        Some("color")
    );
    assert_eq!(value_of(&doc, "colors.accent.typed"), "");
    assert_eq!(value_of(&doc, "radius"), "2");
    assert_eq!(one(&doc, "#radius").attr("min"), Some("0"));
    assert_eq!(one(&doc, "#radius").attr("max"), Some("32"));
    assert_eq!(value_of(&doc, "spacing"), "48");
    let selected = |id: &str| {
        let opts = all(&doc, &format!("[id=\"{id}\"] option[selected]"));
        assert_eq!(opts.len(), 1, "{id}");
        opts[0].attr("value").unwrap().to_owned()
    };
    assert_eq!(selected("fonts.body"), "humanist");
    assert_eq!(selected("fonts.heading"), "didone");
    assert_eq!(selected("logo"), hashed('a', "png"));
    assert_eq!(selected("favicon"), "");
    assert_eq!(all(&doc, "[id=\"fonts.body\"] option").len(), 10);
    // Only images may be a logo.
    assert!(!html.contains(&hashed('b', "woff2")));
    assert!(value_of(&doc, "announcement").starts_with("Outlet week"));
    assert!(text(one(&doc, "[id=\"custom_css\"]")).contains("letter-spacing"));
    // Section rows carry their section, in order, with position and remove controls.
    let sources: Vec<Value> = all(&doc, "input[type=hidden][name$=\".source\"]")
        .iter()
        .map(|e| serde_json::from_str(e.attr("value").unwrap()).unwrap())
        .collect();
    assert_eq!(
        &sources,
        demo()["layout"]["home"]["sections"].as_array().unwrap()
    );
    assert_eq!(
        value_of(&doc, "layout.home.sections[0].settings.heading"),
        "Wand Outlet: last season, lower prices"
    );
    assert!(all(&doc, "[id=\"layout.home.sections[1].settings.heading\"]").is_empty());
    assert_eq!(
        all(&doc, "input[type=checkbox][name$=\".remove\"]").len(),
        5
    );
    assert_eq!(all(&doc, "[id=\"layout.home.add\"] option").len(), 6);
    // The preview, publish, upload (multipart), history with one roll back form per version.
    assert_eq!(one(&doc, "iframe").attr("src"), Some(PREVIEW));
    assert_eq!(all(&doc, "form[action=\"/console/publish\"]").len(), 1);
    let upload = one(&doc, "form[action=\"/console/assets\"]");
    assert_eq!(upload.attr("enctype"), Some("multipart/form-data"));
    let rollbacks = all(
        &doc,
        "form[action=\"/console/rollback\"] input[name=version]",
    );
    let versions: Vec<&str> = rollbacks.iter().map(|e| e.attr("value").unwrap()).collect();
    assert_eq!(versions, ["2", "1"]);
    let rows = text(one(&doc, "tbody"));
    assert!(
        rows.contains(&"ab".repeat(32)) && rows.contains("1234 bytes"),
        "{rows}"
    );
    assert!(rows.contains("2026-11-28T22:00:00Z") && rows.contains("(roll back to 1) · live"));
    assert_eq!(all(&doc, "form[action=\"/console/sign-out\"]").len(), 1);
    assert_eq!(text(one(&doc, "[role=status]")), "Draft saved.");
}

#[test]
fn hostile_theme_text_is_escaped_in_every_field() {
    let mut theme = demo();
    theme["announcement"] = json!(EVIL);
    theme["custom_css"] = json!(EVIL);
    theme["colors"]["accent"] = json!(EVIL);
    theme["fonts"]["body"] = json!(EVIL);
    theme["radius"] = json!(EVIL);
    theme["logo"] = json!(EVIL);
    theme["layout"]["home"]["sections"][0]["settings"]["heading"] = json!(EVIL);
    theme["layout"]["home"]["sections"][0]["settings"]["text"] = json!(EVIL);
    theme["layout"]["home"]["sections"][1]["type"] = json!(EVIL);
    let mut page = editor(theme);
    page.store = EVIL.into();
    page.problems = vec![ConsoleProblem {
        path: EVIL.into(),
        message: EVIL.into(),
    }];
    let html = page.html().unwrap();
    let doc = check_console_page(&html);
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("</textarea></style>"));
    assert_eq!(value_of(&doc, "announcement"), EVIL);
    assert_eq!(text(one(&doc, "[id=\"custom_css\"]")), text_of(EVIL));
    assert_eq!(
        value_of(&doc, "colors.accent.typed"),
        EVIL,
        "kept for the owner to fix"
    );
    assert_eq!(
        value_of(&doc, "colors.accent"),
        wandstore_theme::Theme::default().colors.accent,
        "the picker holds a colour: the default's"
    );
    assert_eq!(value_of(&doc, "radius"), EVIL);
    assert_eq!(
        value_of(&doc, "layout.home.sections[0].settings.heading"),
        EVIL
    );
}

fn text_of(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn each_problem_is_next_to_its_field_and_in_the_summary() {
    let mut theme = demo();
    theme["colors"]["accent"] = json!("red");
    theme["radius"] = json!("abc");
    let mut page = editor(theme);
    page.notice = None;
    page.problems = vec![
        ConsoleProblem {
            path: "colors.accent".into(),
            message: "must be a colour as #rrggbb".into(),
        },
        ConsoleProblem {
            path: "radius".into(),
            message: "must be a whole number from 0 to 32".into(),
        },
        ConsoleProblem {
            path: "layout.home.sections[0].settings.heading".into(),
            message: "at most 120 characters".into(),
        },
        ConsoleProblem {
            path: "layout.home.sections[2].type".into(),
            message: "unknown section type".into(),
        },
        ConsoleProblem {
            path: "custom_css".into(),
            message: "@import is not allowed (line 1)".into(),
        },
    ];
    let html = page.html().unwrap();
    let doc = check_console_page(&html);
    let summary = one(&doc, "[role=alert]");
    assert!(text(summary).contains("5 problems"));
    assert_eq!(summary.select(&support::dom::sel("li")).count(), 5);
    for (id, message) in [
        ("colors.accent", "must be a colour as #rrggbb"),
        ("radius", "must be a whole number from 0 to 32"),
        (
            "layout.home.sections[0].settings.heading",
            "at most 120 characters",
        ),
        ("custom_css", "@import is not allowed (line 1)"),
    ] {
        let field = one(&doc, &format!("[id=\"{id}\"]"));
        assert_eq!(field.attr("aria-invalid"), Some("true"), "{id}");
        let described = field.attr("aria-describedby").unwrap();
        assert_eq!(described, format!("{id}-error"));
        assert_eq!(text(one(&doc, &format!("[id=\"{described}\"]"))), message);
    }
    assert_eq!(value_of(&doc, "colors.accent.typed"), "red");
    assert_eq!(value_of(&doc, "radius"), "abc");
    // A problem with a section as a whole is shown in its row.
    let row = text(one(&doc, "[id=\"layout.home.sections[2].errors\"]"));
    assert!(row.contains("unknown section type"), "{row}");
    // Fields without problems are not marked.
    assert_eq!(one(&doc, "#spacing").attr("aria-invalid"), None);
}

#[test]
fn a_store_without_a_theme_or_history_edits_the_default() {
    let mut page = editor(wandstore_theme::form::default_document());
    page.has_draft = false;
    page.published_version = None;
    page.versions.clear();
    page.assets.clear();
    let html = page.html().unwrap();
    let doc = check_console_page(&html);
    assert!(text(one(&doc, "main")).contains("a copy of the default theme"));
    assert!(text(one(&doc, "main")).contains("Nothing has been published yet."));
    assert!(all(&doc, "form[action=\"/console/rollback\"]").is_empty());
    assert_eq!(all(&doc, "[id=\"logo\"] option").len(), 1, "only None");
}
