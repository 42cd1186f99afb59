// ShopperStorefront: one object per shopper per store (`"{store}/{shopper}"`). Owns the
// shopper's SQLite (page views, cart lines, events) and renders their pages from the store's
// catalog, which it keeps in memory for 5 s per question (like WandStore's SNAPSHOT_TTL_MS),
// so a busy store is not one hot object.

import { DurableObject } from "cloudflare:workers";
import { CartError, apply, cartJson, parseCommand, variantInfo } from "./cart.js";
import { parseListingQuery } from "./catalog.js";
import { issueCsrf } from "./crypto.js";
import { collectionPage, errorPage, homePage, productPage } from "./render.js";
import { sanitize } from "./sanitize.js";
import { Meter, json, jsonError, migrate } from "./sql.js";

/** Rows read, rows written and object-to-object calls of one request, passed up to the entry. */
export const STATS_HEADER = "x-baseline-stats";
export const CACHE_HEADER = "x-wandstore-cache";

const TTL_MS = 5_000;
const MAX_ENTRIES = 64;
const MAX_EVENTS = 500;

const MIGRATIONS = [
  ["CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"],
  [
    "CREATE TABLE cart_lines (variant_id TEXT PRIMARY KEY, position INTEGER NOT NULL, json TEXT NOT NULL)",
    "CREATE TABLE idempotency (key TEXT PRIMARY KEY, json TEXT NOT NULL, created_at_ms INTEGER NOT NULL)",
    "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, json TEXT NOT NULL)",
  ],
];

function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

const html = (status, body, extra = {}) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", ...extra } });

