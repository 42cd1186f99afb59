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
            publish_demo_theme(&agent, base_url, &auth, slug)?;
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
        publish_demo_theme(&agent, base_url, &auth, slug)?;
    }
    Ok(())
}

/// The store the demo theme is published on, so a new user sees theming at work.
pub const THEMED_DEMO_STORE: &str = "outlet";

/// A fresh owner token for [`THEMED_DEMO_STORE`] (rotated with the admin token), so that
/// `cargo xtask dev` can tell a new user how to sign in to the owner console. Owner tokens
/// are only ever shown once; rotating is how a local stack on old state gets one to show.
pub fn demo_owner_token(base_url: &str, admin_token: &str) -> Result<String, String> {
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let slug = THEMED_DEMO_STORE;
    let mut resp = agent
        .post(format!("{base_url}/admin/stores/{slug}/owner-token/rotate"))
        .header("authorization", &format!("Bearer {admin_token}"))
        .send_empty()
        .map_err(|e| format!("rotating {slug}'s owner token: {e}"))?;
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    if resp.status().as_u16() != 200 {
        return Err(format!(
            "rotating {slug}'s owner token: {} {body}",
            resp.status()
        ));
    }
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    answer["owner_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("rotating {slug}'s owner token: no token in {body}"))
}

/// Publishes `wandstore_theme::OUTLET_DEMO` on [`THEMED_DEMO_STORE`] unless it already has
/// a published theme (an owner's changes on a restarted stack are kept).
fn publish_demo_theme(agent: &Agent, base_url: &str, auth: &str, slug: &str) -> Result<(), String> {
    if slug != THEMED_DEMO_STORE {
        return Ok(());
    }
    let theme_url = format!("{base_url}/admin/stores/{slug}/theme");
    let mut resp = agent
        .get(&theme_url)
        .header("authorization", auth)
        .call()
        .map_err(|e| format!("reading {slug}'s theme: {e}"))?;
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    let current: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    if resp.status().as_u16() != 200 {
        return Err(format!("reading {slug}'s theme: {} {body}", resp.status()));
    }
    if !current["published"].is_null() {
        return Ok(());
    }
    let mut resp = agent
        .put(format!("{theme_url}/draft"))
        .header("authorization", auth)
        .header("content-type", "application/json")
        .send(wandstore_theme::OUTLET_DEMO)
        .map_err(|e| format!("saving {slug}'s demo theme: {e}"))?;
    if resp.status().as_u16() != 200 {
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        return Err(format!(
            "saving {slug}'s demo theme: {} {body}",
            resp.status()
        ));
    }
    let mut resp = agent
        .post(format!("{theme_url}/publish"))
        .header("authorization", auth)
        .send_empty()
        .map_err(|e| format!("publishing {slug}'s demo theme: {e}"))?;
    if resp.status().as_u16() != 200 {
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        return Err(format!(
            "publishing {slug}'s demo theme: {} {body}",
            resp.status()
        ));
    }
    Ok(())
}
