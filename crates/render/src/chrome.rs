//! What every page shows around its content: header, flash message, footer, theme.

use std::sync::Arc;
use wandstore_core::store::StoreSettings;
use wandstore_theme::Theme;

/// The frame of a page: store name, links, cart count, theme, and the request id shown for
/// support. Build it with [`Chrome::for_store`] or [`Chrome::platform`], then the `with_*`
/// methods.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub store_name: String,
    pub currency: String,
    /// Where "home" is for this shopper: `/` or `/s/{store}/`. Every link is built from it.
    pub home_path: String,
    pub request_id: String,
    /// False for pages with no store behind them (no cart, no search).
    pub is_store: bool,
    /// Items in the shopper's cart, shown in the header.
    pub cart_count: u32,
    /// The store's theme (tokens, layouts, custom CSS); shared, since it comes from a cached
    /// store snapshot.
    pub theme: Arc<Theme>,
    /// A preview of an unpublished theme: a visible "Preview — not published" bar, `noindex`,
    /// and no checkout.
    pub preview: bool,
    /// The CSP nonce of the live-preview refresh script; the script is only written on a
    /// preview page that has one.
    pub live_nonce: Option<String>,
    /// The absolute URL of the store's root as search engines should see it, e.g.
    /// `https://acme.wandstore.dev` (a path is allowed: `https://wandstore.dev/s/acme`).
    /// Canonical and Open Graph URLs are built from it; without one they are left out.
    pub canonical_base: String,
    /// The page's `lang`.
    pub lang: String,
    /// A one-off message from the previous action ("Added to cart").
    pub flash: Option<Flash>,
}

/// A message about what just happened, shown once at the top of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    /// Plain text; escaped like everything else.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

impl Flash {
    pub fn success(message: &str) -> Flash {
        Flash {
            kind: FlashKind::Success,
            message: message.to_owned(),
        }
    }

    pub fn info(message: &str) -> Flash {
        Flash {
            kind: FlashKind::Info,
            message: message.to_owned(),
        }
    }

    pub fn error(message: &str) -> Flash {
        Flash {
            kind: FlashKind::Error,
            message: message.to_owned(),
        }
    }

    /// Errors interrupt screen readers (`role="alert"`); other kinds wait (`role="status"`).
    pub(crate) fn is_error(&self) -> bool {
        self.kind == FlashKind::Error
    }

    pub(crate) fn class(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash flash-success",
            FlashKind::Info => "flash flash-info",
            FlashKind::Error => "flash flash-error",
        }
    }
}

impl Chrome {
    pub fn for_store(store: &StoreSettings, home_path: &str, request_id: &str) -> Self {
        Chrome {
            store_name: store.display_name.clone(),
            currency: store.currency.as_str().to_owned(),
            home_path: home_path.to_owned(),
            request_id: request_id.to_owned(),
            is_store: true,
            cart_count: 0,
            theme: Theme::shared_default(),
            preview: false,
            live_nonce: None,
            canonical_base: String::new(),
            lang: "en".to_owned(),
            flash: None,
        }
    }

    /// The frame for pages that have no store to show (e.g. an unknown store).
    pub fn platform(request_id: &str) -> Self {
        Chrome {
            store_name: "WandStore".to_owned(),
            currency: String::new(),
            home_path: "/".to_owned(),
            request_id: request_id.to_owned(),
            is_store: false,
            cart_count: 0,
            theme: Theme::shared_default(),
            preview: false,
            live_nonce: None,
            canonical_base: String::new(),
            lang: "en".to_owned(),
            flash: None,
        }
    }

    pub fn with_cart_count(mut self, count: u32) -> Self {
        self.cart_count = count;
        self
    }

    /// Renders with `theme` (a `Theme` or an `Arc<Theme>`).
    pub fn with_theme(mut self, theme: impl Into<Arc<Theme>>) -> Self {
        self.theme = theme.into();
        self
    }

    /// Marks the page as a preview of an unpublished theme (see [`Chrome::preview`]).
    pub fn with_preview(mut self) -> Self {
        self.preview = true;
        self
    }

    /// Adds the live-preview refresh: a small script (allowed by this CSP nonce) that keeps a
    /// WebSocket to `{home}live` and re-renders the page when the draft changes. The page
    /// works the same without it.
    pub fn with_live_refresh(mut self, nonce: &str) -> Self {
        let plain = !nonce.is_empty()
            && nonce.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'=')
            });
        if plain {
            self.live_nonce = Some(nonce.to_owned());
        }
        self
    }

    pub fn with_canonical_base(mut self, base: &str) -> Self {
        base.clone_into(&mut self.canonical_base);
        self
    }

    pub fn with_flash(mut self, flash: Flash) -> Self {
        self.flash = Some(flash);
        self
    }
}
