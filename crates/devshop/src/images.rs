//! `GET /images/{shop}/{name}.svg`: a small generated SVG placeholder for every catalog image,
//! so storefront pages render offline. The colour comes from the name; the label is escaped.

use std::hash::Hasher;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::catalog::Fnv1a;
use crate::control;
use crate::html::escape;
use crate::server::AppState;

pub async fn handle(
    State(app): State<Arc<AppState>>,
    Path((shop, file)): Path<(String, String)>,
) -> Response {
    let Some(name) = file.strip_suffix(".svg") else {
        return control::not_found().await;
    };
    let valid = !name.is_empty()
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid || app.catalog.shop(&shop).is_none() {
        return control::not_found().await;
    }
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        svg(&shop, name),
    )
        .into_response()
}

/// An 800×800 placeholder: a coloured background, a circle and the image name.
pub fn svg(shop: &str, name: &str) -> String {
    let mut hasher = Fnv1a::default();
    hasher.write(shop.as_bytes());
    hasher.write(name.as_bytes());
    let h = hasher.finish();
    let hue = h % 360;
    let accent = (hue + 150) % 360;
    let label = escape(&name.replace(['-', '_'], " "));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"800\" viewBox=\"0 0 800 800\" role=\"img\" aria-label=\"{label}\">\
<rect width=\"800\" height=\"800\" fill=\"hsl({hue},45%,82%)\"/>\
<circle cx=\"400\" cy=\"360\" r=\"{r}\" fill=\"hsl({accent},50%,60%)\"/>\
<text x=\"400\" y=\"700\" font-family=\"sans-serif\" font-size=\"36\" text-anchor=\"middle\" fill=\"#333\">{label}</text>\
</svg>",
        r = 120 + (h >> 16) % 120,
    )
}
