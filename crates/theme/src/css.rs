//! Custom CSS: tokenized with `cssparser`, checked token by token, and re-serialized from the
//! tokens (never stored as typed). Selectors are scoped under [`SCOPE_CLASS`].
//!
//! Refused (each with its line and column): `@import`, `@charset`, `@namespace` and every
//! at-rule but `@media`, `@supports`, `@container`, `@keyframes` and `@font-face`; `url()`
//! except the store's own assets (by name, by hashed file, or `/assets/<file>`, always
//! rewritten to `url("/assets/<file>")`); functions that load or compute from outside
//! (`expression`, `image`, `image-set`, `cross-fade`, `element`, `paint`, `src`, `attr`);
//! `behavior`, `-ms-behavior`, `-moz-binding`; `javascript:`/`vbscript:`; `<` anywhere (so
//! `</style` and `<!--` cannot appear); `-->`; malformed tokens; nested rules. Checks run on
//! the tokenizer's unescaped values, so CSS escapes (`\3c`, `\65 xpression`) smuggle nothing,
//! and the serializer escapes what it writes.
//!
//! Scoping: every selector is prefixed with `:where(.theme-scope) ` (no added specificity), so
//! owner rules only match descendants of the `.theme-scope` element, which wraps the
//! announcement bar, the header and the main content of storefront pages. The preview bar and
//! the footer (platform text, request id) are outside it; error pages and the checkout
//! hand-off carry no custom CSS at all. A selector may not start with `+` or `~`, which would
//! reach the scope's siblings.

use crate::assets::Assets;
use cssparser::{ParseError, Parser, ToCss, Token, TokenSerializationType};
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;

/// The class of the element custom CSS is scoped to.
pub const SCOPE_CLASS: &str = "theme-scope";

/// What every scoped selector starts with.
const SCOPE_PREFIX: &str = ":where(.theme-scope) ";

/// Deepest nesting of blocks and functions accepted.
const MAX_DEPTH: usize = 16;

/// Sanitized custom CSS. Serializes as its unscoped, sanitized text (the stored form), which
/// sanitizes to itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomCss {
    clean: String,
    scoped: String,
    files: BTreeSet<String>,
}

impl Serialize for CustomCss {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.clean)
    }
}

impl CustomCss {
    /// The sanitized CSS as stored (unscoped; asset URLs as `url("/assets/<file>")`).
    pub fn as_stored(&self) -> &str {
        &self.clean
    }

    /// The hashed asset files its `url()`s point to.
    pub fn asset_files(&self) -> &BTreeSet<String> {
        &self.files
    }

    /// The scoped CSS for a store whose site starts at `base` (`/` or `/s/{slug}/`), with
    /// asset URLs pointing at `{base}assets/<file>`. A `base` that is not a plain path
    /// (letters, digits, `-`, `_`, `/`, starting and ending with `/`) is taken as `/`. The
    /// text never contains `<`, so it cannot close the `<style>` element it goes into.
    pub fn for_base(&self, base: &str) -> String {
        let base = if is_plain_base(base) { base } else { "/" };
        let css = self
            .scoped
            .replace("url(\"/assets/", &format!("url(\"{base}assets/"));
        if css.contains('<') {
            // Unreachable by construction; never risk the style element.
            return String::new();
        }
        css
    }
}

fn is_plain_base(base: &str) -> bool {
    base.starts_with('/')
        && base.ends_with('/')
        && !base.contains("//")
        && base
            .split('/')
            .all(|segment| segment != "." && segment != "..")
        && base
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/' | b'.'))
}

/// Sanitizes owner CSS; `Err` lists every problem ("line 3, column 5: …").
pub(crate) fn sanitize(input: &str, assets: Assets<'_>) -> Result<CustomCss, Vec<String>> {
    let mut parser = Parser::new(input);
    let mut s = Sanitizer {
        assets,
        problems: Vec::new(),
        files: BTreeSet::new(),
    };
    let mut clean = String::new();
    let mut scoped = String::new();
    s.rules(&mut parser, 0, RuleList::Style, &mut clean, &mut scoped);
    if s.problems.is_empty() {
        Ok(CustomCss {
            clean,
            scoped,
            files: s.files,
        })
    } else {
        Err(s.problems)
    }
}

struct Sanitizer<'a> {
    assets: Assets<'a>,
    problems: Vec<String>,
    files: BTreeSet<String>,
}

/// What a list of rules holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RuleList {
    /// Style rules (scoped) and the allowed at-rules.
    Style,
    /// Keyframe rules (`from`, `50%`): not selectors, not scoped.
    Keyframes,
}

/// Where a run of component values stops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A selector: stops at `,`, `{` or `;`.
    Selector,
    /// An at-rule prelude: stops at `{` or `;`.
    Prelude,
    /// Declarations or a function's arguments: runs to the end; `{` is refused.
    Values,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Comma,
    Curly,
    Semicolon,
    End,
}

