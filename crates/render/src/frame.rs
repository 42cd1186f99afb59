//! The frame `templates/base.html` draws around every page: head, header, flash, footer.

use crate::chrome::Chrome;
use crate::links::Links;
use crate::seo::Head;

/// The longest `lang` value taken as is (BCP 47 tags are short).
const MAX_LANG_LEN: usize = 35;

pub(crate) struct Frame<'a> {
    pub chrome: &'a Chrome,
    pub links: Links,
    pub head: Head,
    /// The theme's custom properties for `<html style>`.
    pub theme_style: String,
    pub lang: &'a str,
}

impl<'a> Frame<'a> {
    pub fn new(chrome: &'a Chrome, head: Head) -> Frame<'a> {
        let lang = chrome.lang.as_str();
        let lang_ok = !lang.is_empty()
            && lang.len() <= MAX_LANG_LEN
            && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        Frame {
            chrome,
            links: Links::new(&chrome.home_path),
            head,
            theme_style: chrome.theme.declarations(),
            lang: if lang_ok { lang } else { "en" },
        }
    }
}
