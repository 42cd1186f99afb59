// The Worker entry of the JavaScript baseline: request id, shopper identity (signed cookie),
// forwarding to the shopper's object, security headers, and one JSON log line per request,
// like WandStore's crates/worker/src/entry.rs. It serves one store (STORE_SLUG) at `/`.
//
// The log line carries `rows_read`, `rows_written` (SQLite rows, summed over every Durable
// Object the request touched) and `do_calls` (object-to-object calls, the entry's call to the
// shopper's object included), which the objects pass up in the `x-baseline-stats` header.

import { cookieSecrets, randomHex, setCookieHeader, sha256Hex, shopperFromCookies, signShopper } from "./crypto.js";
import { errorPage } from "./render.js";
import { CACHE_HEADER, STATS_HEADER } from "./shopper.js";
import { jsonError } from "./sql.js";

export { ShopperStorefront } from "./shopper.js";
export { StoreConfig } from "./store.js";

const MAX_BODY = 64 * 1024;
const FORWARDED = [
  ["content-type", "content-type"],
  ["accept", "accept"],
  ["idempotency-key", "idempotency-key"],
  ["cf-connecting-ip", "x-wandstore-buyer-ip"],
  ["cf-ipcountry", "x-wandstore-buyer-country"],
];
const encoder = new TextEncoder();

function clientRequestId(request) {
  const id = request.headers.get("x-request-id");
  return id && id.length <= 64 && /^[A-Za-z0-9_-]+$/.test(id) ? id : null;
}

function platformChrome(rid) {
  return { storeName: "WandStore", currency: "", homePath: "/", requestId: rid, isStore: false, cartCount: 0, canonicalBase: "" };
}

