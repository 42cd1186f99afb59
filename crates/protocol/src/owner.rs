//! What StoreConfig answers about what a store's owner manages: who the owner is (their
//! token's hash or a console session's fingerprint), rotating the token, and the store's
//! uploaded assets. Theme questions live in [`crate::theme`]. These are variants of
//! [`crate::store::StoreQuestion`]: one object per store answers them all.

use crate::store::StoreError;
use serde::{Deserialize, Serialize};
use wandstore_core::asset::{self, CheckedAsset};
use wandstore_core::store::StoreSlug;

/// How a caller claims to be the store's owner. The Worker hashes the token; the object
/// compares in constant time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerCredential {
    /// The SHA-256 (hex) of the bearer token presented.
    TokenHash(String),
    /// A console session's fingerprint of the token it was made with.
    SessionFingerprint(String),
}

impl OwnerCredential {
    /// Whether it is the credential of the owner whose token hashes to `stored_hash`
    /// (constant-time).
    pub fn matches(&self, stored_hash: &str) -> bool {
        use wandstore_core::owner_access::{fingerprint_matches, hash_matches};
        match self {
            OwnerCredential::TokenHash(h) => hash_matches(h, stored_hash),
            OwnerCredential::SessionFingerprint(fp) => fingerprint_matches(fp, stored_hash),
        }
    }
}

/// Does this credential belong to the store's owner? Answers `()` or `StoreError::Forbidden`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOwner {
    pub credential: OwnerCredential,
}

/// Replace the owner token's hash: the old token (and every console session made with it)
/// stops working at once. The Worker makes the token and shows it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateOwnerToken {
    pub new_token_hash: String,
    pub now_ms: u64,
}

/// An upload's bytes to write to R2 ASSETS before the store lists it: under its key, with its
/// checked type and digest.
#[derive(Debug, Clone, PartialEq)]
pub struct PutAsset {
    pub key: String,
    pub checked: CheckedAsset,
    pub bytes: Vec<u8>,
}

impl PutAsset {
    /// `store`'s checked upload, under `{store}/assets/{file}`.
    pub fn of(store: &StoreSlug, checked: CheckedAsset, bytes: Vec<u8>) -> PutAsset {
        let key = asset::r2_key(store.as_str(), &checked.file);
        PutAsset {
            key,
            checked,
            bytes,
        }
    }
}

/// An uploaded file as the store lists it. The bytes are in R2 ASSETS under
/// `{store}/assets/{file}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetInfo {
    /// The owner's name for it (`logo.png`).
    pub name: String,
    /// `{sha256}.{ext}`: the stored and served file.
    pub file: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub created_at_ms: u64,
}

impl AssetInfo {
    /// How a checked upload is listed, uploaded at `now_ms`.
    pub fn from_checked(checked: &CheckedAsset, now_ms: u64) -> Self {
        AssetInfo {
            name: checked.name.clone(),
            file: checked.file.clone(),
            content_type: checked.kind.content_type().to_owned(),
            size: checked.size,
            sha256: checked.sha256.clone(),
            created_at_ms: now_ms,
        }
    }
}

/// Record an upload whose bytes are already in R2 (a name uploaded again points at the new
/// file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordAsset {
    pub asset: AssetInfo,
}

/// Every asset of the store, by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAssets;

/// Forget an asset by name; refused (`Conflict`) while the published theme uses its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteAsset {
    pub name: String,
}

impl DeleteAsset {
    /// What deleting this name from `assets` does: refused while `published_uses` its file
    /// (`asset_in_use`, 409) or when no asset has the name (`asset_not_found`, 404);
    /// otherwise the file, and whether no other name points at it.
    pub fn plan(
        &self,
        assets: &[AssetInfo],
        published_uses: impl Fn(&str) -> bool,
    ) -> Result<DeletedAsset, StoreError> {
        let name = &self.name;
        let asset = assets
            .iter()
            .find(|a| &a.name == name)
            .ok_or_else(|| StoreError::Missing {
                code: "asset_not_found".into(),
                message: format!("the store has no asset named {name:?}"),
            })?;
        if published_uses(&asset.file) {
            return Err(StoreError::Conflict {
                code: "asset_in_use".into(),
                message: format!(
                    "the published theme uses {name:?}; publish a theme without it first"
                ),
            });
        }
        Ok(DeletedAsset {
            unreferenced: !assets
                .iter()
                .any(|a| &a.name != name && a.file == asset.file),
            file: asset.file.clone(),
        })
    }
}

