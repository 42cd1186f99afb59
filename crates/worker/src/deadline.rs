//! Running a future within a time limit: the runtime's timer raced against it.

use futures::FutureExt;
use std::future::Future;
use std::time::Duration;
use worker::Delay;

/// `what`'s answer if it came within `ms` milliseconds, else `None` (it is dropped).
pub async fn within<T>(ms: u64, what: impl Future<Output = T>) -> Option<T> {
    let timeout = Delay::from(Duration::from_millis(ms));
    futures::select! {
        r = Box::pin(what).fuse() => Some(r),
        _ = timeout.fuse() => None,
    }
}
