//! What an AbuseGuard object answers: whether a client is banned, and a strike against it.

use crate::wire::questions;
use serde::{Deserialize, Serialize};
pub use wandstore_core::abuse::Quota;

/// Every question an AbuseGuard answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardQuestion {
    Check(CheckClient),
    Strike(StrikeClient),
    Count(CountHit),
}

/// A guard never refuses a question; a storage failure fails the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuardError {}

questions! {
    GuardQuestion, GuardError;
    CheckClient => Check -> Ban;
    StrikeClient => Strike -> Ban;
    CountHit => Count -> Quota;
}

/// One request against an exact limit: `limit` per `window_ms` for `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountHit {
    pub key: String,
    pub limit: u32,
    pub window_ms: u64,
}

/// Is this client banned now?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckClient {
    pub client: String,
}

/// This client went past a rate limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrikeClient {
    pub client: String,
}

/// The ban in force, if any (until then, ms since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    pub until_ms: Option<u64>,
}

impl From<GuardError> for crate::EdgeError {
    fn from(e: GuardError) -> Self {
        match e {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode_question, decode_reply, encode_question, encode_reply};

    #[test]
    fn strikes_cross_the_wire() {
        let body = encode_question(StrikeClient {
            client: "203.0.113.7".into(),
        })
        .unwrap();
        assert!(matches!(
            decode_question::<GuardQuestion>(body.as_bytes()).unwrap(),
            GuardQuestion::Strike(StrikeClient { ref client }) if client == "203.0.113.7"
        ));
        let ban: Result<Ban, GuardError> = Ok(Ban { until_ms: Some(9) });
        assert_eq!(
            decode_reply::<StrikeClient>(encode_reply::<StrikeClient>(&ban).as_bytes()),
            Ok(ban)
        );
    }
}
