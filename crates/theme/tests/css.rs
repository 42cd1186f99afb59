//! The custom CSS sanitizer: what is refused, what is rewritten, how rules are scoped.

mod support;

use serde_json::json;
use support::*;
use wandstore_theme::*;

fn sanitize(css: &str) -> Result<CustomCss, Vec<ThemeFieldError>> {
    let doc = json!({ "custom_css": css });
    parse_draft(&bytes(&doc), &assets()).map(|t| t.custom_css.unwrap_or_else(|| panic!("kept")))
}

fn refused(css: &str) -> Vec<String> {
    match sanitize(css) {
        Ok(ok) => panic!("{css:?} accepted as {:?}", ok.as_stored()),
        Err(errors) => {
            assert!(errors.iter().all(|e| e.path == "custom_css"), "{errors:?}");
            errors.into_iter().map(|e| e.message).collect()
        }
    }
}

#[test]
fn hostile_css_is_refused_with_a_location() {
    let cases = [
        "@import url(https://evil.example/x.css);",
        "@import 'x.css';",
        "@\\69mport 'x.css';",
        "@charset \"utf-8\";",
        "@namespace svg url(http://www.w3.org/2000/svg);",
        "@page { margin: 0 }",
        "@layer base { a { color: red } }",
        "a { background: url(https://evil.example/track.png) }",
        "a { background: url('javascript:alert(1)') }",
        "a { background: url(data:image/png;base64,AAAA) }",
        "a { background: u\\72l(https://evil.example/x) }",
        "a { background: image-set(\"https://evil.example/x.png\" 1x) }",
        "a { background: -webkit-image-set(\"x.png\" 1x) }",
        "a { width: expression(alert(1)) }",
        "a { width: \\65xpression(alert(1)) }",
        "a { -moz-binding: url(x.xml#xss) }",
        "a { behavior: url(x.htc) }",
        "a { b\\65havior: url(x.htc) }",
        "a { content: \"javascript:alert(1)\" }",
        "a { content: \"</style><script>alert(1)</script>\" }",
        "a { content: \"\\3c/style>\" }",
        "a { content: '\\3C script' }",
        "</style><script>alert(1)</script>",
        "<!-- a { color: red } -->",
        "a { color: red } </style>",
        "@media (width < 600px) { a { color: red } }",
        "a { color: red; { b { color: blue } } }",
        "a { color: red }}",
        "a { content: \"unterminated\n }",
        "a { background: url(x y) }",
        "+ a { color: red }",
        "~ footer { display: none }",
        "a { content: attr(data-x) }",
        "a { x: 1 } @font-face { src: url(https://evil.example/f.woff2) }",
        "@font-face { font-family: system-ui; src: url(brand.woff2) }",
        "@font-face { font-family: \"Segoe UI\"; src: url(brand.woff2) }",
        "@font-face { font-family: Segoe  UI; src: url(brand.woff2) }",
        "@font-face { font-family: Brand, Roboto; src: url(brand.woff2) }",
        "@font-face { FONT-FAMILY: sans-serif; src: url(brand.woff2) }",
    ];
    for css in cases {
        let problems = refused(css);
        assert!(
            problems.iter().all(|p| p.starts_with("line ")),
            "{css:?}: {problems:?}"
        );
    }
    let problems = refused("a { color: red }\n\nb { width: expression(1) }");
    assert!(problems[0].starts_with("line 3, column "), "{problems:?}");
}

#[test]
fn every_css_problem_is_reported() {
    let problems =
        refused("@import 'a';\na { behavior: x }\nb { background: url(http://x) }\n@charset 'x';");
    assert_eq!(problems.len(), 4, "{problems:?}");
}

