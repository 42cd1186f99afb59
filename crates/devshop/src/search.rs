//! A useful subset of Shopify's search syntax for the `query` argument.
//!
//! Supported: plain words (`wand`, `"tom & jerry"`), `field:value` terms, `value*` prefixes,
//! comparisons (`updated_at:>'2026-01-01T00:00:00Z'`, `variants.price:<=20`), implicit and
//! explicit `AND`, `OR`, `NOT`, a leading `-` for negation, and parentheses.
//! Fields are interpreted by the caller: see [`crate::listing`].

/// Comparison of a `field:value` term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    /// Whether `ordering` (left compared to the term's value) satisfies this operator.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq => ordering == Equal,
            Op::Gt => ordering == Greater,
            Op::Ge => ordering != Less,
            Op::Lt => ordering == Less,
            Op::Le => ordering != Greater,
        }
    }
}

/// One search term: `field:value`, or a plain word when `field` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Lowercased field name.
    pub field: Option<String>,
    pub op: Op,
    /// Lowercased value without quotes, operator or trailing `*`.
    pub value: String,
    /// The value ended in `*`: match words starting with it.
    pub prefix: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    All,
    Term(Term),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// Evaluates the expression with `matches` deciding single terms.
    pub fn eval(&self, matches: &impl Fn(&Term) -> bool) -> bool {
        match self {
            Expr::All => true,
            Expr::Term(t) => matches(t),
            Expr::Not(e) => !e.eval(matches),
            Expr::And(es) => es.iter().all(|e| e.eval(matches)),
            Expr::Or(es) => es.iter().any(|e| e.eval(matches)),
        }
    }

    /// The positive plain-word terms, for relevance scoring.
    pub fn text_terms(&self) -> Vec<&Term> {
        let mut out = Vec::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text<'a>(&'a self, out: &mut Vec<&'a Term>) {
        match self {
            Expr::Term(t) if t.field.is_none() => out.push(t),
            Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| e.collect_text(out)),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Word {
        text: String,
        quoted: bool,
        colon: Option<usize>,
    },
}

fn tokenize(query: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '(' || c == ')' {
            chars.next();
            tokens.push(if c == '(' { Token::Open } else { Token::Close });
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut colon = None;
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.peek() {
            match quote {
                Some(q) if c == q => {
                    quote = None;
                }
                Some(_) => text.push(c),
                None if c == '"' || c == '\'' => {
                    quote = Some(c);
                    quoted = true;
                }
                None if c.is_whitespace() || c == '(' || c == ')' => break,
                None => {
                    if c == ':' && colon.is_none() && !quoted {
                        colon = Some(text.len());
                    }
                    text.push(c);
                }
            }
            chars.next();
        }
        tokens.push(Token::Word {
            text,
            quoted,
            colon,
        });
    }
    tokens
}

/// Parses a query string. Never fails: stray parentheses and empty groups are ignored.
pub fn parse(query: &str) -> Expr {
    let tokens = tokenize(query);
    let mut pos = 0;
    let mut alternatives = Vec::new();
    while pos < tokens.len() {
        let expr = parse_or(&tokens, &mut pos);
        if expr != Expr::All {
            alternatives.push(expr);
        }
        // Skip a stray `)`.
        if pos < tokens.len() {
            pos += 1;
        }
    }
    simplify(Expr::And(alternatives))
}

fn is_keyword(token: Option<&Token>, keyword: &str) -> bool {
    matches!(token, Some(Token::Word { text, quoted: false, .. }) if text == keyword)
}

fn parse_or(tokens: &[Token], pos: &mut usize) -> Expr {
    let mut alternatives = vec![parse_and(tokens, pos)];
    while is_keyword(tokens.get(*pos), "OR") {
        *pos += 1;
        alternatives.push(parse_and(tokens, pos));
    }
    simplify(Expr::Or(alternatives))
}

fn parse_and(tokens: &[Token], pos: &mut usize) -> Expr {
    let mut parts = Vec::new();
    loop {
        match tokens.get(*pos) {
            None | Some(Token::Close) => break,
            t if is_keyword(t, "OR") => break,
            t if is_keyword(t, "AND") => *pos += 1,
            _ => {
                if let Some(e) = parse_unary(tokens, pos).filter(|e| *e != Expr::All) {
                    parts.push(e);
                }
            }
        }
    }
    simplify(Expr::And(parts))
}

fn parse_unary(tokens: &[Token], pos: &mut usize) -> Option<Expr> {
    let token = tokens.get(*pos)?;
    *pos += 1;
    match token {
        Token::Open => {
            let inner = parse_or(tokens, pos);
            if matches!(tokens.get(*pos), Some(Token::Close)) {
                *pos += 1;
            }
            Some(inner)
        }
        Token::Close => None,
        Token::Word { text, quoted, .. } if text == "NOT" && !quoted => {
            parse_unary(tokens, pos).map(|e| Expr::Not(Box::new(e)))
        }
        Token::Word { text, colon, .. } => {
            if let Some(rest) = text.strip_prefix('-').filter(|r| !r.is_empty()) {
                let colon = colon.map(|c| c.saturating_sub(1));
                let term = term(rest, colon)?;
                return Some(Expr::Not(Box::new(Expr::Term(term))));
            }
            term(text, *colon).map(Expr::Term)
        }
    }
}

