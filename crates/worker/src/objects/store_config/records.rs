//! The store record: read, compare-and-set write, delete.

use super::{Inner, schema};
use crate::{internal, respond, sql};
use serde::Deserialize;
use wandstore_core::store::StoreSlug;
use wandstore_registry::StoreRecord;
use worker::{Request, Response, Result};

#[derive(Deserialize)]
struct RecordRow {
    json: String,
}

fn not_found(store: &StoreSlug, rid: &str) -> Response {
    respond::json_error(
        404,
        "store_not_found",
        &format!("there is no store named {store}"),
        rid,
    )
}

impl Inner {
    /// The stored record, if the store exists.
    pub fn load_record(&self) -> Result<Option<StoreRecord>> {
        if let Some(r) = self.record.borrow().as_ref() {
            return Ok(Some(r.clone()));
        }
        let rows: Vec<RecordRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT json FROM record WHERE id = 1", None)?
            .to_array()?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let record = StoreRecord::from_storage_json(&row.json)
            .map_err(|e| worker::Error::RustError(format!("stored record is unreadable: {e}")))?;
        *self.record.borrow_mut() = Some(record.clone());
        Ok(Some(record))
    }
}

/// `GET /settings`: what pages need.
pub fn settings(inner: &Inner, store: &StoreSlug, rid: &str) -> Result<Response> {
    Ok(match inner.load_record()? {
        Some(r) => respond::json(200, &r.settings()),
        None => not_found(store, rid),
    })
}

/// `GET /record`: the whole record, for the platform admin API only.
pub fn get(inner: &Inner, store: &StoreSlug, rid: &str) -> Result<Response> {
    Ok(match inner.load_record()? {
        Some(r) => respond::bytes(200, "application/json", r.to_storage_json().into_bytes()),
        None => not_found(store, rid),
    })
}

/// `PUT /record`: writes the record if the stored version is the expected one (0: create).
pub async fn put(
    inner: &Inner,
    mut req: Request,
    store: &StoreSlug,
    rid: &str,
) -> Result<Response> {
    let expected: u64 = req
        .headers()
        .get(internal::IF_VERSION)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body = req.text().await?;
    let record = StoreRecord::from_storage_json(&body)
        .map_err(|e| worker::Error::RustError(format!("bad record: {e}")))?;
    if &record.slug != store {
        return Ok(respond::json_error(
            400,
            "bad_internal_request",
            "record is for another store",
            rid,
        ));
    }
    let current = inner.load_record()?.map_or(0, |r| r.updated_at_ms);
    if current != expected {
        return Ok(respond::json_error(
            409,
            if expected == 0 {
                "store_exists"
            } else {
                "version_conflict"
            },
            "the store changed meanwhile; read it again and retry",
            rid,
        ));
    }
    inner.state.storage().sql().exec(
        "INSERT INTO record (id, json, version) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, version = excluded.version",
        vec![
            record.to_storage_json().into(),
            sql::int(record.updated_at_ms)?,
        ],
    )?;
    *inner.record.borrow_mut() = Some(record);
    Ok(respond::bytes(
        if expected == 0 { 201 } else { 200 },
        "text/plain",
        Vec::new(),
    ))
}

/// `DELETE /record`: forgets everything the store's object holds.
pub async fn delete(inner: &Inner, store: &StoreSlug, rid: &str) -> Result<Response> {
    let existed = inner.load_record()?.is_some();
    inner.state.storage().delete_all().await?;
    *inner.record.borrow_mut() = None;
    *inner.catalog.borrow_mut() = None;
    inner.migrated.set(false);
    schema::ensure(inner)?;
    Ok(if existed {
        respond::bytes(204, "text/plain", Vec::new())
    } else {
        not_found(store, rid)
    })
}
