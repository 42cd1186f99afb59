//! How an object starts answering a typed question (its schema current, the question read, a
//! 400 for one it cannot read) and sends its reply.

use crate::internal;
use crate::sql::{Db, Migration};
use serde::de::DeserializeOwned;
use wandstore_protocol::wire::Question;
use worker::{Request, Response, State};

/// The question posted to the object, once its schema is current; `Err`: the 400 for a
/// question it cannot read (a bug in the asker, logged there).
pub async fn question<E: DeserializeOwned>(
    req: &Request,
    db: &Db,
    state: &State,
    migrations: &'static [Migration],
) -> worker::Result<Result<E, Response>> {
    db.ensure_schema(state, migrations)?;
    let read = internal::read_question(req).await?;
    Ok(read.map_err(|e| internal::unreadable(&e)))
}

/// The reply to `_q`, typed by the question it answers.
pub fn answer<Q: Question>(_q: &Q, result: Result<Q::Answer, Q::Error>) -> Response {
    internal::reply::<Q>(&result)
}

/// A reply already encoded (`wandstore_protocol::wire::encode_reply`).
pub fn encoded(body: String) -> Response {
    crate::respond::bytes(200, "application/json", body.into_bytes())
}
