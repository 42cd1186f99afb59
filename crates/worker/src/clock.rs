//! The runtime's clock, read in one place: the pure crates take time as an argument.

/// Milliseconds since the Unix epoch (in a Worker, the time of the last I/O).
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}
