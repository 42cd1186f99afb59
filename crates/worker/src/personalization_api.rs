//! The owner's personalization routes under `/admin/stores/{slug}/personalization`: the
//! settings (`GET`/`PUT …/settings`, validated, 422 with every refused field) and the report
//! (`GET`: calls, cache hits, failures by kind, tokens, budget left, CTR and add-to-cart
//! rate per source). Reached through `owner_api` (admin or the store's owner token).

use crate::admin::now_ms;
use crate::objects::store_client;
use crate::{body, respond};
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::limits::{self, BodyKind};
use wandstore_core::routes::AdminRoute;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::personalization::{
    GetPersonalization, PutPersonalization, ShowPersonalization,
};
use worker::{Env, Request, Response};

pub async fn handle(
    mut req: Request,
    env: &Env,
    route: AdminRoute<'_>,
    store: &StoreSlug,
    rid: &str,
) -> Result<Response, EdgeError> {
    match route {
        AdminRoute::PersonalizationReport(_) => {
            let q = ShowPersonalization { now_ms: now_ms() };
            let report = store_client::ask(env, store, q, rid).await?;
            Ok(respond::json(200, &report))
        }
        AdminRoute::PersonalizationSettings(_) => {
            let settings = store_client::ask(env, store, GetPersonalization, rid).await?;
            Ok(respond::json(200, &settings))
        }
        AdminRoute::PutPersonalizationSettings(_) => {
            let content_type = req.headers().get("content-type").ok().flatten();
            limits::require_json(content_type.as_deref())?;
            let bytes = body::read_limited(&mut req, BodyKind::AdminJson).await?;
            let settings = PersonalizationSettings::from_body(&bytes)?;
            let put = PutPersonalization { settings };
            let stored = store_client::ask(env, store, put, rid).await?;
            Ok(respond::json(200, &stored))
        }
        other => Err(EdgeError::internal(format!(
            "{other:?} is not a personalization route"
        ))),
    }
}
