//! The owner API's theme routes: draft, publish, versions, rollback and preview links.

use crate::admin::Caller;
use wandstore_core::routes::AdminRoute;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use worker::{Env, Request, Response};

/// Runs a theme route for a caller already checked to own `store`.
pub async fn handle(
    _req: Request,
    _env: &Env,
    route: AdminRoute<'_>,
    _store: &StoreSlug,
    _caller: &Caller,
    _rid: &str,
) -> Result<Response, EdgeError> {
    Err(EdgeError::internal(format!("{route:?} is not wired yet")))
}
