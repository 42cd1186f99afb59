use super::*;
use crate::theme::ThemeProblem;
use serde_json::json;
use wandstore_theme::form::{default_document, section_field};

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn editor(next: Next) -> (u16, EditorShown) {
    match next {
        Next::Editor { status, shown } => (status, shown),
        other => panic!("expected the editor, got {other:?}"),
    }
}

#[test]
fn a_done_change_redirects_to_its_notice() {
    let next = Next::after_change(Done::Published, Ok(())).unwrap();
    assert_eq!(next, Next::SeeOther("/console?done=published".into()));
    let saved = Next::after_draft(json!({}), Ok(())).unwrap();
    assert_eq!(saved, Next::SeeOther("/console?done=saved".into()));
}

#[test]
fn a_refusal_the_owner_can_act_on_is_the_editor_with_its_message() {
    let nothing = StoreError::Conflict {
        code: "no_draft".into(),
        message: "there is no draft to publish".into(),
    };
    let (status, shown) =
        editor(Next::after_change(Done::Published, Err(AskError::Refused(nothing))).unwrap());
    assert_eq!(status, 409);
    let notice = shown.notice.unwrap();
    assert_eq!(notice, ConsoleNotice::error("there is no draft to publish"));
    assert!(shown.theme.is_none() && shown.problems.is_empty());
    let missing = StoreError::Missing {
        code: "version_not_found".into(),
        message: "no version 9".into(),
    };
    let (status, _) =
        editor(Next::after_change(Done::RolledBack, Err(AskError::Refused(missing))).unwrap());
    assert_eq!(status, 404);
}

#[test]
fn anything_else_is_an_error_page_not_the_editor() {
    let broken = Next::after_change(Done::Published, Err(AskError::Broken("garbage".into())));
    assert!(broken.unwrap_err().is_server_error());
    let gone = Next::after_change(
        Done::Published,
        Err(AskError::Refused(StoreError::NotFound)),
    );
    assert_eq!(gone.unwrap_err().status, 404);
    let forbidden = Next::after_draft(json!({}), Err(AskError::Refused(StoreError::Forbidden)));
    assert_eq!(forbidden.unwrap_err().status, 403);
    let broken = Next::after_draft(json!({}), Err(AskError::Broken("garbage".into())));
    assert!(broken.unwrap_err().is_server_error());
}

#[test]
fn a_form_becomes_the_owners_draft() {
    let (doc, put) =
        Next::draft_from_form(default_document(), &fields(&[("radius", "12")]), 7).unwrap();
    assert_eq!(doc["radius"], json!(12));
    assert_eq!(put.body, doc.to_string());
    assert_eq!((put.author.as_str(), put.now_ms), ("owner", 7));
}

#[test]
fn a_broken_form_is_the_editor_over_the_saved_theme_with_its_problems() {
    let base = json!({"name": "saved"});
    let broken = fields(&[(&section_field(1, "position"), "1")]);
    let (status, shown) = editor(Next::draft_from_form(base.clone(), &broken, 7).unwrap_err());
    assert_eq!(status, 422);
    assert_eq!(shown.theme, Some(base));
    assert!(!shown.problems.is_empty());
    assert!(
        shown
            .problems
            .iter()
            .all(|p| p.path.starts_with("layout.home.sections"))
    );
    assert!(shown.notice.is_none());
}

#[test]
fn a_draft_the_store_refuses_is_shown_as_typed_with_every_problem() {
    let typed = json!({"radius": "<script>"});
    let invalid = StoreError::ThemeInvalid {
        fields: vec![
            ThemeProblem {
                path: "radius".into(),
                message: "must be a number".into(),
            },
            ThemeProblem {
                path: "colors.text".into(),
                message: "not a color".into(),
            },
        ],
    };
    let (status, shown) =
        editor(Next::after_draft(typed.clone(), Err(AskError::Refused(invalid))).unwrap());
    assert_eq!(status, 422);
    assert_eq!(shown.theme, Some(typed));
    let paths: Vec<&str> = shown.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["radius", "colors.text"]);
    assert_eq!(shown.problems[0].message, "must be a number");
}

