//! How a stored file is answered, decided before any I/O: which read it takes ([`FileIo`]:
//! the body, or for a `HEAD` or an `If-None-Match` that names its ETag only its size; a
//! store's upload from R2, or the platform's favicon), the status, and the headers it is
//! served with.

use super::{AssetKind, IMMUTABLE, not_modified};

/// The platform favicon's ETag (bump it when the file changes).
pub const PLATFORM_FAVICON_ETAG: &str = "platform-favicon-1";
/// Browsers ask for the favicon often; an hour keeps a theme change visible the same day.
pub const FAVICON_CACHE: &str = "public, max-age=3600";

/// What answering a request for a file takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServePlan {
    /// Read the body and send it (200).
    Body,
    /// Only check that the file exists: a 304 (the client has it) or a `HEAD`'s 200 with
    /// its length and no body.
    NoBody { not_modified: bool },
}

impl ServePlan {
    /// For a request with this `If-None-Match`, for a file whose strong ETag is `"{tag}"`.
    pub fn for_request(if_none_match: Option<&str>, tag: &str, head: bool) -> ServePlan {
        let not_modified = not_modified(if_none_match, tag);
        if head || not_modified {
            ServePlan::NoBody { not_modified }
        } else {
            ServePlan::Body
        }
    }

    pub fn status(self) -> u16 {
        match self {
            ServePlan::NoBody { not_modified: true } => 304,
            _ => 200,
        }
    }

    /// Whether the answer states the file's length (a `HEAD`'s 200).
    pub fn with_length(self) -> bool {
        self == ServePlan::NoBody {
            not_modified: false,
        }
    }
}

