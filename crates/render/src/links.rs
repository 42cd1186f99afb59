//! Every URL a page links to, built from one root: the shopper's `home_path` for links, the
//! store's `canonical_base` for canonical and Open Graph URLs.
//!
//! Handles and queries come from upstream or from the shopper, so path segments and query
//! values are percent-encoded (everything but `A-Z a-z 0-9 - . _ ~`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use wandstore_core::catalog::{PageSize, SortKey};

/// Bytes left as they are in a path segment or a query value (RFC 3986 "unreserved").
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> impl std::fmt::Display + '_ {
    utf8_percent_encode(s, COMPONENT)
}

/// A path segment; `.` and `..` are encoded too, so a handle never walks up the path.
fn segment(s: &str) -> String {
    match s {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => enc(s).to_string(),
    }
}

/// The store's URLs under one root (`/`, `/s/acme/` or `https://acme.wandstore.dev/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    root: String,
}

impl Links {
    /// Links under `root`; a missing trailing slash is added.
    pub fn new(root: &str) -> Links {
        let mut root = root.to_owned();
        if !root.ends_with('/') {
            root.push('/');
        }
        Links { root }
    }

    /// Links under an absolute `http(s)://host[/path]` base, or `None` if `base` is not one.
    pub fn absolute(base: &str) -> Option<Links> {
        let rest = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"))?;
        let host = rest.split('/').next().unwrap_or("");
        let clean = |c: char| !c.is_whitespace() && !c.is_control() && !"\"'<>\\`".contains(c);
        (!host.is_empty() && base.chars().all(clean) && !base.contains(['?', '#']))
            .then(|| Links::new(base))
    }

    pub fn home(&self) -> &str {
        &self.root
    }

    /// An uploaded asset by its hashed file name: `{root}assets/{file}`.
    pub fn asset(&self, file: &str) -> String {
        format!("{}assets/{}", self.root, segment(file))
    }

    /// The store's favicon URL when the theme sets none: `{root}favicon.ico`.
    pub fn default_favicon(&self) -> String {
        format!("{}favicon.ico", self.root)
    }

    pub fn product(&self, handle: &str) -> String {
        format!("{}products/{}", self.root, segment(handle))
    }

    /// A product page with one variant preselected (`?variant=`).
    pub fn product_variant(&self, handle: &str, variant_id: &str) -> String {
        format!(
            "{}products/{}?variant={}",
            self.root,
            segment(handle),
            enc(variant_id)
        )
    }

    /// The form action of a collection's sort form (no query).
    pub fn collection_base(&self, handle: &str) -> String {
        format!("{}collections/{}", self.root, segment(handle))
    }

    /// A collection page; default values (featured, 24 per page, page 1) are left out.
    pub fn collection(&self, handle: &str, sort: SortKey, page: u32, size: PageSize) -> String {
        let mut url = self.collection_base(handle);
        let mut sep = '?';
        let mut param = |url: &mut String, kv: String| {
            url.push(sep);
            url.push_str(&kv);
            sep = '&';
        };
        if sort != SortKey::Featured {
            param(&mut url, format!("sort={}", sort.as_str()));
        }
        if size != PageSize::default() {
            param(&mut url, format!("size={}", size.get()));
        }
        if page > 1 {
            param(&mut url, format!("page={page}"));
        }
        url
    }

    /// The search form's action.
    pub fn search_base(&self) -> String {
        format!("{}search", self.root)
    }

    /// Search results for `query`, page `page` (1 is left out).
    pub fn search(&self, query: &str, page: u32) -> String {
        let mut url = format!("{}search?q={}", self.root, enc(query));
        if page > 1 {
            url.push_str(&format!("&page={page}"));
        }
        url
    }

    pub fn cart(&self) -> String {
        format!("{}cart", self.root)
    }

    /// POST: `variant_id`, `quantity`, `csrf`.
    pub fn cart_add(&self) -> String {
        format!("{}cart/add", self.root)
    }

    /// POST: `variant_id`, `quantity`, `csrf`.
    pub fn cart_update(&self) -> String {
        format!("{}cart/update", self.root)
    }

    /// POST: `variant_id`, `csrf`.
    pub fn cart_remove(&self) -> String {
        format!("{}cart/remove", self.root)
    }

    /// POST: `csrf`.
    pub fn cart_clear(&self) -> String {
        format!("{}cart/clear", self.root)
    }

    /// POST: `csrf`.
    pub fn checkout(&self) -> String {
        format!("{}checkout", self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_hang_off_the_home_path() {
        let l = Links::new("/s/acme/");
        assert_eq!(l.home(), "/s/acme/");
        assert_eq!(l.product("blue-mug"), "/s/acme/products/blue-mug");
        assert_eq!(l.cart_add(), "/s/acme/cart/add");
        assert_eq!(l.checkout(), "/s/acme/checkout");
        assert_eq!(Links::new("/s/acme").cart(), "/s/acme/cart");
    }

    #[test]
    fn segments_and_queries_are_percent_encoded() {
        let l = Links::new("/");
        assert_eq!(
            l.product("a/b?c=<d>\"é"),
            "/products/a%2Fb%3Fc%3D%3Cd%3E%22%C3%A9"
        );
        assert_eq!(l.product(".."), "/products/%2E%2E");
        assert_eq!(l.collection_base("."), "/collections/%2E");
        assert_eq!(
            l.search("mugs & cups #1", 1),
            "/search?q=mugs%20%26%20cups%20%231"
        );
        assert_eq!(l.search("tee", 3), "/search?q=tee&page=3");
        assert_eq!(
            l.product_variant("mug", "gid://shopify/ProductVariant/7"),
            "/products/mug?variant=gid%3A%2F%2Fshopify%2FProductVariant%2F7"
        );
    }

    #[test]
    fn collection_urls_leave_defaults_out() {
        let l = Links::new("/");
        assert_eq!(
            l.collection("tees", SortKey::Featured, 1, PageSize::Small),
            "/collections/tees"
        );
        assert_eq!(
            l.collection("tees", SortKey::PriceAsc, 2, PageSize::Large),
            "/collections/tees?sort=price-asc&size=48&page=2"
        );
        assert_eq!(
            l.collection("tees", SortKey::Featured, 3, PageSize::Small),
            "/collections/tees?page=3"
        );
    }

    #[test]
    fn only_plain_http_origins_make_absolute_links() {
        let l = Links::absolute("https://acme.wandstore.dev").unwrap();
        assert_eq!(l.product("mug"), "https://acme.wandstore.dev/products/mug");
        let l = Links::absolute("https://wandstore.dev/s/acme/").unwrap();
        assert_eq!(l.home(), "https://wandstore.dev/s/acme/");
        for bad in [
            "",
            "/s/acme/",
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "https://a b",
            "https://x\"onload=1",
            "https://x/?q=1",
            "ftp://x",
        ] {
            assert_eq!(Links::absolute(bad), None, "{bad}");
        }
    }
}
