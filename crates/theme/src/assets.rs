//! The store's uploaded assets as the validator sees them: name → content-hashed file.
//! A theme may name an asset either way; the stored theme always holds the hashed file name,
//! so a stored theme never changes meaning when an asset of the same name is replaced.

use std::collections::BTreeMap;

/// An uploaded asset's stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFile {
    /// `<sha256 hex>.<ext>`, e.g. `9f86…08.png`; served at `{base}assets/{file}`.
    pub file: String,
    /// The type it was uploaded (and checked) as, e.g. `image/png`.
    pub content_type: String,
}

/// The store's assets by name, built from the store's asset table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetIndex {
    by_name: BTreeMap<String, AssetFile>,
}

impl AssetIndex {
    pub fn new() -> AssetIndex {
        AssetIndex::default()
    }

    /// Adds (or replaces) an asset under its name.
    pub fn insert(&mut self, name: &str, file: AssetFile) {
        self.by_name.insert(name.to_owned(), file);
    }

    /// An asset by its name or its hashed file name. Files that are not well-formed hashed
    /// names are never returned, so whatever this answers is safe in a URL path.
    pub fn resolve(&self, reference: &str) -> Option<&AssetFile> {
        let found = self
            .by_name
            .get(reference)
            .or_else(|| self.by_name.values().find(|a| a.file == reference))?;
        is_hashed_file(&found.file).then_some(found)
    }
}

/// How the validator resolves asset references.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Assets<'a> {
    /// A draft: names or hashed files of the store's current assets.
    Index(&'a AssetIndex),
    /// A stored theme: already hashed file names, taken when well-formed.
    Stored,
}

/// What a reference resolves to: the hashed file and whether it is an image.
pub(crate) struct Resolved {
    pub file: String,
    pub is_image: bool,
}

impl Assets<'_> {
    pub fn resolve(&self, reference: &str) -> Option<Resolved> {
        match self {
            Assets::Index(index) => index.resolve(reference).map(|a| Resolved {
                file: a.file.clone(),
                is_image: a.content_type.starts_with("image/"),
            }),
            Assets::Stored => is_hashed_file(reference).then(|| Resolved {
                file: reference.to_owned(),
                is_image: !reference.ends_with(".woff2"),
            }),
        }
    }
}

/// True for `<64 lowercase hex>.<1–5 lowercase letters or digits>`.
pub fn is_hashed_file(file: &str) -> bool {
    let Some((hash, ext)) = file.split_once('.') else {
        return false;
    };
    hash.len() == 64
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (1..=5).contains(&ext.len())
        && ext
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(c: char) -> String {
        std::iter::repeat_n(c, 64).collect()
    }

    #[test]
    fn resolves_by_name_or_file_and_only_well_formed_files() {
        let mut index = AssetIndex::new();
        let logo = format!("{}.png", hash('a'));
        index.insert(
            "logo.png",
            AssetFile {
                file: logo.clone(),
                content_type: "image/png".to_owned(),
            },
        );
        index.insert(
            "bad",
            AssetFile {
                file: "../../etc/passwd".to_owned(),
                content_type: "image/png".to_owned(),
            },
        );
        assert_eq!(index.resolve("logo.png").map(|a| &a.file), Some(&logo));
        assert_eq!(index.resolve(&logo).map(|a| &a.file), Some(&logo));
        assert!(index.resolve("bad").is_none());
        assert!(index.resolve("LOGO.png").is_none());
        assert!(index.resolve("").is_none());
    }

    #[test]
    fn hashed_file_shape() {
        assert!(is_hashed_file(&format!("{}.webp", hash('0'))));
        assert!(!is_hashed_file(&format!("{}.png", hash('A'))));
        assert!(!is_hashed_file(&format!("{}.p/g", hash('a'))));
        assert!(!is_hashed_file(&format!("{}.png.html", hash('a'))));
        assert!(!is_hashed_file(&format!("{}a.png", hash('a'))));
        assert!(!is_hashed_file("a.png"));
    }
}