#[test]
fn css_is_reserialized_and_scoped() {
    let css = sanitize(
        "/* comment */ h1, .card > a:hover{color:#ff0000;margin : 0 auto}\n\
         @media (min-width: 40rem) { .grid { gap: 2px } }\n\
         @keyframes pulse { from { opacity: 0 } 50% { opacity: .5 } }",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let stored = css.as_stored();
    assert!(!stored.contains("comment"), "{stored}");
    assert!(
        stored.contains("h1, .card > a:hover { color:#ff0000;margin : 0 auto }"),
        "{stored}"
    );
    let scoped = css.for_base("/");
    assert!(
        scoped.contains(":where(.theme-scope) h1, :where(.theme-scope) .card > a:hover {"),
        "{scoped}"
    );
    assert!(
        scoped.contains("@media (min-width: 40rem) {\n:where(.theme-scope) .grid {"),
        "{scoped}"
    );
    assert!(
        scoped.contains("@keyframes pulse {\nfrom { opacity: 0 }"),
        "keyframes unscoped: {scoped}"
    );
    assert!(scoped.contains("50% { opacity: 0.5 }"), "{scoped}");
}

#[test]
fn sanitizing_is_idempotent() {
    for input in [
        "a{color:red}",
        "a/**/b { color: red }",
        ".x::before { content: \"\\\"q\\\" \\\\ é ＜\" }",
        "@supports (display: grid) { @media print { .a, .b { grid-template-columns: repeat(3, 1fr) } } }",
        "@font-face { font-family: Brand; src: url(\"brand.woff2\") format(\"woff2\") }",
        "a[href^='https'] { color: rgb(0 0 0 / 50%) !important; width: calc(100% - 2px) }",
        ".\\31 0 { color: red }",
    ] {
        let first = sanitize(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
        let second = sanitize(first.as_stored()).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
        assert_eq!(first, second, "{input:?}");
    }
}

#[test]
fn own_assets_are_allowed_and_rewritten_per_base() {
    let css = sanitize(
        ".hero { background: url(hero.webp) } .a { background: url(\"/assets/HASH\") }"
            .replace("HASH", &file('b', "webp"))
            .as_str(),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let hero = file('b', "webp");
    assert_eq!(
        css.asset_files().iter().cloned().collect::<Vec<_>>(),
        vec![hero.clone()]
    );
    assert!(
        css.as_stored()
            .contains(&format!("url(\"/assets/{hero}\")"))
    );
    let at_root = css.for_base("/");
    assert_eq!(
        at_root.matches(&format!("url(\"/assets/{hero}\")")).count(),
        2,
        "{at_root}"
    );
    let under = css.for_base("/s/outlet/");
    assert_eq!(
        under
            .matches(&format!("url(\"/s/outlet/assets/{hero}\")"))
            .count(),
        2,
        "{under}"
    );
    for hostile_base in [
        "/s/x\");}<",
        "https://evil.example/",
        "//evil/",
        "s/x/",
        "/s/a b/",
    ] {
        assert_eq!(css.for_base(hostile_base), at_root, "{hostile_base:?}");
    }
}

#[test]
fn sanitized_css_never_contains_an_angle_bracket_or_a_style_closer() {
    let tricky = [
        "a { content: \"＜/style＞\" }",
        "a { content: \"\\FF1C\" }",
        "a::after { content: '\\00003E' }",
        "a { font-family: \"x\\\" } b { color: red\" }",
    ];
    for input in tricky {
        if let Ok(css) = sanitize(input) {
            let out = css.for_base("/");
            assert!(!out.contains('<'), "{input:?} → {out}");
            assert!(!out.to_lowercase().contains("</style"), "{out}");
        }
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let deep = format!("a {{ width: {}1{} }}", "calc(".repeat(200), ")".repeat(200));
    let problems = refused(&deep);
    assert!(
        problems.iter().any(|p| p.contains("nested too deeply")),
        "{problems:?}"
    );
    let deep_media = format!(
        "{}a {{ color: red }}{}",
        "@media print {".repeat(100),
        "}".repeat(100)
    );
    assert!(!refused(&deep_media).is_empty());
}

#[test]
fn an_unclosed_block_is_closed_as_css_says() {
    let css = sanitize("a { color: red").map(|c| c.as_stored().to_owned());
    assert_eq!(css.ok().as_deref(), Some("a { color: red }\n"));
}

#[test]
fn blank_css_is_no_css() {
    let theme = parse_draft(br#"{"custom_css":"  \n "}"#, &assets()).unwrap_or_default();
    assert_eq!(theme.custom_css, None);
    let only_comment = sanitize("/* nothing */").map(|c| c.as_stored().to_owned());
    assert_eq!(only_comment.ok().as_deref(), Some(""));
}