/// The headers a file is served with: its type, cache policy and strong ETag.
pub fn served_headers(kind: AssetKind, tag: &str, cache: &str) -> [(&'static str, String); 3] {
    [
        ("content-type", kind.content_type().to_owned()),
        ("cache-control", cache.to_owned()),
        ("etag", format!("\"{tag}\"")),
    ]
}

/// The headers of one of a store's uploaded files (named by its hash: immutable).
pub fn uploaded_headers(kind: AssetKind, sha256: &str) -> [(&'static str, String); 3] {
    served_headers(kind, sha256, IMMUTABLE)
}

/// The read that answers a request for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileIo {
    /// Stream the stored file under this R2 key as the body.
    Get(String),
    /// Only the stored file's size (R2 `head`), for the answer without a body.
    Head(String),
    /// The platform favicon's bytes as the body.
    PlatformBody,
    /// The platform favicon's length only, for the answer without a body.
    PlatformNoBody,
}

/// How one request for a file is answered: what to read ([`ServePlan`]) and the headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serve {
    pub plan: ServePlan,
    pub headers: [(&'static str, String); 3],
}

impl Serve {
    /// A store's uploaded `{sha256}.{ext}`: its R2 key and how to answer; `None` (a 404)
    /// for a name that cannot be an uploaded file.
    pub fn uploaded(
        store: &str,
        file: &str,
        if_none_match: Option<&str>,
        head: bool,
    ) -> Option<(String, Serve)> {
        let (sha256, kind) = super::parse_file(file)?;
        let serve = Serve {
            plan: ServePlan::for_request(if_none_match, sha256, head),
            headers: uploaded_headers(kind, sha256),
        };
        Some((super::r2_key(store, file), serve))
    }

    /// A request for the store's `file` (`None`: the platform favicon, for a store whose
    /// theme has none): the read it takes and how to answer; `None` (a 404) for a name
    /// that cannot be an uploaded file.
    pub fn file(
        store: &str,
        file: Option<&str>,
        if_none_match: Option<&str>,
        head: bool,
    ) -> Option<(FileIo, Serve)> {
        let body = |serve: &Serve| serve.plan == ServePlan::Body;
        let Some(file) = file else {
            let serve = Serve::platform_favicon(if_none_match, head);
            let io = match body(&serve) {
                true => FileIo::PlatformBody,
                false => FileIo::PlatformNoBody,
            };
            return Some((io, serve));
        };
        let (key, serve) = Serve::uploaded(store, file, if_none_match, head)?;
        let io = match body(&serve) {
            true => FileIo::Get(key),
            false => FileIo::Head(key),
        };
        Some((io, serve))
    }

    /// The platform's favicon, for stores whose theme has none.
    pub fn platform_favicon(if_none_match: Option<&str>, head: bool) -> Serve {
        let tag = PLATFORM_FAVICON_ETAG;
        Serve {
            plan: ServePlan::for_request(if_none_match, tag, head),
            headers: served_headers(AssetKind::Ico, tag, FAVICON_CACHE),
        }
    }

    /// The headers of the answer without a body, for a file of `size` bytes: a `HEAD`
    /// states the length, a 304 does not.
    pub fn no_body_headers(&self, size: u64) -> Vec<(&'static str, String)> {
        let mut headers = self.headers.to_vec();
        if self.plan.with_length() {
            headers.push(("content-length", size.to_string()));
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG: &str = "abc";

    #[test]
    fn a_get_reads_the_body_unless_the_client_has_it() {
        let table: [(Option<&str>, bool, ServePlan, u16, bool); 7] = [
            (None, false, ServePlan::Body, 200, false),
            (Some("\"other\""), false, ServePlan::Body, 200, false),
            (Some("garbage, \"\""), false, ServePlan::Body, 200, false),
            (
                Some("\"abc\""),
                false,
                ServePlan::NoBody { not_modified: true },
                304,
                false,
            ),
            (
                Some("W/\"abc\""),
                false,
                ServePlan::NoBody { not_modified: true },
                304,
                false,
            ),
            (
                Some("*"),
                false,
                ServePlan::NoBody { not_modified: true },
                304,
                false,
            ),
            (
                None,
                true,
                ServePlan::NoBody {
                    not_modified: false,
                },
                200,
                true,
            ),
        ];
        for (inm, head, plan, status, length) in table {
            let p = ServePlan::for_request(inm, TAG, head);
            assert_eq!(p, plan, "{inm:?} head={head}");
            assert_eq!(p.status(), status, "{inm:?} head={head}");
            assert_eq!(p.with_length(), length, "{inm:?} head={head}");
        }
        let head_cached = ServePlan::for_request(Some("\"abc\""), TAG, true);
        assert_eq!(
            (head_cached.status(), head_cached.with_length()),
            (304, false)
        );
    }

    #[test]
    fn files_are_served_with_their_type_cache_policy_and_strong_etag() {
        let h = uploaded_headers(AssetKind::Png, "ff");
        assert_eq!(h[0], ("content-type", "image/png".to_owned()));
        assert_eq!(h[1], ("cache-control", IMMUTABLE.to_owned()));
        assert_eq!(h[2], ("etag", "\"ff\"".to_owned()));
        let f = served_headers(AssetKind::Ico, PLATFORM_FAVICON_ETAG, FAVICON_CACHE);
        assert_eq!(f[0].1, "image/x-icon");
        assert_eq!(f[1].1, "public, max-age=3600");
    }

    const SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn an_uploaded_file_is_read_under_its_stores_key() {
        let file = format!("{SHA}.png");
        let (key, serve) = Serve::uploaded("shop", &file, None, false).unwrap();
        assert_eq!(key, super::super::r2_key("shop", &file));
        assert_eq!(serve.plan, ServePlan::Body);
        assert_eq!(serve.headers[2], ("etag", format!("\"{SHA}\"")));
        assert_eq!(serve.headers[1].1, IMMUTABLE);
    }

    #[test]
    fn a_name_that_is_not_an_uploaded_file_is_missing() {
        for bad in ["", "x.png", "../secret", &format!("{SHA}.exe"), SHA] {
            assert_eq!(Serve::uploaded("shop", bad, None, false), None, "{bad}");
        }
    }

    #[test]
    fn a_head_states_the_length_and_a_304_does_not() {
        let file = format!("{SHA}.png");
        let (_, head) = Serve::uploaded("shop", &file, None, true).unwrap();
        assert!(
            head.no_body_headers(42)
                .contains(&("content-length", "42".into()))
        );
        let tag = format!("\"{SHA}\"");
        let (_, cached) = Serve::uploaded("shop", &file, Some(&tag), false).unwrap();
        assert_eq!(cached.plan.status(), 304);
        let headers = cached.no_body_headers(42);
        assert!(headers.iter().all(|(name, _)| *name != "content-length"));
        assert_eq!(headers.len(), 3);
    }

    #[test]
    fn a_bad_etag_reads_the_body() {
        let file = format!("{SHA}.png");
        for tag in ["W/\"nope\"", "\"", "*x", "\"abc\""] {
            let (_, serve) = Serve::uploaded("shop", &file, Some(tag), false).unwrap();
            assert_eq!(serve.plan, ServePlan::Body, "{tag}");
        }
    }

    #[test]
    fn the_platform_favicon_has_its_own_tag_and_cache() {
        let serve = Serve::platform_favicon(None, false);
        assert_eq!(serve.plan, ServePlan::Body);
        assert_eq!(serve.headers[1].1, FAVICON_CACHE);
        let tag = format!("\"{PLATFORM_FAVICON_ETAG}\"");
        assert_eq!(
            Serve::platform_favicon(Some(&tag), false).plan.status(),
            304
        );
        let head = Serve::platform_favicon(None, true);
        assert_eq!(head.plan.status(), 200);
        assert!(
            head.no_body_headers(7)
                .contains(&("content-length", "7".into()))
        );
    }

    #[test]
    fn a_file_is_read_whole_only_when_its_body_is_sent() {
        let file = format!("{SHA}.png");
        let key = super::super::r2_key("shop", &file);
        let tag = format!("\"{SHA}\"");
        let table = [
            (None, false, FileIo::Get(key.clone()), 200),
            (None, true, FileIo::Head(key.clone()), 200),
            (Some(tag.as_str()), false, FileIo::Head(key.clone()), 304),
            (Some("\"other\""), false, FileIo::Get(key.clone()), 200),
        ];
        for (inm, head, io, status) in table {
            let (got, serve) = Serve::file("shop", Some(&file), inm, head).unwrap();
            assert_eq!((got, serve.plan.status()), (io, status), "{inm:?} {head}");
            assert_eq!(serve.headers[1].1, IMMUTABLE);
        }
        for bad in ["", "x.png", "../secret", SHA] {
            assert_eq!(Serve::file("shop", Some(bad), None, false), None, "{bad}");
        }
    }

    #[test]
    fn without_a_file_the_platform_favicon_is_answered() {
        let tag = format!("\"{PLATFORM_FAVICON_ETAG}\"");
        let table = [
            (None, false, FileIo::PlatformBody, 200),
            (None, true, FileIo::PlatformNoBody, 200),
            (Some(tag.as_str()), false, FileIo::PlatformNoBody, 304),
            (Some("garbage"), false, FileIo::PlatformBody, 200),
        ];
        for (inm, head, io, status) in table {
            let (got, serve) = Serve::file("shop", None, inm, head).unwrap();
            assert_eq!((got, serve.plan.status()), (io, status), "{inm:?} {head}");
            assert_eq!(serve.headers[1].1, FAVICON_CACHE);
        }
    }
}
