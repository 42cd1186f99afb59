//! Store owners' uploaded files (logos, favicons, images, fonts): which types are taken, how
//! the bytes are checked against the declared type, and the content-hashed file name they are
//! stored and served under (`{sha256}.{ext}`, so a file's URL never changes meaning).
//!
//! Types are told from the bytes by `infer` (magic numbers), never from the name alone: a
//! `logo.png` holding HTML is refused. SVG is refused outright: it can carry script, and the
//! platform has no SVG sanitizer it trusts.

pub mod serving;

use sha2::{Digest, Sha256};
use std::fmt;

/// The longest asset name an owner can choose.
pub const MAX_NAME_LEN: usize = 100;

/// `Cache-Control` of a served asset: its URL names its content, so it never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A file type owners may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    Png,
    Jpeg,
    Webp,
    Gif,
    Ico,
    Woff2,
}

const KINDS: [AssetKind; 6] = [
    AssetKind::Png,
    AssetKind::Jpeg,
    AssetKind::Webp,
    AssetKind::Gif,
    AssetKind::Ico,
    AssetKind::Woff2,
];

impl AssetKind {
    /// The `Content-Type` it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            AssetKind::Png => "image/png",
            AssetKind::Jpeg => "image/jpeg",
            AssetKind::Webp => "image/webp",
            AssetKind::Gif => "image/gif",
            AssetKind::Ico => "image/x-icon",
            AssetKind::Woff2 => "font/woff2",
        }
    }

    /// The extension of its stored file name.
    pub fn ext(self) -> &'static str {
        match self {
            AssetKind::Png => "png",
            AssetKind::Jpeg => "jpg",
            AssetKind::Webp => "webp",
            AssetKind::Gif => "gif",
            AssetKind::Ico => "ico",
            AssetKind::Woff2 => "woff2",
        }
    }

    /// Extensions an owner's name may end with for this type.
    fn name_exts(self) -> &'static [&'static str] {
        match self {
            AssetKind::Jpeg => &["jpg", "jpeg"],
            AssetKind::Png => &["png"],
            AssetKind::Webp => &["webp"],
            AssetKind::Gif => &["gif"],
            AssetKind::Ico => &["ico"],
            AssetKind::Woff2 => &["woff2"],
        }
    }

    /// Whether this is an image (may be a logo, favicon or section image).
    pub fn is_image(self) -> bool {
        self != AssetKind::Woff2
    }

    /// The type a declared `Content-Type` names (parameters and case ignored).
    pub fn from_content_type(declared: &str) -> Result<AssetKind, AssetError> {
        let essence = declared
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "image/png" => Ok(AssetKind::Png),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Ok(AssetKind::Jpeg),
            "image/webp" => Ok(AssetKind::Webp),
            "image/gif" => Ok(AssetKind::Gif),
            "image/x-icon" | "image/vnd.microsoft.icon" => Ok(AssetKind::Ico),
            "font/woff2" | "application/font-woff2" => Ok(AssetKind::Woff2),
            "image/svg+xml" => Err(AssetError::SvgRefused),
            "" => Err(AssetError::NoContentType),
            _ => Err(AssetError::UnsupportedType(essence)),
        }
    }

    /// The type the bytes are, by their magic numbers.
    pub fn sniff(bytes: &[u8]) -> Option<AssetKind> {
        let found = infer::get(bytes)?;
        KINDS.into_iter().find(|k| match k {
            AssetKind::Ico => matches!(
                found.mime_type(),
                "image/vnd.microsoft.icon" | "image/x-icon"
            ),
            k => found.mime_type() == k.content_type(),
        })
    }

    fn from_ext(ext: &str) -> Option<AssetKind> {
        KINDS.into_iter().find(|k| k.ext() == ext)
    }
}

/// Why an upload or an asset name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetError {
    NoContentType,
    UnsupportedType(String),
    SvgRefused,
    /// The bytes are not what the `Content-Type` says (what they look like, if known).
    TypeMismatch {
        declared: AssetKind,
        found: Option<AssetKind>,
    },
    /// The name ends in another type's extension.
    NameMismatch {
        declared: AssetKind,
    },
    Empty,
    BadName(&'static str),
}

impl AssetError {
    /// 415 for a type the platform does not take, 422 for bytes or names that do not fit it.
    pub fn status(&self) -> u16 {
        match self {
            AssetError::NoContentType | AssetError::UnsupportedType(_) | AssetError::SvgRefused => {
                415
            }
            _ => 422,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AssetError::NoContentType | AssetError::UnsupportedType(_) => "unsupported_media_type",
            AssetError::SvgRefused => "svg_refused",
            AssetError::TypeMismatch { .. } | AssetError::NameMismatch { .. } => {
                "asset_type_mismatch"
            }
            AssetError::Empty => "empty_asset",
            AssetError::BadName(_) => "bad_asset_name",
        }
    }
}

