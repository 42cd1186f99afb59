//! One line for a best-effort write that failed (`core::events::BestEffortFailed`): the
//! request or run goes on, and operators see what was skipped.

use wandstore_core::events::{BestEffort, BestEffortFailed, Event};

/// Logs that `what` failed for `store` (if it concerns one) with `error`, under request `rid`.
pub fn failed(what: BestEffort, store: Option<String>, error: impl ToString, rid: &str) {
    let event = BestEffortFailed {
        what,
        store,
        error: error.to_string(),
    };
    worker::console_log!("{}", event.line(crate::clock::now_ms(), rid));
}