/// What a delete did: the file, and whether no other name still points at it (then the
/// Worker deletes the bytes from R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedAsset {
    pub file: String,
    pub unreferenced: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreQuestion;
    use crate::wire::{decode_question, decode_reply, encode_question, encode_reply};

    #[test]
    fn owner_questions_cross_as_their_variants() {
        let body = encode_question(CheckOwner {
            credential: OwnerCredential::TokenHash("ab".into()),
        })
        .unwrap();
        let q: StoreQuestion = decode_question(body.as_bytes()).unwrap();
        assert!(matches!(q, StoreQuestion::CheckOwner(_)), "{q:?}");
        let reply: Result<(), StoreError> = Err(StoreError::Forbidden);
        let back = decode_reply::<CheckOwner>(encode_reply::<CheckOwner>(&reply).as_bytes());
        assert_eq!(back.unwrap(), Err(StoreError::Forbidden));
    }

    fn asset(name: &str, file: &str) -> AssetInfo {
        AssetInfo {
            name: name.into(),
            file: file.into(),
            content_type: "image/png".into(),
            size: 1,
            sha256: "a".repeat(64),
            created_at_ms: 0,
        }
    }

    #[test]
    fn an_asset_in_use_or_unknown_is_not_deleted() {
        let assets = [
            asset("logo.png", "a.png"),
            asset("copy.png", "a.png"),
            asset("hero.png", "b.png"),
        ];
        let delete = |name: &str| DeleteAsset { name: name.into() };
        let in_use = delete("logo.png")
            .plan(&assets, |f| f == "a.png")
            .unwrap_err();
        assert!(
            matches!(&in_use, StoreError::Conflict { code, .. } if code == "asset_in_use"),
            "{in_use:?}"
        );
        for unknown in ["", "LOGO.PNG", "logo.png ", "../logo.png", "other.png"] {
            let e = delete(unknown).plan(&assets, |_| false).unwrap_err();
            assert!(
                matches!(&e, StoreError::Missing { code, .. } if code == "asset_not_found"),
                "{unknown}: {e:?}"
            );
        }
        // Unknown before in use: nothing is revealed about files by a wrong name.
        assert!(matches!(
            delete("nope").plan(&assets, |_| true),
            Err(StoreError::Missing { .. })
        ));
    }

    #[test]
    fn a_credential_matches_only_its_own_owner_token() {
        use wandstore_core::owner_access::fingerprint;
        use wandstore_core::secret::hash_token;
        let stored = hash_token("wso_owner");
        let other = hash_token("wso_other");
        assert!(OwnerCredential::TokenHash(stored.clone()).matches(&stored));
        assert!(!OwnerCredential::TokenHash(other.clone()).matches(&stored));
        assert!(!OwnerCredential::TokenHash(String::new()).matches(&stored));
        assert!(OwnerCredential::SessionFingerprint(fingerprint(&stored)).matches(&stored));
        assert!(!OwnerCredential::SessionFingerprint(fingerprint(&other)).matches(&stored));
        // A whole hash is not a fingerprint, nor a fingerprint a hash.
        assert!(!OwnerCredential::SessionFingerprint(stored.clone()).matches(&stored));
        assert!(!OwnerCredential::TokenHash(fingerprint(&stored)).matches(&stored));
    }

    #[test]
    fn an_upload_is_listed_under_its_name_and_hashed_file() {
        use wandstore_core::asset::{check_upload, samples};
        let checked = check_upload("logo.png", Some("image/png"), samples::PNG).unwrap();
        let info = AssetInfo::from_checked(&checked, 42);
        assert_eq!(info.name, "logo.png");
        assert_eq!(info.file, format!("{}.png", checked.sha256));
        assert_eq!(info.content_type, "image/png");
        assert_eq!(
            (info.size, info.created_at_ms),
            (samples::PNG.len() as u64, 42)
        );
        assert_eq!(info.sha256, checked.sha256);
    }

    #[test]
    fn the_bytes_go_only_when_no_other_name_points_at_them() {
        let assets = [
            asset("logo.png", "a.png"),
            asset("copy.png", "a.png"),
            asset("hero.png", "b.png"),
        ];
        let plan = |name: &str| {
            DeleteAsset { name: name.into() }
                .plan(&assets, |_| false)
                .unwrap()
        };
        assert_eq!(
            plan("logo.png"),
            DeletedAsset {
                file: "a.png".into(),
                unreferenced: false
            }
        );
        assert_eq!(
            plan("hero.png"),
            DeletedAsset {
                file: "b.png".into(),
                unreferenced: true
            }
        );
    }
}
