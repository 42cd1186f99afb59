//! The frame `templates/base.html` draws around every page: head, preview bar, announcement,
//! header (logo), flash, footer, the theme's custom properties and (on storefront pages) its
//! custom CSS.

use crate::chrome::Chrome;
use crate::links::Links;
use crate::seo::Head;
use crate::theme::declarations;

/// The longest `lang` value taken as is (BCP 47 tags are short).
const MAX_LANG_LEN: usize = 35;

pub(crate) struct Frame<'a> {
    pub chrome: &'a Chrome,
    pub links: Links,
    pub head: Head,
    /// The theme's custom properties for `<html style>`.
    pub theme_style: String,
    pub lang: &'a str,
    /// `<link rel="icon">`: the theme's favicon or `{base}favicon.ico`.
    pub favicon: String,
    /// The header logo's URL, if the theme has one (its `alt` is the store name).
    pub logo: Option<String>,
    /// The announcement bar's text (escaped like all owner text).
    pub announcement: Option<&'a str>,
    /// The theme's custom CSS, scoped and sanitized; storefront pages only.
    pub custom_css: Option<ScopedCss>,
    /// `noindex` for this page: the head's, or any preview.
    pub noindex: bool,
}

/// Custom CSS as it goes into a `<style>` element: built only from
/// [`wandstore_theme::CustomCss::for_base`], whose output is re-serialized from the parse tree
/// and never contains `<`, so it cannot close the element. The one value of owner origin the
/// templates write unescaped (HTML escaping would corrupt CSS and is not decoded in `<style>`).
pub(crate) struct ScopedCss(String);

impl ScopedCss {
    fn new(css: String) -> Option<ScopedCss> {
        (!css.trim().is_empty() && !css.contains('<')).then_some(ScopedCss(css))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'a> Frame<'a> {
    /// The frame of a platform page (errors): the theme's tokens, no custom CSS.
    pub fn new(chrome: &'a Chrome, head: Head) -> Frame<'a> {
        let lang = chrome.lang.as_str();
        let lang_ok = !lang.is_empty()
            && lang.len() <= MAX_LANG_LEN
            && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let links = Links::new(&chrome.home_path);
        let theme = &chrome.theme;
        let favicon = match &theme.favicon {
            Some(file) if chrome.is_store && wandstore_theme::is_hashed_file(file) => {
                links.asset(file)
            }
            _ => links.default_favicon(),
        };
        let logo = theme
            .logo
            .as_deref()
            .filter(|file| chrome.is_store && wandstore_theme::is_hashed_file(file))
            .map(|file| links.asset(file));
        let announcement = theme
            .announcement
            .as_deref()
            .filter(|text| chrome.is_store && !text.trim().is_empty());
        let noindex = head.noindex || chrome.preview;
        Frame {
            chrome,
            theme_style: declarations(theme),
            lang: if lang_ok { lang } else { "en" },
            favicon,
            logo,
            announcement,
            custom_css: None,
            noindex,
            links,
            head,
        }
    }

    /// The frame of a storefront page (home, collection, product, search, cart): as
    /// [`Frame::new`], plus the theme's custom CSS for this store's base.
    pub fn storefront(chrome: &'a Chrome, head: Head) -> Frame<'a> {
        let mut frame = Frame::new(chrome, head);
        if chrome.is_store {
            frame.custom_css = chrome
                .theme
                .custom_css
                .as_ref()
                .and_then(|css| ScopedCss::new(css.for_base(frame.links.home())));
        }
        frame
    }
}
