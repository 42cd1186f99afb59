//! Registering the demo stores with a running stack, backed by its devshop.

use std::time::Duration;
use ureq::Agent;
use wandstore_core::store::demo_stores;

/// Creates each demo store through the admin API, or, if it already exists (a restarted
/// stack on old state), points it at this devshop with this run's token.
pub fn register_demo_stores(
    base_url: &str,
    admin_token: &str,
    devshop_url: &str,
    token_for: impl Fn(&str) -> String,
) -> Result<(), String> {
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let auth = format!("Bearer {admin_token}");
    for store in demo_stores() {
        let slug = store.slug.as_str();
        let shopify = serde_json::json!({
            "domain": devshop_url,
            "storefront_token": token_for(slug),
            "token_kind": "private",
        });
        let create = serde_json::json!({
            "slug": slug,
            "display_name": store.display_name,
            "currency": store.currency,
            "shopify": shopify,
        });
        let mut resp = agent
            .post(format!("{base_url}/admin/stores"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .send(create.to_string())
            .map_err(|e| format!("registering {slug}: {e}"))?;
        let status = resp.status().as_u16();
        if status == 201 {
            continue;
        }
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        if status == 401 {
            return Err(format!(
                "registering {slug}: {base_url} refused this stack's ADMIN_TOKEN (401 {body}). \
                 Is another WandStore, or another program, listening on that port?"
            ));
        }
        if status != 409 {
            return Err(format!("registering {slug}: {status} {body}"));
        }
        let patch = serde_json::json!({ "shopify": shopify });
        let mut resp = agent
            .patch(format!("{base_url}/admin/stores/{slug}"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .send(patch.to_string())
            .map_err(|e| format!("updating {slug}: {e}"))?;
        if resp.status().as_u16() != 200 {
            let body = resp.body_mut().read_to_string().unwrap_or_default();
            return Err(format!("updating {slug}: {} {body}", resp.status()));
        }
    }
    Ok(())
}
