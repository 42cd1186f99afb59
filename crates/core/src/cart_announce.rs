//! When a shopper's object tells StoreConfig's index of shoppers with a cart (which backups
//! read) about its cart: only when the cart's emptiness differs from what the index last
//! heard from this object, and always once per object lifetime (what it heard before is not
//! known). The shell keeps `heard` in memory and does the telling.

/// Whether a cart write leaving the cart `non_empty` must be told, given what the index last
/// heard from this object (`None`: unknown, or the last telling failed).
pub fn must_tell(heard: Option<bool>, non_empty: bool) -> bool {
    heard != Some(non_empty)
}

/// What the index has heard after it read this cart for a backup: a cart found empty may be
/// dropped from the index, so the next non-empty cart is told again.
pub fn heard_after_read(heard: Option<bool>, found_empty: bool) -> Option<bool> {
    if found_empty { None } else { heard }
}

/// What the index has heard after this object told it the cart is `non_empty`: that, or
/// (the telling failed) nothing known, so the next cart write tells again.
pub fn heard_after_telling(non_empty: bool, told: bool) -> Option<bool> {
    told.then_some(non_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_change_of_emptiness_is_told() {
        assert!(must_tell(None, true), "first in this lifetime");
        assert!(must_tell(None, false), "an empty cart is told too");
        assert!(!must_tell(Some(true), true));
        assert!(must_tell(Some(true), false));
        assert!(must_tell(Some(false), true));
        assert!(!must_tell(Some(false), false));
    }

    #[test]
    fn a_backup_reading_an_empty_cart_forgets_what_was_heard() {
        assert_eq!(heard_after_read(Some(true), true), None);
        assert_eq!(heard_after_read(Some(false), true), None);
        assert_eq!(heard_after_read(Some(true), false), Some(true));
        assert_eq!(heard_after_read(None, false), None);
        assert!(must_tell(heard_after_read(Some(true), true), true));
    }

    #[test]
    fn a_failed_telling_is_told_again_on_the_next_write() {
        assert_eq!(heard_after_telling(true, true), Some(true));
        assert_eq!(heard_after_telling(false, true), Some(false));
        for non_empty in [true, false] {
            let heard = heard_after_telling(non_empty, false);
            assert_eq!(heard, None);
            assert!(must_tell(heard, non_empty), "told again");
        }
        assert!(!must_tell(heard_after_telling(true, true), true));
    }
}
