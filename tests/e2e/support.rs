//! Shared test vocabulary.

/// A test against the shared stack, given its base URL.
pub type Test = fn(&str);
