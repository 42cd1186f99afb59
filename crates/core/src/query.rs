//! A request's query, read from the URL as the runtime serialized it, without parsing the
//! whole URL again (its host, scheme and path are not needed where the query is read).

/// The query of a serialized URL: what follows the first `?`, up to a `#` (empty when none).
pub fn of_url(url: &str) -> &str {
    let Some((_, rest)) = url.split_once('?') else {
        return "";
    };
    rest.split_once('#').map_or(rest, |(query, _)| query)
}

/// The query's `application/x-www-form-urlencoded` pairs, in order, decoded (`+` is a space,
/// bad percent escapes are kept as they are, invalid UTF-8 is replaced).
pub fn pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A serialized URL's origin (`scheme://host[:port]`, the default port left out), or `null`
/// for a URL that has none (an opaque or unreadable one), as browsers serialize it.
pub fn origin(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| "null".to_owned(), |u| u.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_the_scheme_host_and_any_port_other_than_the_default() {
        for (url, expected) in [
            ("https://a.example/admin/x?q=1#f", "https://a.example"),
            ("http://localhost:8787/admin", "http://localhost:8787"),
            ("https://a.example:443/", "https://a.example"),
            ("https://User@A.Example:8443/p", "https://a.example:8443"),
            // No origin: opaque, unreadable or empty.
            ("data:text/plain,hi", "null"),
            ("not a url", "null"),
            ("", "null"),
        ] {
            assert_eq!(origin(url), expected, "{url}");
        }
    }

    #[test]
    fn the_query_is_what_follows_the_first_question_mark_up_to_a_fragment() {
        assert_eq!(
            of_url("https://a.example/s/demo/search?q=hat&page=2"),
            "q=hat&page=2"
        );
        assert_eq!(of_url("https://a.example/search?q=a?b#top"), "q=a?b");
        assert_eq!(of_url("https://a.example/search?"), "");
        assert_eq!(of_url("https://a.example/search"), "");
        assert_eq!(of_url("https://a.example/search#q=x"), "");
    }

    #[test]
    fn pairs_are_decoded_in_order_and_agree_with_the_url_crate() {
        let url = "https://a.example/search?q=red+hat&q=%E2%9C%93&sort=price%2Dasc&bad=%zz&=v&k";
        let ours = pairs(of_url(url));
        assert_eq!(
            ours,
            [
                ("q", "red hat"),
                ("q", "✓"),
                ("sort", "price-asc"),
                ("bad", "%zz"),
                ("", "v"),
                ("k", ""),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let parsed = url::Url::parse(url).unwrap();
        let theirs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(ours, theirs);
        assert!(pairs("").is_empty());
    }

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        assert_eq!(pairs("q=%FF"), [("q".to_owned(), "\u{FFFD}".to_owned())]);
    }
}
