//! The runtime's clock, read in one place: the pure crates take time as an argument.

/// Milliseconds since the Unix epoch (in a Worker, the time of the last I/O). One call into
/// JavaScript (`Date.now()`), where `worker::Date::now()` makes a `Date` and then asks it.
pub fn now_ms() -> u64 {
    // A float of whole milliseconds; `as` saturates (a clock before 1970 reads 0).
    worker::js_sys::Date::now() as u64
}
