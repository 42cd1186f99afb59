//! How a question crosses an object boundary: the caller serializes the question's envelope
//! (the object's enum of questions), the object answers `Result<Answer, Error>` as JSON.
//! Every question names its answer type, so a caller can only read the answer it asked for.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;

/// A question one object (or the Worker) asks another.
pub trait Question: Sized {
    /// The enum of every question the object answers.
    type Envelope: Serialize + DeserializeOwned;
    /// What the object answers when it can.
    type Answer: Serialize + DeserializeOwned;
    /// What it answers when it cannot.
    type Error: Serialize + DeserializeOwned;

    fn into_envelope(self) -> Self::Envelope;
}

/// Declares which questions an object answers: `questions!(Envelope, Error; Q => Variant ->
/// Answer; …)` implements [`Question`] for each `Q`, wrapped as `Envelope::Variant`.
macro_rules! questions {
    ($envelope:ident, $error:ty; $($q:ty => $variant:ident -> $answer:ty;)*) => {$(
        impl $crate::wire::Question for $q {
            type Envelope = $envelope;
            type Answer = $answer;
            type Error = $error;
            fn into_envelope(self) -> $envelope {
                $envelope::$variant(self)
            }
        }
    )*};
}
pub(crate) use questions;

/// The body of a question.
pub fn encode_question<Q: Question>(question: Q) -> Result<String, MalformedMessage> {
    serde_json::to_string(&question.into_envelope()).map_err(MalformedMessage::from)
}

/// Reads a question's envelope on the object's side.
pub fn decode_question<E: DeserializeOwned>(body: &[u8]) -> Result<E, MalformedMessage> {
    serde_json::from_slice(body).map_err(MalformedMessage::from)
}

/// The body of an answer (or refusal).
pub fn encode_reply<Q: Question>(reply: &Result<Q::Answer, Q::Error>) -> String {
    encode(reply)
}

/// The body of a refusal, whatever the question (a refusal's shape does not depend on the
/// answer's type).
pub fn encode_refusal<E: Serialize>(error: &E) -> String {
    encode(&Err::<(), &E>(error))
}

fn encode(reply: &impl Serialize) -> String {
    match serde_json::to_string(reply) {
        Ok(body) => body,
        // Only a map with non-string keys fails to serialize; none of the answers has one.
        Err(e) => format!(
            "{{\"Bad\":{}}}",
            serde_json::Value::String(format!("the answer did not serialize: {e}"))
        ),
    }
}

/// Reads an answer on the caller's side. A body that is not the answer this question expects
/// is an error to log, never a default value.
pub fn decode_reply<Q: Question>(
    body: &[u8],
) -> Result<Result<Q::Answer, Q::Error>, MalformedMessage> {
    serde_json::from_slice(body).map_err(MalformedMessage::from)
}

/// A reply's body as the asker reads it: any status but 200 is a broken call, and the start
/// of what came (200 characters at most) says why.
pub fn reply_body<E>(status: u16, body: String) -> Result<String, AskError<E>> {
    if status == 200 {
        return Ok(body);
    }
    let start: String = body.chars().take(200).collect();
    Err(AskError::Broken(format!(
        "the object answered {status}: {start}"
    )))
}

/// The typed answer of `Q` from the object's reply text, or why the call broke (the
/// call's failure, a refusal, or a reply that is not `Q`'s).
pub fn read_reply<Q: Question>(
    reply: Result<String, String>,
) -> Result<Q::Answer, AskError<Q::Error>> {
    let text = reply.map_err(AskError::Broken)?;
    decode_reply::<Q>(text.as_bytes())?.map_err(AskError::Refused)
}

/// A question or answer that does not parse as the type it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedMessage(pub String);

impl From<serde_json::Error> for MalformedMessage {
    fn from(e: serde_json::Error) -> Self {
        MalformedMessage(e.to_string())
    }
}

impl fmt::Display for MalformedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed internal message: {}", self.0)
    }
}

impl std::error::Error for MalformedMessage {}

/// Why a question got no answer: the object refused it (a typed refusal), or the call broke
/// (the object failed, or answered something that is not this question's answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskError<E> {
    Refused(E),
    Broken(String),
}

impl AskError<String> {
    /// Why the call failed, refused or broken alike.
    pub fn reason(self) -> String {
        match self {
            AskError::Refused(why) | AskError::Broken(why) => why,
        }
    }
}

impl<E> From<MalformedMessage> for AskError<E> {
    fn from(e: MalformedMessage) -> Self {
        AskError::Broken(e.to_string())
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
