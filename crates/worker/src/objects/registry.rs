//! StoreRegistry: the one object (`"registry"`) that knows every store slug and custom
//! domain, so slugs and domains stay unique and a custom domain can be routed.

use crate::{internal, respond, sql};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

/// The registry's object name.
pub const NAME: &str = "registry";

const MIGRATIONS: &[sql::Migration] = &[&[
    "CREATE TABLE stores (
        slug TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        currency TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
    )",
    "CREATE TABLE domains (host TEXT PRIMARY KEY, slug TEXT NOT NULL)",
    "CREATE INDEX domains_by_slug ON domains (slug)",
]];

/// A store as the registry lists it (nothing secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub slug: String,
    pub display_name: String,
    pub currency: String,
    pub custom_domains: Vec<String>,
    pub updated_at_ms: u64,
}

/// `POST /reserve` and `PUT /entry`: claim or update a slug and its domains.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub slug: String,
    pub display_name: String,
    pub currency: String,
    pub custom_domains: Vec<String>,
    pub updated_at_ms: u64,
}

#[derive(Deserialize)]
struct Row {
    slug: String,
    display_name: String,
    currency: String,
    updated_at_ms: u64,
}

#[derive(Deserialize)]
struct DomainRow {
    host: String,
    slug: String,
}

#[durable_object]
pub struct StoreRegistry {
    state: State,
    migrated: Cell<bool>,
}

impl DurableObject for StoreRegistry {
    fn new(state: State, _env: Env) -> Self {
        StoreRegistry {
            state,
            migrated: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if !self.migrated.get() {
            sql::migrate(&self.state, MIGRATIONS)?;
            self.migrated.set(true);
        }
        let rid = req.headers().get(internal::REQUEST_ID)?.unwrap_or_default();
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Get, "/stores") => Ok(respond::json(200, &self.list()?)),
            (Method::Get, "/lookup") => {
                let host = req.headers().get(internal::HOST)?.unwrap_or_default();
                match self.lookup(&host)? {
                    Some(slug) => Ok(respond::json(200, &serde_json::json!({ "slug": slug }))),
                    None => Ok(respond::json_error(
                        404,
                        "unknown_domain",
                        "no store has this domain",
                        &rid,
                    )),
                }
            }
            (Method::Post, "/reserve") => {
                let entry: Entry = req.json().await?;
                self.write(entry, true, &rid)
            }
            (Method::Put, "/entry") => {
                let entry: Entry = req.json().await?;
                self.write(entry, false, &rid)
            }
            (Method::Delete, p) if p.starts_with("/stores/") => {
                let slug = p.trim_start_matches("/stores/").to_owned();
                let sql = self.state.storage().sql();
                let known = !sql
                    .exec(
                        "SELECT slug FROM stores WHERE slug = ?",
                        vec![slug.as_str().into()],
                    )?
                    .to_array::<serde_json::Value>()?
                    .is_empty();
                let s = sql.clone();
                let slug_for_tx = slug.clone();
                sql::transaction(&self.state, move || {
                    s.exec(
                        "DELETE FROM domains WHERE slug = ?",
                        vec![slug_for_tx.as_str().into()],
                    )?;
                    s.exec(
                        "DELETE FROM stores WHERE slug = ?",
                        vec![slug_for_tx.as_str().into()],
                    )?;
                    Ok(())
                })?;
                if known {
                    Ok(respond::bytes(204, "text/plain", Vec::new()))
                } else {
                    Ok(respond::json_error(
                        404,
                        "store_not_found",
                        &format!("there is no store named {slug}"),
                        &rid,
                    ))
                }
            }
            _ => Ok(respond::json_error(
                404,
                "not_found",
                "no such registry route",
                &rid,
            )),
        }
    }
}

impl StoreRegistry {
    fn list(&self) -> Result<Vec<Summary>> {
        let sql = self.state.storage().sql();
        let rows: Vec<Row> = sql
            .exec(
                "SELECT slug, display_name, currency, updated_at_ms FROM stores ORDER BY slug",
                None,
            )?
            .to_array()?;
        let domains: Vec<DomainRow> = sql
            .exec("SELECT host, slug FROM domains ORDER BY host", None)?
            .to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| Summary {
                custom_domains: domains
                    .iter()
                    .filter(|d| d.slug == r.slug)
                    .map(|d| d.host.clone())
                    .collect(),
                slug: r.slug,
                display_name: r.display_name,
                currency: r.currency,
                updated_at_ms: r.updated_at_ms,
            })
            .collect())
    }

    fn lookup(&self, host: &str) -> Result<Option<String>> {
        let rows: Vec<DomainRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT host, slug FROM domains WHERE host = ?",
                vec![host.into()],
            )?
            .to_array()?;
        Ok(rows.into_iter().next().map(|r| r.slug))
    }

    /// Claims (`create`) or updates a slug with its domains, atomically; 409 if the slug is
    /// taken (create) or missing (update), or a domain belongs to another store.
    fn write(&self, entry: Entry, create: bool, rid: &str) -> Result<Response> {
        let sql = self.state.storage().sql();
        let exists = !sql
            .exec(
                "SELECT slug FROM stores WHERE slug = ?",
                vec![entry.slug.as_str().into()],
            )?
            .to_array::<serde_json::Value>()?
            .is_empty();
        if create && exists {
            return Ok(respond::json_error(
                409,
                "slug_taken",
                &format!("a store named {} already exists", entry.slug),
                rid,
            ));
        }
        if !create && !exists {
            return Ok(respond::json_error(
                404,
                "store_not_found",
                &format!("there is no store named {}", entry.slug),
                rid,
            ));
        }
        for host in &entry.custom_domains {
            if self.lookup(host)?.is_some_and(|owner| owner != entry.slug) {
                return Ok(respond::json_error(
                    409,
                    "domain_taken",
                    &format!("{host} already belongs to another store"),
                    rid,
                ));
            }
        }
        let s = sql.clone();
        let e = entry.clone();
        sql::transaction(&self.state, move || {
            s.exec(
                "INSERT INTO stores (slug, display_name, currency, updated_at_ms) VALUES (?, ?, ?, ?)
                 ON CONFLICT (slug) DO UPDATE SET display_name = excluded.display_name,
                   currency = excluded.currency, updated_at_ms = excluded.updated_at_ms",
                vec![
                    e.slug.as_str().into(),
                    e.display_name.as_str().into(),
                    e.currency.as_str().into(),
                    sql::int(e.updated_at_ms)?,
                ],
            )?;
            s.exec(
                "DELETE FROM domains WHERE slug = ?",
                vec![e.slug.as_str().into()],
            )?;
            for host in &e.custom_domains {
                s.exec(
                    "INSERT INTO domains (host, slug) VALUES (?, ?)",
                    vec![host.as_str().into(), e.slug.as_str().into()],
                )?;
            }
            Ok(())
        })?;
        Ok(respond::json(if create { 201 } else { 200 }, &entry))
    }
}
