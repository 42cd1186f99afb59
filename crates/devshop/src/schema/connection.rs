//! Relay-style pagination as Shopify does it: `first`/`after`/`last`/`before`, at most 250
//! items per page, opaque base64 cursors (`{"last_id":…,"last_value":"…"}` inside).

use std::ops::Range;

use async_graphql::{Error, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Shopify's largest page size.
pub const MAX_PAGE_SIZE: i32 = 250;

#[derive(SimpleObject, Debug, Clone, Default)]
pub struct PageInfo {
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
}

/// The four pagination arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// The slice of an ordered list that one page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub range: Range<usize>,
    pub has_next: bool,
    pub has_previous: bool,
}

pub fn encode_cursor(id: u64, value: &str) -> String {
    let json = serde_json::json!({ "last_id": id, "last_value": value });
    STANDARD.encode(json.to_string())
}

/// The id inside a cursor, or a GraphQL error for anything that is not one of ours.
pub fn decode_cursor(cursor: &str) -> Result<u64, Error> {
    let invalid = || Error::new(format!("Invalid cursor: {cursor}"));
    let bytes = STANDARD.decode(cursor.trim()).map_err(|_| invalid())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    value
        .get("last_id")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(invalid)
}

/// Chooses the page of `ids` (the whole ordered list) that `args` ask for.
pub fn window(ids: &[u64], args: &PageArgs) -> Result<Window, Error> {
    if args.first.is_none() && args.last.is_none() {
        return Err(Error::new("you must provide one of first or last"));
    }
    for (name, size) in [("first", args.first), ("last", args.last)] {
        if let Some(n) = size {
            if n < 0 {
                return Err(Error::new(format!(
                    "The `{name}` argument must be a positive integer, got {n}."
                )));
            }
            if n > MAX_PAGE_SIZE {
                return Err(Error::new(format!(
                    "The `{name}` argument must be at most {MAX_PAGE_SIZE} (Shopify's maximum page size), got {n}."
                )));
            }
        }
    }
    let position = |cursor: &str| -> Result<usize, Error> {
        let id = decode_cursor(cursor)?;
        ids.iter()
            .position(|&x| x == id)
            .ok_or_else(|| Error::new(format!("Invalid cursor: {cursor}")))
    };
    let mut lo = match &args.after {
        Some(c) => position(c)? + 1,
        None => 0,
    };
    let mut hi = match &args.before {
        Some(c) => position(c)?,
        None => ids.len(),
    };
    if hi < lo {
        hi = lo;
    }
    if let Some(first) = args.first {
        hi = hi.min(lo + first as usize);
    }
    if let Some(last) = args.last {
        lo = lo.max(hi.saturating_sub(last as usize));
    }
    Ok(Window {
        range: lo..hi,
        has_next: hi < ids.len(),
        has_previous: lo > 0,
    })
}

impl PageInfo {
    pub fn new(window: &Window, cursors: &[String]) -> PageInfo {
        PageInfo {
            start_cursor: cursors.first().cloned(),
            end_cursor: cursors.last().cloned(),
            has_next_page: window.has_next,
            has_previous_page: window.has_previous,
        }
    }
}

/// Declares `XConnection { edges, nodes, pageInfo }` and `XEdge { cursor, node }`.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty) => {
        #[derive(async_graphql::SimpleObject, Clone)]
        pub struct $conn {
            pub edges: Vec<$edge>,
            pub nodes: Vec<$node>,
            pub page_info: $crate::schema::connection::PageInfo,
        }

        #[derive(async_graphql::SimpleObject, Clone)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        impl $conn {
            /// One page of `(id, sort value, node)` items, already in display order.
            pub fn paginate(
                items: Vec<(u64, String, $node)>,
                args: &$crate::schema::connection::PageArgs,
            ) -> async_graphql::Result<$conn> {
                let ids: Vec<u64> = items.iter().map(|(id, _, _)| *id).collect();
                let window = $crate::schema::connection::window(&ids, args)?;
                let mut edges = Vec::with_capacity(window.range.len());
                let mut nodes = Vec::with_capacity(window.range.len());
                let mut cursors = Vec::with_capacity(window.range.len());
                for (id, value, node) in items
                    .into_iter()
                    .skip(window.range.start)
                    .take(window.range.len())
                {
                    let cursor = $crate::schema::connection::encode_cursor(id, &value);
                    cursors.push(cursor.clone());
                    nodes.push(node.clone());
                    edges.push($edge { cursor, node });
                }
                Ok($conn {
                    edges,
                    nodes,
                    page_info: $crate::schema::connection::PageInfo::new(&window, &cursors),
                })
            }
        }
    };
}

pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> PageArgs {
        PageArgs {
            first,
            after,
            last,
            before,
        }
    }

    #[test]
    fn pages_forward_and_backward() {
        let ids: Vec<u64> = (1..=10).collect();
        let w = window(&ids, &args(Some(3), None, None, None)).unwrap();
        assert_eq!(
            w,
            Window {
                range: 0..3,
                has_next: true,
                has_previous: false
            }
        );
        let after = encode_cursor(3, "3");
        let w = window(&ids, &args(Some(10), Some(after), None, None)).unwrap();
        assert_eq!(
            w,
            Window {
                range: 3..10,
                has_next: false,
                has_previous: true
            }
        );
        let before = encode_cursor(8, "8");
        let w = window(&ids, &args(None, None, Some(2), Some(before))).unwrap();
        assert_eq!(w.range, 5..7);
    }

    #[test]
    fn rejects_bad_arguments() {
        let ids: Vec<u64> = (1..=3).collect();
        assert!(window(&ids, &args(None, None, None, None)).is_err());
        assert!(window(&ids, &args(Some(251), None, None, None)).is_err());
        assert!(window(&ids, &args(Some(-1), None, None, None)).is_err());
        assert!(window(&ids, &args(Some(1), Some("garbage".into()), None, None)).is_err());
        assert!(
            window(
                &ids,
                &args(Some(1), Some(encode_cursor(99, "")), None, None)
            )
            .is_err()
        );
        assert_eq!(decode_cursor(&encode_cursor(42, "x")).unwrap(), 42);
    }
}
