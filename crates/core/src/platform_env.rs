//! The platform's settings from the Worker's environment (secrets and `[vars]`), read once
//! per isolate from whatever the shell looks names up in: an isolate runs one deployment
//! version, and a new secret or var is a new version.

use crate::console::SignInLimit;
use crate::identity::{CookieSigner, MIN_SECRET_LEN, WeakSecret};
use std::rc::Rc;

/// The shortest admin token accepted; a shorter one leaves the admin API disabled.
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

/// What the platform's own routes need of the environment.
pub struct PlatformEnv {
    /// Signs shopper and console cookies (`SHOPPER_COOKIE_SECRET`, with
    /// `SHOPPER_COOKIE_SECRET_PREVIOUS` still accepted while it is rotated out), or why the
    /// deployment cannot sign cookies safely.
    pub signer: Result<Rc<CookieSigner>, WeakSecret>,
    /// Signs CSRF tokens: the cookie secret (domain-separated inside `core::csrf`); `None`
    /// if it is missing or too short.
    pub csrf: Option<Vec<u8>>,
    /// The platform admin token (`ADMIN_TOKEN`); `None` (admin API disabled) when missing
    /// or shorter than [`MIN_ADMIN_TOKEN_LEN`].
    pub admin_token: Option<String>,
    /// `BASE_DOMAIN`: stores answer at `{slug}.{BASE_DOMAIN}`.
    pub base_domain: String,
    /// Local development (`ENVIRONMENT = "development"`).
    pub development: bool,
    /// The owner console's sign-in limit (`CONSOLE_SIGN_IN_LIMIT`, see `SignInLimit::from_var`).
    pub sign_in_limit: SignInLimit,
}

impl PlatformEnv {
    /// Reads the settings through `var` (a secret or a plain var of that name; empty values
    /// count as missing).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> PlatformEnv {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        let current = var("SHOPPER_COOKIE_SECRET").unwrap_or_default();
        let previous = var("SHOPPER_COOKIE_SECRET_PREVIOUS");
        let previous: Vec<&[u8]> = previous.iter().map(|s| s.as_bytes()).collect();
        let signer = CookieSigner::new(current.as_bytes(), &previous).map(Rc::new);
        PlatformEnv {
            signer,
            csrf: Some(current.into_bytes()).filter(|s| s.len() >= MIN_SECRET_LEN),
            admin_token: var("ADMIN_TOKEN").filter(|t| t.len() >= MIN_ADMIN_TOKEN_LEN),
            base_domain: var("BASE_DOMAIN").unwrap_or_default(),
            development: var("ENVIRONMENT").as_deref() == Some("development"),
            sign_in_limit: SignInLimit::from_var(var("CONSOLE_SIGN_IN_LIMIT").as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &'static [(&'static str, &'static str)]) -> PlatformEnv {
        PlatformEnv::from_vars(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    const STRONG: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn an_empty_environment_has_no_keys_and_no_admin() {
        let env = read(&[]);
        assert!(env.signer.is_err());
        assert_eq!(env.csrf, None);
        assert_eq!(env.admin_token, None);
        assert_eq!(env.base_domain, "");
        assert!(!env.development);
        assert_eq!(env.sign_in_limit, SignInLimit::from_var(None));
    }

    #[test]
    fn the_console_sign_in_limit_is_read_once_with_the_rest() {
        let env = read(&[("CONSOLE_SIGN_IN_LIMIT", "3")]);
        assert_eq!(env.sign_in_limit.attempts, 3);
        let refused: [&'static [(&str, &str)]; 4] = [
            &[("CONSOLE_SIGN_IN_LIMIT", "0")],
            &[("CONSOLE_SIGN_IN_LIMIT", "1001")],
            &[("CONSOLE_SIGN_IN_LIMIT", "three")],
            &[("CONSOLE_SIGN_IN_LIMIT", "")],
        ];
        for pairs in refused {
            let attempts = read(pairs).sign_in_limit.attempts;
            assert_eq!(attempts, crate::console::SIGN_IN_ATTEMPTS, "{pairs:?}");
        }
    }

    #[test]
    fn a_strong_cookie_secret_signs_and_keys_csrf() {
        let env = read(&[("SHOPPER_COOKIE_SECRET", STRONG)]);
        assert!(env.signer.is_ok());
        assert_eq!(env.csrf.as_deref(), Some(STRONG.as_bytes()));
    }

    #[test]
    fn a_weak_cookie_secret_is_refused_for_both() {
        let env = read(&[("SHOPPER_COOKIE_SECRET", "short")]);
        assert!(env.signer.is_err());
        assert_eq!(env.csrf, None);
    }

    #[test]
    fn a_weak_previous_secret_is_refused_too() {
        let env = read(&[
            ("SHOPPER_COOKIE_SECRET", STRONG),
            ("SHOPPER_COOKIE_SECRET_PREVIOUS", "short"),
        ]);
        assert!(env.signer.is_err());
    }

    #[test]
    fn an_empty_previous_secret_counts_as_missing() {
        let env = read(&[
            ("SHOPPER_COOKIE_SECRET", STRONG),
            ("SHOPPER_COOKIE_SECRET_PREVIOUS", ""),
        ]);
        assert!(env.signer.is_ok());
    }

    #[test]
    fn an_admin_token_needs_32_bytes() {
        const SHORT: &str = "0123456789abcdef0123456789abcde";
        assert_eq!(read(&[("ADMIN_TOKEN", SHORT)]).admin_token, None);
        let env = read(&[("ADMIN_TOKEN", STRONG)]);
        assert_eq!(env.admin_token.as_deref(), Some(STRONG));
    }

    #[test]
    fn only_development_is_development() {
        assert!(read(&[("ENVIRONMENT", "development")]).development);
        assert!(!read(&[("ENVIRONMENT", "production")]).development);
        assert!(!read(&[("ENVIRONMENT", "Development")]).development);
    }

    #[test]
    fn the_base_domain_is_read_as_given() {
        let env = read(&[("BASE_DOMAIN", "shops.example")]);
        assert_eq!(env.base_domain, "shops.example");
    }
}
