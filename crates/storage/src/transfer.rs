//! What crosses between the shell's Wasm and the runtime's SQLite (`crates/worker/js/sql.js`),
//! in one call each way instead of one per binding, row and column: a statement's bindings
//! go in as one JSON array, and a JSON column's texts come out as one string.

use crate::Value;
use serde::de::DeserializeOwned;

/// What separates the texts of a JSON column read in one string: NUL, which no JSON text
/// holds unescaped (not even inside a string).
pub const TEXT_SEPARATOR: char = '\0';

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`): what
/// a binding crosses into SQLite as.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// `args` as a JSON array of `null`, integers and strings. An integer a JavaScript number
/// cannot hold exactly is an error, not a binding rounded to another value.
pub fn bindings_json(args: &[Value]) -> Result<String, String> {
    let mut out = String::with_capacity(2 + args.len() * 16);
    out.push('[');
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match arg {
            Value::Null => out.push_str("null"),
            Value::Int(n) if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(n) => {
                out.push_str(&n.to_string());
            }
            Value::Int(n) => {
                return Err(format!(
                    "binding {} ({n}) is past what a JavaScript number holds exactly",
                    i + 1
                ));
            }
            Value::Text(t) => {
                out.push_str(&serde_json::to_string(t).map_err(|e| e.to_string())?);
            }
        }
    }
    out.push(']');
    Ok(out)
}

/// The `rows` texts of a JSON column read as one string (joined with [`TEXT_SEPARATOR`]),
/// each parsed on its own: one unreadable text is an error, as it is when rows are read one
/// by one, and no text can change how another is read.
pub fn parse_texts<T: DeserializeOwned>(
    joined: &str,
    rows: usize,
) -> Result<Vec<T>, serde_json::Error> {
    if rows == 0 {
        return Ok(Vec::new());
    }
    let texts = joined.split(TEXT_SEPARATOR);
    let parsed: Vec<T> = texts.map(serde_json::from_str).collect::<Result<_, _>>()?;
    if parsed.len() != rows {
        return Err(serde::de::Error::custom(format!(
            "{} texts where {rows} rows were read",
            parsed.len()
        )));
    }
    Ok(parsed)
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
