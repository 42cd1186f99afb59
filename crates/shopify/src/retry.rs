//! When to try a failed Storefront request again: [`RetryPolicy`] is the one policy of
//! `wandstore_core::guarded`, and a [`ShopifyError`] says what it is through
//! [`UpstreamFailure`].

use crate::error::ShopifyError;
pub use wandstore_core::guarded::RetryPolicy;
use wandstore_core::guarded::UpstreamFailure;

impl UpstreamFailure for ShopifyError {
    fn is_retryable(&self) -> bool {
        ShopifyError::is_retryable(self)
    }

    fn trips_breaker(&self) -> bool {
        ShopifyError::trips_breaker(self)
    }

    fn retry_after_ms(&self) -> Option<u64> {
        ShopifyError::retry_after_ms(self)
    }

    fn kind(&self) -> &'static str {
        self.code()
    }
}