function htmlError(status, rid, heading, message) {
  return new Response(errorPage(platformChrome(rid), heading, message), {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

function isPlainLocalhost(url) {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** The request body as text, or the response refusing it. */
async function readBody(request, rid) {
  if (request.method === "GET" || request.method === "HEAD") return { body: null };
  const declared = Number(request.headers.get("content-length") || "0");
  if (declared > MAX_BODY) return { refused: jsonError(413, "body_too_large", `the body may be at most ${MAX_BODY} bytes`, rid) };
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_BODY) return { refused: jsonError(413, "body_too_large", `the body may be at most ${MAX_BODY} bytes`, rid) };
  try {
    return { body: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { refused: jsonError(400, "bad_encoding", "the body is not UTF-8 text", rid) };
  }
}

async function storefront(request, env, url, rid, log) {
  const store = env.STORE_SLUG;
  log.store = store;
  const { body, refused } = await readBody(request, rid);
  if (refused) return refused;
  const secrets = cookieSecrets(env);
  if (!secrets) {
    log.error_code = "config";
    log.error = "the shopper cookie secret is missing or too short";
    return htmlError(503, rid, "Temporarily unavailable", "This store is not configured yet. Please try again later.");
  }
  const known = await shopperFromCookies(secrets, request.headers.get("cookie") || "", store);
  const shopper = known || randomHex(16);
  log.shopper = await sha256Hex(shopper, 6);
  log.new_shopper = !known;
  log.do = "ShopperStorefront";

  const headers = new Headers({
    "x-wandstore-store": store,
    "x-wandstore-shopper": shopper,
    "x-wandstore-base": "/",
    "x-wandstore-origin": url.origin,
    "x-request-id": rid,
  });
  for (const [from, to] of FORWARDED) {
    const v = request.headers.get(from);
    if (v !== null) headers.set(to, v);
  }
  const stub = env.SHOPPER_STOREFRONT.get(env.SHOPPER_STOREFRONT.idFromName(`${store}/${shopper}`));
  const inner = await stub.fetch(`https://object.internal${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body,
    redirect: "manual",
  });
  // The object's body goes to the client as it is; only the headers are copied.
  const resp = new Response(inner.body, inner);
  log.cache = resp.headers.get(CACHE_HEADER) || undefined;
  const stats = (resp.headers.get(STATS_HEADER) || "").split(",").map(Number);
  if (stats.length === 3 && stats.every(Number.isFinite)) {
    log.rows_read = stats[0];
    log.rows_written = stats[1];
    log.do_calls = stats[2] + 1;
  }
  resp.headers.delete(STATS_HEADER);
  resp.headers.delete(CACHE_HEADER);
  if (!known && resp.status < 400) {
    resp.headers.append("set-cookie", setCookieHeader(await signShopper(secrets, store, shopper), "/", !isPlainLocalhost(url)));
  }
  return resp;
}

/** Bench-only admin routes, `Authorization: Bearer <ADMIN_TOKEN>`: configure and sync the store. */
async function admin(request, env, path, rid) {
  const token = env.ADMIN_TOKEN || "";
  const given = (request.headers.get("authorization") || "").replace(/^Bearer /, "");
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(token)), crypto.subtle.digest("SHA-256", encoder.encode(given))]);
  if (token.length < 32 || !crypto.subtle.timingSafeEqual(a, b)) return jsonError(401, "unauthorized", "a valid admin token is required", rid);
  const stub = env.STORE_CONFIG.get(env.STORE_CONFIG.idFromName(env.STORE_SLUG));
  const forward = (method, to, body) =>
    stub.fetch(`https://store.internal${to}`, {
      method,
      headers: { "x-wandstore-store": env.STORE_SLUG, "x-request-id": rid, "content-type": "application/json" },
      body,
    });
  let resp;
  if (path === "/admin/store" && request.method === "PUT") resp = await forward("PUT", "/record", await request.text());
  else if (path === "/admin/sync" && request.method === "POST") resp = await forward("POST", "/catalog/sync");
  else if (path === "/admin/metrics" && request.method === "GET") resp = await forward("GET", "/metrics");
  else return jsonError(404, "not_found", "no such admin route", rid);
  return new Response(resp.body, { status: resp.status, headers: { "content-type": "application/json" } });
}

async function route(request, env, url, rid, log) {
  const path = url.pathname;
  if (path === "/health/live") return new Response('{"status":"ok"}', { headers: { "content-type": "application/json" } });
  if (path.startsWith("/admin/")) return admin(request, env, path, rid);
  return storefront(request, env, url, rid, log);
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const rid = clientRequestId(request) || randomHex(16);
    const url = new URL(request.url);
    const log = { ts: started, level: "info", msg: "request", request_id: rid, method: request.method, path: url.pathname };
    let resp;
    try {
      resp = await route(request, env, url, rid, log);
    } catch (e) {
      log.error_code = "internal";
      log.error = String(e && e.message ? e.message : e);
      resp = htmlError(500, rid, "Something went wrong", "We could not show this page. Please try again in a moment.");
    }
    const duration = Date.now() - started;
    log.status = resp.status;
    log.level = resp.status >= 500 ? "error" : resp.status >= 400 ? "warn" : "info";
    log.duration_ms = duration;
    const h = resp.headers;
    h.set("x-request-id", rid);
    h.set("x-response-time", `${duration}ms`);
    h.set("x-content-type-options", "nosniff");
    h.set("referrer-policy", "strict-origin-when-cross-origin");
    h.set("x-frame-options", "DENY");
    console.log(JSON.stringify(logLine(log)));
    return resp;
  },
};

/** The log line's fields in WandStore's order, absent ones left out. */
function logLine(l) {
  const out = {
    ts: l.ts,
    level: l.level,
    msg: l.msg,
    request_id: l.request_id,
    method: l.method,
    path: l.path,
    status: l.status,
    duration_ms: l.duration_ms,
  };
  for (const k of ["store", "shopper", "do", "cache"]) if (l[k] !== undefined) out[k] = l[k];
  if (l.new_shopper) out.new_shopper = true;
  for (const k of ["error_code", "error", "rows_read", "rows_written", "do_calls"]) if (l[k] !== undefined) out[k] = l[k];
  return out;
}