fn term(text: &str, colon: Option<usize>) -> Option<Term> {
    let (field, raw) = match colon {
        Some(i) if i > 0 && i < text.len() => (Some(text[..i].to_lowercase()), &text[i + 1..]),
        Some(i) if i > 0 => (Some(text[..i].to_lowercase()), ""),
        _ => (None, text),
    };
    let (op, raw) = if let Some(r) = raw.strip_prefix(">=") {
        (Op::Ge, r)
    } else if let Some(r) = raw.strip_prefix("<=") {
        (Op::Le, r)
    } else if let Some(r) = raw.strip_prefix('>') {
        (Op::Gt, r)
    } else if let Some(r) = raw.strip_prefix('<') {
        (Op::Lt, r)
    } else if let Some(r) = raw.strip_prefix('=') {
        (Op::Eq, r)
    } else {
        (Op::Eq, raw)
    };
    let (value, prefix) = match raw.strip_suffix('*') {
        Some(v) => (v, true),
        None => (raw, false),
    };
    let value = value.trim().to_lowercase();
    if value.is_empty() && !prefix {
        return None;
    }
    Some(Term {
        field,
        op,
        value,
        prefix,
    })
}

fn simplify(expr: Expr) -> Expr {
    match expr {
        Expr::And(mut v) | Expr::Or(mut v) if v.len() == 1 => v.remove(0),
        Expr::And(v) if v.is_empty() => Expr::All,
        Expr::Or(v) if v.is_empty() => Expr::All,
        other => other,
    }
}

/// Lowercased words of `text` (letters and digits of any script).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Does free text match a term's value? Phrases (with spaces or punctuation) match as
/// substrings; single words match whole words, or word starts for prefix terms and plain words.
pub fn text_matches(text: &str, term: &Term, word_prefix: bool) -> bool {
    if term.value.is_empty() {
        return term.prefix;
    }
    if term.value.chars().any(|c| !c.is_alphanumeric()) {
        return text.to_lowercase().contains(&term.value);
    }
    words(text).any(|w| {
        if term.prefix || word_prefix {
            w.starts_with(&term.value)
        } else {
            w == term.value
        }
    })
}

/// Does a whole value (a tag, a vendor) match a term's value, case-insensitively?
pub fn value_matches(value: &str, term: &Term) -> bool {
    let value = value.to_lowercase();
    if term.prefix {
        value.starts_with(&term.value)
    } else {
        value == term.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(field: Option<&str>, op: Op, value: &str, prefix: bool) -> Expr {
        Expr::Term(Term {
            field: field.map(str::to_string),
            op,
            value: value.to_string(),
            prefix,
        })
    }

    #[test]
    fn parses_words_fields_and_quotes() {
        assert_eq!(parse(""), Expr::All);
        assert_eq!(parse("Wand"), t(None, Op::Eq, "wand", false));
        assert_eq!(
            parse("tag:gift title:moon*"),
            Expr::And(vec![
                t(Some("tag"), Op::Eq, "gift", false),
                t(Some("title"), Op::Eq, "moon", true)
            ])
        );
        assert_eq!(
            parse("updated_at:>'2026-01-01T00:00:00Z'"),
            t(Some("updated_at"), Op::Gt, "2026-01-01t00:00:00z", false)
        );
        assert_eq!(
            parse(r#"vendor:"Hexwood & Co.""#),
            t(Some("vendor"), Op::Eq, "hexwood & co.", false)
        );
    }

    #[test]
    fn parses_boolean_operators() {
        assert_eq!(
            parse("tag:a OR tag:b"),
            Expr::Or(vec![
                t(Some("tag"), Op::Eq, "a", false),
                t(Some("tag"), Op::Eq, "b", false)
            ])
        );
        assert_eq!(
            parse("-tag:a NOT vendor:x"),
            Expr::And(vec![
                Expr::Not(Box::new(t(Some("tag"), Op::Eq, "a", false))),
                Expr::Not(Box::new(t(Some("vendor"), Op::Eq, "x", false)))
            ])
        );
        assert_eq!(
            parse("(tag:a OR tag:b) AND wand"),
            Expr::And(vec![
                Expr::Or(vec![
                    t(Some("tag"), Op::Eq, "a", false),
                    t(Some("tag"), Op::Eq, "b", false)
                ]),
                t(None, Op::Eq, "wand", false)
            ])
        );
        // Stray parentheses do not break parsing.
        assert_eq!(parse(") wand ("), t(None, Op::Eq, "wand", false));
    }

    #[test]
    fn evaluates() {
        let e = parse("tag:a -tag:b");
        let has =
            |tags: &'static [&'static str]| move |term: &Term| tags.contains(&term.value.as_str());
        assert!(e.eval(&has(&["a"])));
        assert!(!e.eval(&has(&["a", "b"])));
        assert!(!e.eval(&has(&[])));
    }

    #[test]
    fn matches_text() {
        let word = Term {
            field: None,
            op: Op::Eq,
            value: "wand".into(),
            prefix: false,
        };
        assert!(text_matches("Moonlit Wands", &word, true));
        assert!(!text_matches("Moonlit Wands", &word, false));
        assert!(text_matches("Moonlit Wand", &word, false));
        let phrase = Term {
            field: None,
            op: Op::Eq,
            value: "tom & jerry".into(),
            prefix: false,
        };
        assert!(text_matches("Tom & Jerry's wand", &phrase, false));
    }
}