impl fmt::Display for AssetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let taken = "PNG, JPEG, WebP, GIF, ICO or WOFF2";
        match self {
            AssetError::NoContentType => {
                write!(f, "send the file's Content-Type ({taken})")
            }
            AssetError::UnsupportedType(t) => {
                write!(f, "{t:?} is not an asset type the store can use ({taken})")
            }
            AssetError::SvgRefused => write!(
                f,
                "SVG files can carry script and are not accepted; upload a PNG or WebP instead"
            ),
            AssetError::TypeMismatch { declared, found } => match found {
                Some(found) => write!(
                    f,
                    "the file says it is {} but its bytes are {}",
                    declared.content_type(),
                    found.content_type()
                ),
                None => write!(
                    f,
                    "the file says it is {} but its bytes are not",
                    declared.content_type()
                ),
            },
            AssetError::NameMismatch { declared } => write!(
                f,
                "the name's extension does not match its type {}",
                declared.content_type()
            ),
            AssetError::Empty => write!(f, "the file is empty"),
            AssetError::BadName(why) => write!(f, "bad asset name: {why}"),
        }
    }
}

/// Checks an owner's asset name: 1–100 characters of ASCII letters, digits, `.`, `_` and `-`,
/// starting with a letter or digit, with no `..`.
pub fn check_name(name: &str) -> Result<(), AssetError> {
    if name.is_empty() {
        return Err(AssetError::BadName("it is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(AssetError::BadName("it is longer than 100 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(AssetError::BadName(
            "use only letters, digits, '.', '_' and '-'",
        ));
    }
    if !name.as_bytes()[0].is_ascii_alphanumeric() {
        return Err(AssetError::BadName("it must start with a letter or digit"));
    }
    if name.contains("..") {
        return Err(AssetError::BadName("it must not contain '..'"));
    }
    Ok(())
}

/// An upload that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAsset {
    pub name: String,
    pub kind: AssetKind,
    /// Hex SHA-256 of the bytes (also the strong ETag).
    pub sha256: String,
    /// The same digest as bytes (R2 checks the upload against it).
    pub digest: [u8; 32],
    /// `{sha256}.{ext}`: the stored and served file name.
    pub file: String,
    pub size: u64,
}

impl CheckedAsset {
    /// The R2 custom metadata its bytes are stored with.
    pub fn r2_metadata(&self) -> [(String, String); 2] {
        [
            ("name".to_owned(), self.name.clone()),
            ("sha256".to_owned(), self.sha256.clone()),
        ]
    }
}

/// Checks an upload: its name, its declared type, and that the bytes are that type.
pub fn check_upload(
    name: &str,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<CheckedAsset, AssetError> {
    check_name(name)?;
    let declared = AssetKind::from_content_type(content_type.unwrap_or_default())?;
    if bytes.is_empty() {
        return Err(AssetError::Empty);
    }
    let found = AssetKind::sniff(bytes);
    if found != Some(declared) {
        return Err(AssetError::TypeMismatch { declared, found });
    }
    if let Some((_, ext)) = name.rsplit_once('.') {
        let ext = ext.to_ascii_lowercase();
        let names_other = KINDS
            .into_iter()
            .any(|k| k != declared && k.name_exts().contains(&ext.as_str()));
        if names_other || ext == "svg" || ext == "html" || ext == "htm" {
            return Err(AssetError::NameMismatch { declared });
        }
    }
    let digest: [u8; 32] = Sha256::digest(bytes).into();
    let sha256 = hex::encode(digest);
    Ok(CheckedAsset {
        digest,
        name: name.to_owned(),
        kind: declared,
        file: format!("{sha256}.{}", declared.ext()),
        sha256,
        size: bytes.len() as u64,
    })
}

/// A served file name (`{64 hex}.{ext}`) as its hash and type, or `None` for anything else.
pub fn parse_file(file: &str) -> Option<(&str, AssetKind)> {
    let (hash, ext) = file.split_once('.')?;
    let is_hash = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    is_hash.then_some(())?;
    Some((hash, AssetKind::from_ext(ext)?))
}

/// The R2 key of a store's asset file.
pub fn r2_key(store: &str, file: &str) -> String {
    format!("{store}/assets/{file}")
}

/// Whether an `If-None-Match` header names the strong ETag `"{sha256}"` (or is `*`).
pub fn not_modified(if_none_match: Option<&str>, sha256: &str) -> bool {
    let Some(header) = if_none_match else {
        return false;
    };
    header.split(',').map(str::trim).any(|tag| {
        tag == "*"
            || tag
                .trim_start_matches("W/")
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                == Some(sha256)
    })
}

/// The smallest valid file of each kind, for tests here and elsewhere.
pub mod samples {
    /// A 1×1 PNG.
    pub const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    /// A GIF header (enough for type detection).
    pub const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    /// An ICO header with one 16×16 entry.
    pub const ICO: &[u8] = &[
        0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x10, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00, 0x44,
        0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_that_is_a_png_is_taken_under_its_hash() {
        let a = check_upload("logo.png", Some("image/png"), samples::PNG).unwrap();
        assert_eq!(
            a.r2_metadata(),
            [
                ("name".to_owned(), "logo.png".to_owned()),
                ("sha256".to_owned(), a.sha256.clone())
            ]
        );
        assert_eq!(a.kind, AssetKind::Png);
        assert_eq!(a.size, samples::PNG.len() as u64);
        assert_eq!(a.file, format!("{}.png", a.sha256));
        assert_eq!(
            parse_file(&a.file),
            Some((a.sha256.as_str(), AssetKind::Png))
        );
        let again = check_upload("other-name.png", Some("IMAGE/PNG; x=1"), samples::PNG).unwrap();
        assert_eq!(again.file, a.file, "same bytes, same file");
    }

    #[test]
    fn bytes_must_be_the_declared_type() {
        let html = b"<!doctype html><script>alert(1)</script>";
        let e = check_upload("logo.png", Some("image/png"), html).unwrap_err();
        assert_eq!(
            e,
            AssetError::TypeMismatch {
                declared: AssetKind::Png,
                found: None
            }
        );
        assert_eq!((e.status(), e.code()), (422, "asset_type_mismatch"));
        let e = check_upload("logo.gif", Some("image/gif"), samples::PNG).unwrap_err();
        assert_eq!(
            e,
            AssetError::TypeMismatch {
                declared: AssetKind::Gif,
                found: Some(AssetKind::Png)
            }
        );
        assert!(e.to_string().contains("image/png"));
        assert!(check_upload("a.gif", Some("image/gif"), samples::GIF).is_ok());
        assert!(check_upload("favicon.ico", Some("image/x-icon"), samples::ICO).is_ok());
        assert_eq!(
            check_upload("x.png", Some("image/png"), b""),
            Err(AssetError::Empty)
        );
    }

    #[test]
    fn svg_html_and_unknown_types_are_refused_with_415() {
        for (ct, code) in [
            ("image/svg+xml", "svg_refused"),
            ("text/html", "unsupported_media_type"),
            ("application/octet-stream", "unsupported_media_type"),
            ("", "unsupported_media_type"),
        ] {
            let e = check_upload("x.png", Some(ct), samples::PNG).unwrap_err();
            assert_eq!((e.status(), e.code()), (415, code), "{ct}");
        }
        let e = check_upload("x.png", None, samples::PNG).unwrap_err();
        assert_eq!(e, AssetError::NoContentType);
    }

    #[test]
    fn a_name_naming_another_type_is_refused() {
        for name in ["logo.gif", "logo.svg", "page.html", "x.jpeg"] {
            let e = check_upload(name, Some("image/png"), samples::PNG).unwrap_err();
            assert_eq!(e.code(), "asset_type_mismatch", "{name}");
        }
        assert!(check_upload("logo", Some("image/png"), samples::PNG).is_ok());
        assert!(check_upload("logo.PNG", Some("image/png"), samples::PNG).is_ok());
    }

    #[test]
    fn names_are_short_plain_and_cannot_climb() {
        let long = "a".repeat(MAX_NAME_LEN);
        assert!(check_name(&long).is_ok());
        assert!(check_name(&format!("{long}a")).is_err());
        for bad in [
            "", ".hidden", "../x", "a/b", "a..b", "a b", "é.png", "a%2fb", "a\0", "-x",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_hash_named_files_of_known_types_are_served() {
        let h = "a".repeat(64);
        assert_eq!(
            parse_file(&format!("{h}.woff2")),
            Some((h.as_str(), AssetKind::Woff2))
        );
        for bad in [
            format!("{h}.svg"),
            format!("{h}.png.png"),
            format!("{}.png", "A".repeat(64)),
            format!("{}.png", "a".repeat(63)),
            "logo.png".to_owned(),
            h.clone(),
        ] {
            assert_eq!(parse_file(&bad), None, "{bad}");
        }
    }

    #[test]
    fn if_none_match_compares_strong_tags() {
        let h = "ab".repeat(32);
        assert!(not_modified(Some(&format!("\"{h}\"")), &h));
        assert!(not_modified(Some(&format!("\"x\", W/\"{h}\"")), &h));
        assert!(not_modified(Some("*"), &h));
        assert!(!not_modified(Some("\"other\""), &h));
        assert!(!not_modified(None, &h));
    }
}