export class ShopperStorefront extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.migrated = false;
    this.settings = null; // {value, at}
    this.answers = new Map(); // catalog path → {at, answer}
    this.storeStub = null;
  }

  async fetch(request) {
    const h = request.headers;
    const c = {
      store: h.get("x-wandstore-store"),
      shopper: h.get("x-wandstore-shopper"),
      base: h.get("x-wandstore-base"),
      origin: h.get("x-wandstore-origin") || "",
      rid: h.get("x-request-id") || "",
    };
    // What this request cost: SQLite rows here and in StoreConfig, and calls to StoreConfig.
    const r = { m: new Meter(this.ctx.storage.sql), calls: 0 };
    let resp;
    try {
      resp = c.store && c.shopper && c.base ? await this.route(request, c, r) : jsonError(400, "bad_internal_request", "missing shopper context", "");
    } catch (e) {
      resp = jsonError(500, "internal", String(e && e.message ? e.message : e), c.rid);
    }
    resp.headers.set(STATS_HEADER, `${r.m.read},${r.m.written},${r.calls}`);
    return resp;
  }

  async route(request, c, r) {
    const store = await this.storeSettings(c, r);
    if (!store) {
      const chrome = { storeName: "WandStore", currency: "", homePath: "/", requestId: c.rid, isStore: false, cartCount: 0, canonicalBase: "" };
      return html(404, errorPage(chrome, "Not found", `We could not find a store named “${c.store}”.`));
    }
    if (!this.migrated) {
      migrate(this.ctx.storage, MIGRATIONS, r.m);
      this.migrated = true;
    }
    const url = new URL(request.url);
    const segments = url.pathname.replace(/^\/+|\/+$/g, "").split("/");
    const method = request.method;
    const readable = method === "GET" || method === "HEAD";
    const chrome = (cartCount) => ({
      storeName: store.display_name,
      currency: store.currency,
      homePath: c.base,
      requestId: c.rid,
      isStore: true,
      cartCount,
      canonicalBase: c.origin + c.base.replace(/\/+$/, ""),
    });
    const page = { c, r, store, url, chrome };
    if (segments.length === 2 && segments[0] === "api" && segments[1] === "cart") {
      if (method === "POST") return this.cartAdd(page, await request.text());
      if (method === "GET") return this.cartGet(page);
      return jsonError(405, "method_not_allowed", "this route accepts GET, POST", c.rid, {});
    }
    // Pages show the cart's item count in the header.
    page.cartCount = this.cartLines(r.m).reduce((n, l) => n + l.quantity, 0);
    const [first, second] = segments;
    if (!readable && ["", "collections", "products"].includes(first)) {
      return html(405, errorPage(chrome(page.cartCount), "Method not allowed", "This address accepts GET, HEAD."), { allow: "GET, HEAD" });
    }
    if (segments.length === 1 && first === "") return this.home(page);
    const handle = segments.length === 2 ? decodeSegment(second) : null;
    if (handle !== null && first === "collections") return this.collection(page, handle);
    if (handle !== null && first === "products") return this.product(page, handle);
    return html(404, errorPage(chrome(page.cartCount), "Not found", "We could not find that page."));
  }

  // ---- StoreConfig, through the 5 s cache ----------------------------------------------------

  stub(store) {
    if (!this.storeStub) this.storeStub = this.env.STORE_CONFIG.get(this.env.STORE_CONFIG.idFromName(store));
    return this.storeStub;
  }

  async ask(c, r, path) {
    r.calls += 1;
    const resp = await this.stub(c.store).fetch(`https://store.internal${path}`, {
      headers: { "x-wandstore-store": c.store, "x-request-id": c.rid },
    });
    r.m.addFrom(resp.headers);
    return resp;
  }

  async storeSettings(c, r) {
    const now = Date.now();
    if (this.settings && now - this.settings.at < TTL_MS) return this.settings.value;
    const resp = await this.ask(c, r, "/settings");
    let value;
    if (resp.status === 200) value = await resp.json();
    else if (resp.status === 404) value = null;
    else throw new Error(`StoreConfig answered ${resp.status} to a settings read for ${c.store}`);
    this.settings = { value, at: now };
    return value;
  }

  /** StoreConfig's answer to a catalog question, from memory if asked within 5 s. */
  async catalog(c, r, path) {
    const now = Date.now();
    const hit = this.answers.get(path);
    if (hit && now - hit.at < TTL_MS) return { ...hit.answer, cache: "local" };
    const resp = await this.ask(c, r, path);
    const answer = {
      status: resp.status,
      cache: resp.headers.get(CACHE_HEADER) || "",
      retryAfter: resp.headers.get("retry-after"),
      data: await resp.json(),
    };
    if (answer.status === 200 || answer.status === 404) {
      if (this.answers.size >= MAX_ENTRIES) {
        for (const [k, v] of this.answers) if (now - v.at >= TTL_MS) this.answers.delete(k);
        if (this.answers.size >= MAX_ENTRIES) this.answers.clear();
      }
      this.answers.set(path, { at: now, answer });
    }
    return answer;
  }

  failed(page, answer, what) {
    const chrome = page.chrome(page.cartCount);
    if (answer.status === 404) return html(404, errorPage(chrome, "Not found", `We could not find ${what}.`));
    if (answer.status === 503) {
      const retry = answer.retryAfter || "30";
      return html(503, errorPage(chrome, "Temporarily unavailable", `This store's products cannot be loaded right now. Please try again in ${retry} seconds.`), { "retry-after": retry });
    }
    return html(502, errorPage(chrome, "Something went wrong", `The store answered ${answer.status}. Please try again in a moment.`));
  }

  page(body, answer) {
    return html(200, body, { [CACHE_HEADER]: answer.cache });
  }

  // ---- pages -----------------------------------------------------------------------------

  async home(page) {
    const { c, r } = page;
    const answer = await this.catalog(c, r, "/catalog/home");
    if (answer.status !== 200) return this.failed(page, answer, "this store");
    const visits = r.m.all(
      `INSERT INTO counters (name, value) VALUES ('page_views', 1)
       ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
    )[0].value;
    let recommended = [];
    const seen = this.recentProducts(r.m, 10);
    if (seen.length) {
      const picks = await this.catalog(c, r, "/catalog/recommend?" + new URLSearchParams({ seen: seen.join(",") }));
      if (picks.status === 200) recommended = picks.data;
    }
    return this.page(homePage(page.chrome(page.cartCount), visits, answer.data.featured, recommended), answer);
  }

  async collection(page, handle) {
    const { c, r } = page;
    let q;
    try {
      q = parseListingQuery(page.url.searchParams);
    } catch (e) {
      return html(400, errorPage(page.chrome(page.cartCount), "That listing does not exist", `${e.message}.`));
    }
    const params = new URLSearchParams({ handle, sort: q.sort, page: String(q.page), size: String(q.size) });
    const answer = await this.catalog(c, r, "/catalog/collection?" + params);
    if (answer.status !== 200) return this.failed(page, answer, "that collection");
    return this.page(collectionPage(page.chrome(page.cartCount), answer.data.collection, answer.data.listing), answer);
  }

  async product(page, handle) {
    const { c, r } = page;
    const answer = await this.catalog(c, r, "/catalog/product?" + new URLSearchParams({ handle }));
    if (answer.status !== 200) return this.failed(page, answer, "that product");
    const p = answer.data;
    this.recordEvent(r.m, { kind: "product_viewed", handle: p.handle }, Date.now());
    const secret = this.env.SHOPPER_COOKIE_SECRET || "";
    const csrf = secret.length >= 32 ? await issueCsrf(secret, c.store, c.shopper, Date.now()) : "";
    const description = await sanitize(p.description_html);
    const body = productPage(page.chrome(page.cartCount), p, page.url.searchParams.get("variant"), csrf, description);
    return this.page(body, answer);
  }

  // ---- the cart JSON API -----------------------------------------------------------------

  async variants(page, ids) {
    const sorted = [...new Set(ids)].sort();
    const catalog = new Map();
    if (!sorted.length) return { catalog };
    const answer = await this.catalog(page.c, page.r, "/catalog/variants?" + new URLSearchParams({ ids: sorted.join(",") }));
    if (answer.status !== 200) return { failed: answer };
    for (const hit of answer.data) catalog.set(hit.variant.id, variantInfo(hit));
    return { catalog };
  }

  unavailable(answer, rid) {
    const resp = jsonError(503, "catalog_unavailable", "the store's catalog cannot be loaded right now", rid);
    if (answer.retryAfter) resp.headers.set("retry-after", answer.retryAfter);
    return resp;
  }

  async cartGet(page) {
    const lines = this.cartLines(page.r.m);
    const found = await this.variants(page, lines.map((l) => l.variant_id));
    if (found.failed) return this.unavailable(found.failed, page.c.rid);
    return json(200, cartJson(lines, found.catalog, page.store.currency));
  }

  async cartAdd(page, body) {
    const { c, r } = page;
    let cmd;
    try {
      cmd = parseCommand(body);
    } catch (e) {
      if (e instanceof CartError) return jsonError(e.status, e.code, e.message, c.rid);
      throw e;
    }
    const ids = this.cartLines(r.m).map((l) => l.variant_id);
    if (cmd.variant_id) ids.push(cmd.variant_id);
    const found = await this.variants(page, ids);
    if (found.failed) return this.unavailable(found.failed, c.rid);
    // Check and write in one synchronous transaction: concurrent commands never lose an update.
    let result;
    this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const lines = this.cartLines(r.m);
      try {
        result = apply(lines, cmd, found.catalog, now);
      } catch (e) {
        if (e instanceof CartError) {
          result = { error: e };
          return;
        }
        throw e;
      }
      const w = result.write;
      if (w && w.upsert) {
        r.m.all(
          `INSERT INTO cart_lines (variant_id, position, json)
           VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_lines), ?)
           ON CONFLICT (variant_id) DO UPDATE SET json = excluded.json`,
          w.upsert.variant_id,
          JSON.stringify(w.upsert),
        );
      } else if (w && w.delete) {
        r.m.all("DELETE FROM cart_lines WHERE variant_id = ?", w.delete);
      } else if (w && w.deleteAll) {
        r.m.all("DELETE FROM cart_lines");
      }
      if (result.event) this.recordEvent(r.m, result.event, now);
    });
    if (result.error) {
      const e = result.error;
      return jsonError(e.status, e.code, e.message, c.rid, e.extra);
    }
    return json(200, cartJson(result.lines, found.catalog, page.store.currency));
  }

  // ---- SQLite ----------------------------------------------------------------------------

  cartLines(m) {
    return m.all("SELECT json FROM cart_lines ORDER BY position").map((row) => JSON.parse(row.json));
  }

  recordEvent(m, event, nowMs) {
    m.all("INSERT INTO events (at_ms, json) VALUES (?, ?)", nowMs, JSON.stringify(event));
    m.all("DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?", MAX_EVENTS);
  }

  /** Products viewed or added lately, most recent first, once each. */
  recentProducts(m, n) {
    const handles = [];
    for (const row of m.all("SELECT json FROM events ORDER BY id DESC LIMIT 100")) {
      let e;
      try {
        e = JSON.parse(row.json);
      } catch {
        continue;
      }
      if (e.kind !== "product_viewed" && e.kind !== "added") continue;
      if (!handles.includes(e.handle)) handles.push(e.handle);
      if (handles.length === n) break;
    }
    return handles;
  }
}
