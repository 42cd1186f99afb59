//! Encrypting the one secret a backup holds, the Shopify storefront token.
//!
//! The key is derived with HKDF-SHA256 from a platform secret string (a `wrangler secret`,
//! e.g. `BACKUP_SECRET`); the cipher is XChaCha20-Poly1305 (24-byte nonce, so random nonces are
//! safe). The store slug is the associated data: a token sealed for store A does not open as
//! store B's.
//!
//! Nonces are the caller's: pass 24 fresh bytes from the runtime's CSPRNG
//! (`crypto.getRandomValues`) for every [`BackupKey::seal`]. Reusing a nonce under one key
//! breaks the cipher's confidentiality for both messages; this crate cannot check it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;

/// The shortest secret string accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 32;
/// Bytes of nonce [`BackupKey::seal`] needs.
pub const NONCE_LEN: usize = 24;

const HKDF_SALT: &[u8] = b"wandstore-backup";
const HKDF_INFO: &[u8] = b"storefront-token v1";
const ALGORITHM: &str = "xchacha20poly1305";

/// The key that seals and opens storefront tokens in backups. Its `Debug` never prints it.
#[derive(Clone)]
pub struct BackupKey {
    key: [u8; 32],
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(..)")
    }
}

/// Why a key or a sealed value could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// The secret string is shorter than [`MIN_SECRET_LEN`] bytes (its length).
    WeakSecret(usize),
    /// The sealed value names an algorithm this version does not know.
    UnknownAlgorithm(String),
    /// The nonce or ciphertext is not valid base64, or the nonce has the wrong length.
    Malformed,
    /// Authentication failed: another key (a rotated secret), another store, or tampering.
    Unauthentic,
    /// The opened bytes are not UTF-8.
    NotText,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::WeakSecret(n) => write!(
                f,
                "the backup secret has {n} bytes; at least {MIN_SECRET_LEN} are needed"
            ),
            CryptoError::UnknownAlgorithm(a) => write!(f, "unknown encryption algorithm {a:?}"),
            CryptoError::Malformed => f.write_str("the encrypted token is malformed"),
            CryptoError::Unauthentic => f.write_str(
                "the encrypted token does not open with this key and store (another backup \
                 secret, another store, or tampering)",
            ),
            CryptoError::NotText => f.write_str("the decrypted token is not text"),
        }
    }
}

/// An encrypted string as it appears in a backup line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// Always `"xchacha20poly1305"` for now.
    pub alg: String,
    /// Base64 of the 24-byte nonce.
    pub nonce: String,
    /// Base64 of the ciphertext with its 16-byte tag.
    pub ciphertext: String,
}