#[test]
fn a_refused_upload_is_the_editor_with_the_refusals_status() {
    let e = EdgeError::new(415, "unsupported_type", "upload a PNG");
    let (status, shown) = editor(Next::refused(&e));
    assert_eq!(status, 415);
    assert_eq!(shown.notice, Some(ConsoleNotice::error("upload a PNG")));
}

#[test]
fn home_shows_only_a_known_finished_action() {
    let (status, shown) = editor(Next::home(Some("published")));
    assert_eq!(status, 200);
    assert!(shown.notice.is_some());
    for done in [None, Some("<script>"), Some(""), Some("PUBLISHED")] {
        let (status, shown) = editor(Next::home(done));
        assert_eq!((status, shown), (200, EditorShown::default()), "{done:?}");
    }
}

fn quota(allowed: bool) -> Quota {
    Quota {
        allowed,
        limit: 5,
        remaining: 0,
        reset_secs: 42,
        window_secs: 300,
    }
}

#[test]
fn a_sign_in_within_the_limit_goes_on_and_past_it_is_429() {
    let ok = SignInVerdict::of::<String>(Ok(quota(true)));
    assert_eq!(
        (ok.gate, ok.refusal, ok.log_error),
        (SignInGate::Allowed, None, None)
    );
    let over = SignInVerdict::of::<String>(Ok(quota(false)));
    assert_eq!(over.gate, SignInGate::Limited);
    let e = over.refusal.unwrap();
    assert_eq!((e.status, e.retry_after_secs), (429, Some(42)));
    assert!(over.log_error.is_none());
}

#[test]
fn a_limiter_that_cannot_answer_refuses_the_attempt() {
    let down = SignInVerdict::of(Err("connection reset"));
    assert_eq!(down.gate, SignInGate::Unavailable);
    let e = down.refusal.unwrap();
    assert_eq!((e.status, e.code.as_str()), (503, "sign_in_unavailable"));
    assert!(e.retry_after_secs.is_some());
    let logged = down.log_error.unwrap();
    assert!(logged.contains("connection reset"), "{logged}");
}

const SECRET: &[u8] = b"a console secret of enough length!";
const NOW: u64 = 1_800_000_000_000;

fn owner_session(store: &str) -> OwnerSession {
    OwnerSession {
        store: wandstore_core::store::StoreSlug::parse(store).unwrap(),
        fingerprint: "0123456789abcdef".into(),
        expires_at_ms: NOW + 1000,
    }
}

fn upload(csrf: String, name: &str, bytes: &[u8]) -> UploadForm {
    UploadForm {
        csrf,
        file_name: name.into(),
        content_type: Some("image/png".into()),
        bytes: bytes.to_vec(),
    }
}

#[test]
fn an_upload_checks_its_token_before_its_file() {
    let acme = owner_session("acme");
    let token = console::issue(SECRET, CsrfBinding::Session(&acme), NOW);
    let png = wandstore_core::asset::samples::PNG;
    let checked = Next::checked_upload(&upload(token.clone(), "logo.png", png), SECRET, &acme, NOW);
    assert!(checked.unwrap().unwrap().file.ends_with(".png"));
    // Another store's session, a forged or missing token: 403 before the file is looked at.
    let other = owner_session("other");
    let theirs = console::issue(SECRET, CsrfBinding::Session(&other), NOW);
    for csrf in [theirs, "v1.forged".into(), String::new()] {
        let bad_file = upload(csrf, "../evil.svg", b"<svg/>");
        let e = Next::checked_upload(&bad_file, SECRET, &acme, NOW).unwrap_err();
        assert_eq!(e.status, 403);
    }
    // A good token and a file the store cannot take: the editor again with the refusal.
    let html = upload(token, "logo.png", b"<html><script>alert(1)</script>");
    let (status, shown) = editor(
        Next::checked_upload(&html, SECRET, &acme, NOW)
            .unwrap()
            .unwrap_err(),
    );
    assert!((400..500).contains(&status), "{status}");
    assert!(shown.notice.is_some());
}
