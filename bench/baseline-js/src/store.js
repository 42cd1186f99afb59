// StoreConfig: one object per store. Owns the store's record (settings and upstream
// connection) and its catalog cache (SQLite, indexed in memory), and answers the catalog
// questions shopper objects ask, always from memory.

import { DurableObject } from "cloudflare:workers";
import { CatalogIndex, parseListingQuery } from "./catalog.js";
import { Meter, ROWS_HEADER, json, jsonError, migrate } from "./sql.js";
import { fullSync } from "./sync.js";

const MIGRATIONS = [
  [
    "CREATE TABLE record (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, version INTEGER NOT NULL)",
    "CREATE TABLE products (position INTEGER PRIMARY KEY, handle TEXT NOT NULL UNIQUE, json TEXT NOT NULL)",
    "CREATE TABLE collections (position INTEGER PRIMARY KEY, handle TEXT NOT NULL UNIQUE, json TEXT NOT NULL)",
    `CREATE TABLE catalog_meta (id INTEGER PRIMARY KEY CHECK (id = 1), synced_at_ms INTEGER,
      truncated INTEGER NOT NULL DEFAULT 0, last_error TEXT, last_error_at_ms INTEGER, breaker TEXT)`,
    "INSERT INTO catalog_meta (id) VALUES (1)",
  ],
];

const FEATURED_COLLECTIONS = 6;
const RECOMMENDATIONS = 8;