impl BackupKey {
    /// Derives the key from the platform's backup secret (at least [`MIN_SECRET_LEN`] bytes).
    pub fn derive(secret: &str) -> Result<BackupKey, CryptoError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(CryptoError::WeakSecret(secret.len()));
        }
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), secret.as_bytes());
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit of 8160, so expand cannot fail.
        hk.expand(HKDF_INFO, &mut key)
            .map_err(|_| CryptoError::WeakSecret(secret.len()))?;
        Ok(BackupKey { key })
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.key.into())
    }

    /// Encrypts `plain` for `store` with a nonce the caller drew from a CSPRNG (never reuse one).
    pub fn seal(&self, plain: &str, store: &str, nonce: [u8; NONCE_LEN]) -> Sealed {
        let xnonce = XNonce::from(nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: store.as_bytes(),
        };
        // XChaCha20-Poly1305 only fails for messages beyond 256 GiB; a token never is.
        let ciphertext = self.cipher().encrypt(&xnonce, payload).unwrap_or_default();
        Sealed {
            alg: ALGORITHM.to_owned(),
            nonce: B64.encode(nonce),
            ciphertext: B64.encode(ciphertext),
        }
    }

    /// Decrypts a value sealed for `store` with this key.
    pub fn open(&self, sealed: &Sealed, store: &str) -> Result<String, CryptoError> {
        if sealed.alg != ALGORITHM {
            return Err(CryptoError::UnknownAlgorithm(sealed.alg.clone()));
        }
        let nonce: [u8; NONCE_LEN] = B64
            .decode(&sealed.nonce)
            .map_err(|_| CryptoError::Malformed)?
            .try_into()
            .map_err(|_| CryptoError::Malformed)?;
        let ciphertext = B64
            .decode(&sealed.ciphertext)
            .map_err(|_| CryptoError::Malformed)?;
        let payload = Payload {
            msg: &ciphertext,
            aad: store.as_bytes(),
        };
        let plain = self
            .cipher()
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| CryptoError::Unauthentic)?;
        String::from_utf8(plain).map_err(|_| CryptoError::NotText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef-backup";

    fn key() -> BackupKey {
        BackupKey::derive(SECRET).expect("strong secret")
    }

    #[test]
    fn a_sealed_token_opens_with_the_same_key_and_store() {
        let sealed = key().seal("shpat_secret", "outlet", [7; NONCE_LEN]);
        assert_eq!(key().open(&sealed, "outlet"), Ok("shpat_secret".to_owned()));
        assert!(!sealed.ciphertext.contains("shpat"));
        assert_ne!(
            B64.decode(&sealed.ciphertext).ok(),
            Some(b"shpat_secret".to_vec())
        );
    }

    #[test]
    fn a_key_prints_nothing_of_itself() {
        let printed = format!("{:?}", key());
        assert_eq!(printed, "BackupKey(..)");
        let in_result = format!("{:?}", crate::store_io::IoResult::<String>::Key(key()));
        assert_eq!(in_result, "Key(BackupKey(..))");
    }

    #[test]
    fn another_secret_or_another_store_does_not_open_it() {
        let sealed = key().seal("shpat_secret", "outlet", [7; NONCE_LEN]);
        let other = BackupKey::derive("another secret that is long enough!!").expect("strong");
        assert_eq!(other.open(&sealed, "outlet"), Err(CryptoError::Unauthentic));
        assert_eq!(key().open(&sealed, "demo"), Err(CryptoError::Unauthentic));
    }

    #[test]
    fn a_changed_byte_of_ciphertext_or_nonce_is_refused() {
        let sealed = key().seal("shpat_secret", "outlet", [1; NONCE_LEN]);
        let mut bytes = B64.decode(&sealed.ciphertext).expect("base64");
        bytes[0] ^= 1;
        let tampered = Sealed {
            ciphertext: B64.encode(&bytes),
            ..sealed.clone()
        };
        assert_eq!(
            key().open(&tampered, "outlet"),
            Err(CryptoError::Unauthentic)
        );
        let other_nonce = Sealed {
            nonce: B64.encode([2u8; NONCE_LEN]),
            ..sealed.clone()
        };
        assert_eq!(
            key().open(&other_nonce, "outlet"),
            Err(CryptoError::Unauthentic)
        );
    }

    #[test]
    fn malformed_values_and_unknown_algorithms_are_refused_without_panicking() {
        let sealed = key().seal("t", "outlet", [3; NONCE_LEN]);
        let short_nonce = Sealed {
            nonce: B64.encode([0u8; 12]),
            ..sealed.clone()
        };
        assert_eq!(
            key().open(&short_nonce, "outlet"),
            Err(CryptoError::Malformed)
        );
        let not_b64 = Sealed {
            ciphertext: "%%%".into(),
            ..sealed.clone()
        };
        assert_eq!(key().open(&not_b64, "outlet"), Err(CryptoError::Malformed));
        let empty = Sealed {
            ciphertext: String::new(),
            ..sealed.clone()
        };
        assert_eq!(key().open(&empty, "outlet"), Err(CryptoError::Unauthentic));
        let alg = Sealed {
            alg: "rot13".into(),
            ..sealed
        };
        assert_eq!(
            key().open(&alg, "outlet"),
            Err(CryptoError::UnknownAlgorithm("rot13".into()))
        );
    }

    #[test]
    fn distinct_nonces_give_distinct_ciphertexts_and_the_caller_owns_uniqueness() {
        let a = key().seal("same", "outlet", [1; NONCE_LEN]);
        let b = key().seal("same", "outlet", [2; NONCE_LEN]);
        assert_ne!(a.ciphertext, b.ciphertext);
        // The same nonce gives the same ciphertext: this is why nonces must never repeat.
        let c = key().seal("same", "outlet", [1; NONCE_LEN]);
        assert_eq!(a, c);
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(matches!(
            BackupKey::derive("short"),
            Err(CryptoError::WeakSecret(5))
        ));
    }
}