/// Serialized output that keeps adjacent tokens apart the way the CSS syntax spec says.
struct Out {
    text: String,
    last: TokenSerializationType,
}

impl Out {
    fn new() -> Out {
        Out {
            text: String::new(),
            last: TokenSerializationType::Nothing,
        }
    }

    fn token(&mut self, token: &Token<'_>) {
        let ty = token.serialization_type();
        if self.last.needs_separator_when_before(ty) {
            self.text.push_str("/**/");
        }
        // Writing into a String cannot fail.
        let _ = token.to_css(&mut self.text);
        self.last = ty;
    }

    fn raw(&mut self, text: &str) {
        self.text.push_str(text);
        self.last = TokenSerializationType::Nothing;
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with([' ', '(', '[', '{', '\n']) {
            self.text.push(' ');
            self.last = TokenSerializationType::Nothing;
        }
    }

    fn close(&mut self, closer: &str) {
        let kept = self.text.trim_end_matches(' ').len();
        self.text.truncate(kept);
        self.raw(closer);
    }
}

fn at(p: &Parser<'_>) -> String {
    let loc = p.current_source_location();
    format!("line {}, column {}", loc.line + 1, loc.column)
}

/// Shortens owner text quoted in a message.
fn quote(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    format!("{short:?}")
}

/// Why a token's (unescaped) text is refused.
fn text_problem(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if lower.contains('<') {
        return Some("`<` is not allowed (it could close the style element)".to_owned());
    }
    for word in ["javascript:", "vbscript:", "expression("] {
        if lower.contains(word) {
            return Some(format!("`{word}` is not allowed"));
        }
    }
    None
}

/// Generic families and every family in the allow-listed stacks (lowercase).
fn reserved_family(name: &str) -> bool {
    let name = name.trim().to_lowercase();
    const GENERIC: [&str; 19] = [
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
        "math",
        "emoji",
        "fangsong",
        "-apple-system",
        "blinkmacsystemfont",
        "inherit",
        "initial",
        "unset",
        "default",
    ];
    GENERIC.contains(&name.as_str())
        || crate::fonts::FontStack::ALL.iter().any(|stack| {
            stack
                .css()
                .split(',')
                .any(|family| family.trim().trim_matches('"').eq_ignore_ascii_case(&name))
        })
}