export class StoreConfig extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.migrated = false;
    this.record = undefined; // loaded once: this object is the record's only writer
    this.index = null;
    this.syncedAtMs = null;
    this.syncing = null;
    this.served = 0;
    this.startedAtMs = Date.now();
  }

  async fetch(request) {
    const rid = request.headers.get("x-request-id") || "";
    const m = new Meter(this.ctx.storage.sql);
    const url = new URL(request.url);
    let resp;
    try {
      if (!this.migrated) {
        migrate(this.ctx.storage, MIGRATIONS, m);
        this.migrated = true;
      }
      resp = await this.route(request, url, m, rid);
    } catch (e) {
      resp = jsonError(500, "internal", String(e && e.message ? e.message : e), rid);
    }
    resp.headers.set(ROWS_HEADER, m.header());
    return resp;
  }

  async route(request, url, m, rid) {
    const path = url.pathname;
    if (path === "/metrics") {
      return json(200, { requests_served: this.served, since_ms: this.startedAtMs });
    }
    this.served += 1;
    const method = request.method;
    if (path === "/settings" && method === "GET") {
      const r = this.loadRecord(m);
      return r
        ? json(200, { slug: r.slug, display_name: r.display_name, currency: r.currency })
        : jsonError(404, "store_not_found", "there is no such store", rid);
    }
    if (path === "/record" && method === "PUT") return this.putRecord(await request.json(), m);
    if (path === "/catalog/sync" && method === "POST") {
      try {
        return json(200, await this.sync(m));
      } catch (e) {
        return jsonError(503, "catalog_unavailable", String(e.message || e), rid);
      }
    }
    if (path.startsWith("/catalog/") && method === "GET") return this.catalog(path, url.searchParams, m, rid);
    return jsonError(404, "not_found", "no such StoreConfig route", rid);
  }

  loadRecord(m) {
    if (this.record === undefined) {
      const row = m.all("SELECT json FROM record WHERE id = 1")[0];
      this.record = row ? JSON.parse(row.json) : null;
    }
    return this.record;
  }

  putRecord(body, m) {
    const ok = (s) => typeof s === "string" && s.length > 0;
    if (!ok(body.slug) || !ok(body.display_name) || !/^[A-Z]{3}$/.test(body.currency || "") ||
      !body.shopify || !ok(body.shopify.domain) || !ok(body.shopify.storefront_token)) {
      return jsonError(422, "invalid", "slug, display_name, currency and shopify.{domain,storefront_token} are required", "");
    }
    const record = {
      slug: body.slug,
      display_name: body.display_name,
      currency: body.currency,
      shopify: { domain: body.shopify.domain, api_version: body.shopify.api_version || "2025-07", storefront_token: body.shopify.storefront_token },
    };
    m.all(
      "INSERT INTO record (id, json, version) VALUES (1, ?, 1) ON CONFLICT (id) DO UPDATE SET json = excluded.json, version = version + 1",
      JSON.stringify(record),
    );
    this.record = record;
    return json(200, { slug: record.slug, display_name: record.display_name, currency: record.currency });
  }

  /** The index: from memory, else from SQLite; null before the first sync. */
  loadIndex(m) {
    if (this.index) return this.index;
    const meta = m.all("SELECT synced_at_ms FROM catalog_meta WHERE id = 1")[0];
    if (!meta || meta.synced_at_ms === null) return null;
    const products = m.all("SELECT json FROM products ORDER BY position").map((r) => JSON.parse(r.json));
    const collections = m.all("SELECT json FROM collections ORDER BY position").map((r) => JSON.parse(r.json));
    this.index = new CatalogIndex(products, collections);
    this.syncedAtMs = meta.synced_at_ms;
    return this.index;
  }

  /** One sync at a time; everyone who asks meanwhile waits for the same one. */
  sync(m) {
    if (!this.syncing) {
      this.syncing = this.runSync(m).finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  async runSync(m) {
    const record = this.loadRecord(m);
    if (!record) throw new Error("there is no such store");
    const started = Date.now();
    const { products, collections, truncated, skipped } = await fullSync(record.shopify);
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      m.all("DELETE FROM products");
      m.all("DELETE FROM collections");
      products.forEach((p, i) => m.all("INSERT OR IGNORE INTO products (position, handle, json) VALUES (?, ?, ?)", i, p.handle, JSON.stringify(p)));
      collections.forEach((c, i) => m.all("INSERT OR IGNORE INTO collections (position, handle, json) VALUES (?, ?, ?)", i, c.handle, JSON.stringify(c)));
      m.all(
        "UPDATE catalog_meta SET synced_at_ms = ?, truncated = ?, last_error = NULL, last_error_at_ms = NULL WHERE id = 1",
        now,
        truncated ? 1 : 0,
      );
    });
    this.index = new CatalogIndex(products, collections);
    this.syncedAtMs = now;
    return { products: this.index.productCount, collections: collections.length, truncated, skipped, duration_ms: now - started };
  }

  async catalog(path, params, m, rid) {
    let index = this.loadIndex(m);
    let cache = "fresh";
    if (!index) {
      try {
        await this.sync(m);
      } catch (e) {
        return jsonError(503, "catalog_unavailable", `the catalog cannot be loaded right now: ${e.message || e}`, rid);
      }
      index = this.index;
      cache = "miss";
    }
    let q;
    try {
      q = parseListingQuery(params);
    } catch (e) {
      return jsonError(400, "bad_query", e.message, rid);
    }
    const resp = this.answer(index, path, params, q, rid);
    resp.headers.set("x-wandstore-cache", cache);
    return resp;
  }

  answer(index, path, params, q, rid) {
    const listingError = (l) =>
      l.error === "unknown_collection"
        ? jsonError(404, "collection_not_found", "no such collection", rid)
        : jsonError(404, "page_not_found", `this listing has ${l.total_pages} page(s)`, rid, { total_pages: l.total_pages });
    switch (path) {
      case "/catalog/home":
        // Only what the home page shows: its featured collections.
        return json(200, { featured: index.featuredCollections(FEATURED_COLLECTIONS) });
      case "/catalog/collection": {
        const handle = params.get("handle") || "";
        let collection;
        let listing;
        if (handle === "all") {
          collection = { handle: "all", title: "All products", description: "", image: null, product_count: index.productCount };
          listing = index.allProducts(q.sort, q.page, q.size);
        } else {
          collection = index.collection(handle);
          listing = collection ? index.collectionProducts(handle, q.sort, q.page, q.size) : { error: "unknown_collection" };
        }
        return listing.error ? listingError(listing) : json(200, { collection, listing });
      }
      case "/catalog/product": {
        const p = index.product(params.get("handle") || "");
        return p ? json(200, p) : jsonError(404, "product_not_found", "this store has no such product", rid);
      }
      case "/catalog/recommend": {
        const seen = (params.get("seen") || "").split(",").filter(Boolean).slice(0, 10);
        return json(200, index.recommend(seen, RECOMMENDATIONS));
      }
      case "/catalog/variants": {
        const ids = (params.get("ids") || "").split(",").filter(Boolean).slice(0, 100);
        return json(200, ids.map((id) => index.variant(id)).filter(Boolean));
      }
      default:
        return jsonError(404, "not_found", "no such catalog route", rid);
    }
  }
}
