//! StoreConfig: one object per store (`"{store}"`), owner of the store's settings.

use crate::{internal, respond, sql};
use serde::Deserialize;
use std::cell::Cell;
use wandstore_core::store::{StoreSettings, StoreSlug, demo_store};
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

const MIGRATIONS: &[sql::Migration] = &[&["CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        slug TEXT NOT NULL,
        display_name TEXT NOT NULL,
        currency TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    )"]];

#[durable_object]
pub struct StoreConfig {
    state: State,
    migrated: Cell<bool>,
}

#[derive(Deserialize)]
struct SettingsRow {
    slug: String,
    display_name: String,
    currency: String,
}

impl DurableObject for StoreConfig {
    fn new(state: State, _env: Env) -> Self {
        StoreConfig {
            state,
            migrated: Cell::new(false),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let request_id = req.headers().get(internal::REQUEST_ID)?.unwrap_or_default();
        let Some(store) = req
            .headers()
            .get(internal::STORE)?
            .and_then(|s| StoreSlug::parse(&s).ok())
        else {
            return Ok(respond::json_error(
                400,
                "bad_internal_request",
                "missing or invalid store header",
                &request_id,
            ));
        };
        self.ensure_schema()?;
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Get, internal::SETTINGS_PATH) => match self.settings(&store)? {
                Some(settings) => Ok(respond::json(200, &settings)),
                None => Ok(respond::json_error(
                    404,
                    "store_not_found",
                    &format!("there is no store named {store}"),
                    &request_id,
                )),
            },
            _ => Ok(respond::json_error(
                404,
                "not_found",
                "no such StoreConfig route",
                &request_id,
            )),
        }
    }
}

impl StoreConfig {
    fn ensure_schema(&self) -> Result<()> {
        if !self.migrated.get() {
            sql::migrate(&self.state, MIGRATIONS)?;
            self.migrated.set(true);
        }
        Ok(())
    }

    /// The stored settings; a demo store is seeded on first use.
    fn settings(&self, store: &StoreSlug) -> Result<Option<StoreSettings>> {
        let sql = self.state.storage().sql();
        let rows: Vec<SettingsRow> = sql
            .exec(
                "SELECT slug, display_name, currency FROM settings WHERE id = 1",
                None,
            )?
            .to_array()?;
        if let Some(row) = rows.into_iter().next() {
            let slug = StoreSlug::parse(&row.slug)
                .map_err(|e| worker::Error::RustError(format!("stored slug is invalid: {e}")))?;
            return Ok(Some(StoreSettings {
                slug,
                display_name: row.display_name,
                currency: row.currency,
            }));
        }
        let Some(seed) = demo_store(store) else {
            return Ok(None);
        };
        sql.exec(
            "INSERT INTO settings (id, slug, display_name, currency, updated_at) VALUES (1, ?, ?, ?, ?)",
            vec![
                seed.slug.as_str().into(),
                seed.display_name.as_str().into(),
                seed.currency.as_str().into(),
                worker::SqlStorageValue::try_from_i64(
                    i64::try_from(worker::Date::now().as_millis()).unwrap_or(i64::MAX),
                )?,
            ],
        )?;
        Ok(Some(seed))
    }
}
