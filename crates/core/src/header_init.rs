//! The headers of a `Request` or `Response` the shell makes, as the JSON text of the `headers`
//! member JavaScript hands the runtime (one call from Wasm, `JSON.parse`d there).
//!
//! The form matters for speed, not meaning. workerd reads an array of name–value arrays
//! through the JavaScript iterator protocol, one generator step per pair and per string. It
//! reads a plain object by its own properties. With a page's dozen headers, the array cost
//! about 20 µs more per message (BENCHMARKS.md, the eleventh session). So the headers go as
//! an object whenever they can. They can when no name repeats: an object holds a name once,
//! and two `Set-Cookie` lines cannot be joined into one. When a name repeats, they go as the
//! array of pairs, which keeps every line.

use serde::Serialize;
use serde::ser::Serializer;

/// `pairs` as `{"name":"value",…}` when no name repeats (compared without case, as HTTP
/// does), otherwise as `[["name","value"],…]`. Either form keeps the pairs' order.
pub fn init_json<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let form = if names_repeat(pairs) {
        Form::Pairs(pairs)
    } else {
        Form::Object(pairs)
    };
    // Strings into a `String`: serde_json cannot fail here.
    serde_json::to_string(&form).unwrap_or_default()
}

/// Whether two of `pairs` share a name, ignoring ASCII case. Quadratic, for a message's
/// handful of headers: no allocation, no hashing.
fn names_repeat<K: AsRef<str>, V>(pairs: &[(K, V)]) -> bool {
    pairs.iter().enumerate().any(|(i, (name, _))| {
        let name = name.as_ref();
        let earlier = pairs.get(..i).unwrap_or_default();
        earlier
            .iter()
            .any(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
    })
}

enum Form<'a, K, V> {
    Object(&'a [(K, V)]),
    Pairs(&'a [(K, V)]),
}

impl<'a, K: AsRef<str>, V: AsRef<str>> Serialize for Form<'a, K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let strs = |(k, v): &'a (K, V)| (k.as_ref(), v.as_ref());
        match self {
            // A pair of strings serializes as a two-string array.
            Form::Object(pairs) => s.collect_map(pairs.iter().map(strs)),
            Form::Pairs(pairs) => s.collect_seq(pairs.iter().map(strs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn distinct_names_go_as_one_object_in_order() {
        let pairs = [("content-type", "text/html"), ("x-request-id", "abc")];
        assert_eq!(
            init_json(&pairs),
            r#"{"content-type":"text/html","x-request-id":"abc"}"#
        );
    }

    #[test]
    fn a_repeated_name_keeps_every_line_as_pairs() {
        let pairs = vec![
            ("set-cookie".to_owned(), "a=1".to_owned()),
            ("content-type".to_owned(), "text/html".to_owned()),
            ("set-cookie".to_owned(), "b=2".to_owned()),
        ];
        assert_eq!(
            init_json(&pairs),
            r#"[["set-cookie","a=1"],["content-type","text/html"],["set-cookie","b=2"]]"#
        );
    }

    #[test]
    fn names_differing_only_in_case_are_the_same_name() {
        let pairs = [("Set-Cookie", "a=1"), ("set-cookie", "b=2")];
        let parsed: Value = serde_json::from_str(&init_json(&pairs)).unwrap();
        assert_eq!(parsed.as_array().map(Vec::len), Some(2), "{parsed}");
    }

    #[test]
    fn values_are_escaped_as_json_strings() {
        let pairs = [(
            "content-security-policy",
            "default-src 'none'; a \"b\" \\ \u{7f}",
        )];
        let parsed: Value = serde_json::from_str(&init_json(&pairs)).unwrap();
        assert_eq!(
            parsed["content-security-policy"],
            "default-src 'none'; a \"b\" \\ \u{7f}"
        );
    }

    #[test]
    fn no_headers_is_an_empty_object() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(init_json(&none), "{}");
    }
}
