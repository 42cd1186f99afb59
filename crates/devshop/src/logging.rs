//! One line per request on stderr (`devshop POST /api/2025-07/graphql.json 200 3ms`), unless
//! quiet. Paths only: query strings and headers (tokens) are never logged.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::faults::DropConnection;
use crate::server::AppState;

pub async fn log_requests(
    State(app): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if app.quiet {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let outcome = if response.extensions().get::<DropConnection>().is_some() {
        "dropped".to_string()
    } else {
        response.status().as_u16().to_string()
    };
    eprintln!(
        "devshop {method} {path} {outcome} {}ms",
        started.elapsed().as_millis()
    );
    response
}