/// Function names that load or compute from outside the stylesheet.
fn function_refused(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let bare = ["-webkit-", "-moz-", "-ms-", "-o-"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
        .unwrap_or(&lower);
    matches!(
        bare,
        "expression" | "image" | "image-set" | "cross-fade" | "element" | "paint" | "src" | "attr"
    )
}

impl Sanitizer<'_> {
    fn problem(&mut self, location: String, message: impl AsRef<str>) {
        self.problems
            .push(format!("{location}: {}", message.as_ref()));
    }

    /// A list of rules: the stylesheet, or the block of `@media`, `@supports`, `@container`
    /// or `@keyframes`.
    fn rules(
        &mut self,
        p: &mut Parser<'_>,
        depth: usize,
        list: RuleList,
        clean: &mut String,
        scoped: &mut String,
    ) {
        loop {
            p.skip_whitespace();
            let location = at(p);
            let state = p.state();
            let token = match p.next_including_whitespace_and_comments() {
                Ok(token) => token.clone(),
                Err(_) => return,
            };
            match token {
                Token::AtKeyword(name) if list == RuleList::Style => {
                    self.at_rule(p, depth, &name, location, clean, scoped);
                }
                Token::AtKeyword(name) => {
                    self.problem(
                        location,
                        format!("@{name} is not allowed inside @keyframes"),
                    );
                    self.skip_rule(p);
                }
                Token::CDO | Token::CDC => {
                    self.problem(location, "`<!--` and `-->` are not allowed");
                }
                Token::Comment(_) => {}
                _ => {
                    p.reset(&state);
                    self.qualified_rule(p, depth, list, location, clean, scoped);
                }
            }
        }
    }

    /// Skips to the end of a refused rule (its `;` or its block).
    fn skip_rule(&mut self, p: &mut Parser<'_>) {
        while let Ok(token) = p.next() {
            if matches!(token, Token::Semicolon | Token::CurlyBracketBlock) {
                return;
            }
        }
    }

    fn at_rule(
        &mut self,
        p: &mut Parser<'_>,
        depth: usize,
        name: &str,
        location: String,
        clean: &mut String,
        scoped: &mut String,
    ) {
        let lower = name.to_ascii_lowercase();
        let nested = match lower.as_str() {
            "media" | "supports" | "container" => Some(RuleList::Style),
            "keyframes" | "-webkit-keyframes" => Some(RuleList::Keyframes),
            "font-face" => None,
            "import" | "charset" | "namespace" => {
                self.problem(location, format!("@{lower} is not allowed"));
                self.skip_rule(p);
                return;
            }
            _ => {
                self.problem(
                    location,
                    format!(
                        "@{} is not allowed (allowed: @media, @supports, @container, @keyframes, @font-face)",
                        quote(name).trim_matches('"')
                    ),
                );
                self.skip_rule(p);
                return;
            }
        };
        let mut prelude = Out::new();
        let stop = self.values(p, depth, Mode::Prelude, &mut prelude);
        if stop != Stop::Curly {
            self.problem(location, format!("@{lower} needs a {{ }} block"));
            return;
        }
        let head = format!("@{lower}");
        let prelude = prelude.text.trim().to_owned();
        if lower == "font-face" && !prelude.is_empty() {
            self.problem(location.clone(), "@font-face takes no prelude");
        }
        let head = if prelude.is_empty() {
            head
        } else {
            format!("{head} {prelude}")
        };
        match nested {
            Some(list) => {
                let mut inner_clean = String::new();
                let mut inner_scoped = String::new();
                let result: Result<(), ParseError<()>> = p.parse_nested_block(|p| {
                    self.rules(p, depth + 1, list, &mut inner_clean, &mut inner_scoped);
                    Ok(())
                });
                if result.is_err() {
                    self.problem(location, "blocks are nested too deeply");
                }
                clean.push_str(&format!("{head} {{\n{inner_clean}}}\n"));
                scoped.push_str(&format!("{head} {{\n{inner_scoped}}}\n"));
            }
            None => {
                let body = self.block(p, depth, location.clone());
                self.check_font_face_family(&body, location);
                clean.push_str(&format!("{head} {{{body}}}\n"));
                scoped.push_str(&format!("{head} {{{body}}}\n"));
            }
        }
    }

    /// An `@font-face` may not take the name of a generic family or of a font in the
    /// allow-listed stacks: faces are global, and would otherwise restyle the platform's own
    /// text (the preview bar, the footer) outside the scope.
    fn check_font_face_family(&mut self, body: &str, location: String) {
        let mut parser = Parser::new(body);
        let mut names: Vec<String> = Vec::new();
        let mut in_family = false;
        let mut current = String::new();
        while let Ok(token) = parser.next() {
            match token {
                Token::Ident(name) if !in_family && name.eq_ignore_ascii_case("font-family") => {
                    in_family = true;
                }
                Token::Colon if in_family => {}
                Token::Ident(word) if in_family => {
                    if !current.is_empty() {
                        current.push(' ');
                    }
                    current.push_str(word);
                }
                Token::QuotedString(name) if in_family => current.push_str(name),
                Token::Comma | Token::Semicolon if in_family => {
                    names.push(std::mem::take(&mut current));
                    in_family = matches!(token, Token::Comma);
                }
                _ => {}
            }
        }
        names.push(current);
        for name in names.iter().filter(|n| !n.is_empty()) {
            if reserved_family(name) {
                self.problem(
                    location.clone(),
                    format!(
                        "@font-face may not redefine {}, a platform font family; pick a name of your own",
                        quote(name)
                    ),
                );
            }
        }
    }

    /// A declaration block's content, after its `{` was read.
    fn block(&mut self, p: &mut Parser<'_>, depth: usize, location: String) -> String {
        let mut body = Out::new();
        body.raw(" ");
        let result: Result<(), ParseError<()>> = p.parse_nested_block(|p| {
            self.values(p, depth + 1, Mode::Values, &mut body);
            Ok(())
        });
        if result.is_err() {
            self.problem(location, "blocks are nested too deeply");
        }
        body.close(" ");
        if body.text == "  " {
            String::new()
        } else {
            body.text
        }
    }

    fn qualified_rule(
        &mut self,
        p: &mut Parser<'_>,
        depth: usize,
        list: RuleList,
        location: String,
        clean: &mut String,
        scoped: &mut String,
    ) {
        let mut selectors = Vec::new();
        loop {
            let mut selector = Out::new();
            let stop = self.values(p, depth, Mode::Selector, &mut selector);
            let text = selector.text.trim().to_owned();
            if text.is_empty() {
                self.problem(location.clone(), "empty selector");
            } else if list == RuleList::Style && text.starts_with(['+', '~']) {
                self.problem(
                    location.clone(),
                    format!("selector {} may not start with `+` or `~`", quote(&text)),
                );
            }
            selectors.push(text);
            match stop {
                Stop::Comma => continue,
                Stop::Curly => break,
                Stop::Semicolon | Stop::End => {
                    self.problem(location, "expected `{` after the selector");
                    return;
                }
            }
        }
        let body = self.block(p, depth, location);
        let plain = selectors.join(", ");
        let prefixed = match list {
            RuleList::Style => selectors
                .iter()
                .map(|s| format!("{SCOPE_PREFIX}{s}"))
                .collect::<Vec<_>>()
                .join(", "),
            RuleList::Keyframes => plain.clone(),
        };
        clean.push_str(&format!("{plain} {{{body}}}\n"));
        scoped.push_str(&format!("{prefixed} {{{body}}}\n"));
    }

    /// Component values into `out` until `mode` says stop.
    fn values(&mut self, p: &mut Parser<'_>, depth: usize, mode: Mode, out: &mut Out) -> Stop {
        loop {
            let location = at(p);
            let token = match p.next_including_whitespace_and_comments() {
                Ok(token) => token.clone(),
                Err(_) => return Stop::End,
            };
            match token {
                Token::WhiteSpace(_) => out.space(),
                Token::Comment(_) => {}
                Token::Comma if mode == Mode::Selector => return Stop::Comma,
                Token::CurlyBracketBlock if mode != Mode::Values => return Stop::Curly,
                Token::Semicolon if mode != Mode::Values => return Stop::Semicolon,
                Token::CurlyBracketBlock => {
                    self.problem(location, "nested rules are not supported");
                }
                Token::UnquotedUrl(url) => self.url(&url, location, out),
                Token::Function(name) if name.eq_ignore_ascii_case("url") => {
                    let arg: Result<String, ParseError<()>> = p.parse_nested_block(|p| {
                        let url = p.expect_string()?.to_string();
                        p.expect_exhausted()?;
                        Ok(url)
                    });
                    match arg {
                        Ok(url) => self.url(&url, location, out),
                        Err(_) => self.problem(location, "url() takes one quoted URL"),
                    }
                }
                Token::Function(ref name) if function_refused(name) => {
                    self.problem(
                        location,
                        format!("{}() is not allowed", quote(name).trim_matches('"')),
                    );
                }
                Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock => {
                    if let Some(message) = self.token_problem(&token) {
                        self.problem(location, message);
                        continue;
                    }
                    if depth >= MAX_DEPTH {
                        self.problem(location, "blocks are nested too deeply");
                        continue;
                    }
                    let closer = if token == Token::SquareBracketBlock {
                        "]"
                    } else {
                        ")"
                    };
                    out.token(&token);
                    let result: Result<(), ParseError<()>> = p.parse_nested_block(|p| {
                        self.values(p, depth + 1, Mode::Values, out);
                        Ok(())
                    });
                    if result.is_err() {
                        self.problem(location, "blocks are nested too deeply");
                    }
                    out.close(closer);
                }
                other => match self.token_problem(&other) {
                    Some(message) => self.problem(location, message),
                    None => out.token(&other),
                },
            }
        }
    }

    /// Why a single token is refused.
    fn token_problem(&self, token: &Token<'_>) -> Option<String> {
        match token {
            Token::Ident(v) => {
                let lower = v.to_ascii_lowercase();
                if matches!(lower.as_str(), "behavior" | "-ms-behavior" | "-moz-binding") {
                    return Some(format!("`{lower}` is not allowed"));
                }
                text_problem(v)
            }
            Token::Hash(v) | Token::IDHash(v) | Token::QuotedString(v) | Token::Function(v) => {
                text_problem(v)
            }
            Token::Dimension { unit, .. } => text_problem(unit),
            Token::AtKeyword(name) => Some(format!(
                "@{} is only allowed at the top level or inside @media, @supports or @container",
                quote(name).trim_matches('"')
            )),
            Token::Delim('<') => Some(
                "`<` is not allowed (it could close the style element; use min-width/max-width instead of range queries)"
                    .to_owned(),
            ),
            Token::Delim('\\') => Some("a lone backslash is not allowed".to_owned()),
            Token::CDO | Token::CDC => Some("`<!--` and `-->` are not allowed".to_owned()),
            Token::BadUrl(_) => Some("malformed url()".to_owned()),
            Token::BadString(_) => Some("unterminated string".to_owned()),
            Token::CloseParenthesis | Token::CloseSquareBracket | Token::CloseCurlyBracket => {
                Some("unbalanced closing bracket".to_owned())
            }
            _ => None,
        }
    }

    /// A `url()`: only the store's own assets, rewritten to `url("/assets/<file>")`.
    fn url(&mut self, url: &str, location: String, out: &mut Out) {
        let reference = url.trim();
        let reference = reference.strip_prefix("/assets/").unwrap_or(reference);
        match self.assets.resolve(reference) {
            Some(found) => {
                out.raw(&format!("url(\"/assets/{}\")", found.file));
                self.files.insert(found.file);
            }
            None => self.problem(
                location,
                format!(
                    "url({}) is not one of this store's assets; only uploaded assets may be used (by name or /assets/<file>)",
                    quote(url)
                ),
            ),
        }
    }
}
