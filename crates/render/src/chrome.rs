//! What every page shows around its content.

use wandstore_core::store::StoreSettings;

/// The frame of a page: store name, links, and the request id shown for support.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub store_name: String,
    pub currency: String,
    /// Where "home" is for this shopper: `/` or `/s/{store}/`.
    pub home_path: String,
    pub request_id: String,
}

impl Chrome {
    pub fn for_store(store: &StoreSettings, home_path: &str, request_id: &str) -> Self {
        Chrome {
            store_name: store.display_name.clone(),
            currency: store.currency.clone(),
            home_path: home_path.to_owned(),
            request_id: request_id.to_owned(),
        }
    }

    /// The frame for pages that have no store to show (e.g. an unknown store).
    pub fn platform(request_id: &str) -> Self {
        Chrome {
            store_name: "WandStore".to_owned(),
            currency: String::new(),
            home_path: "/".to_owned(),
            request_id: request_id.to_owned(),
        }
    }
}
