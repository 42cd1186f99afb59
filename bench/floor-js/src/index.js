// The floor of `cargo xtask bench` (see ../README.md): one fixed page through one object hop.
//
// The entry reads the shopper cookie (setting a new one when there is none), forwards the
// request to that shopper's Durable Object, streams its answer back with the finishing
// headers, and writes one JSON log line per request in WandStore's format. The object answers
// a fixed HTML page of PAGE_BYTES without touching SQLite. What a system spends above this
// floor is its own work: identity, storage, catalog, rendering, glue.

import { DurableObject } from "cloudflare:workers";

/** About the size of the pages the two systems serve (see the bench's page-size table). */
const PAGE_BYTES = 24 * 1024;
const ROW = "<li><a href=\"/products/p\">A product &amp; its price</a></li>\n";
const PAGE =
  "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Floor</title></head><body><ul>\n" +
  ROW.repeat(Math.ceil(PAGE_BYTES / ROW.length)) +
  "</ul></body></html>\n";
const COOKIE = "wandstore_shopper";

export class ShopperStorefront extends DurableObject {
  async fetch(request) {
    if (request.method === "POST") await request.text();
    return new Response(PAGE, {
      headers: { "content-type": "text/html; charset=utf-8", "x-floor-report": "{\"rows_read\":0}" },
    });
  }
}

function cookieValue(header) {
  for (const part of (header || "").split(";")) {
    const [k, v] = part.trim().split("=");
    if (k === COOKIE && v && /^[0-9a-f]{32}$/.test(v)) return v;
  }
  return null;
}

function randomHex(bytes) {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const url = new URL(request.url);
    const given = request.headers.get("x-request-id");
    const rid = given && given.length <= 64 && /^[A-Za-z0-9_-]+$/.test(given) ? given : randomHex(16);
    const known = cookieValue(request.headers.get("cookie"));
    const shopper = known || randomHex(16);
    const stub = env.SHOPPER_STOREFRONT.get(env.SHOPPER_STOREFRONT.idFromName(`demo/${shopper}`));
    const answer = await stub.fetch(
      new Request(`https://shopper${url.pathname}${url.search}`, {
        method: request.method,
        headers: { "x-wandstore-context": JSON.stringify({ store: "demo", shopper, request_id: rid }) },
        body: request.method === "POST" ? request.body : null,
      }),
    );
    const headers = new Headers(answer.headers);
    headers.delete("x-floor-report");
    const duration = Date.now() - started;
    headers.set("x-request-id", rid);
    headers.set("x-response-time", `${duration}ms`);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "strict-origin-when-cross-origin");
    headers.set("x-frame-options", "DENY");
    if (!known) headers.append("set-cookie", `${COOKIE}=${shopper}; Path=/; HttpOnly; SameSite=Lax`);
    console.log(
      JSON.stringify({
        ts: started,
        level: "info",
        msg: "request",
        request_id: rid,
        method: request.method,
        path: url.pathname,
        status: answer.status,
        duration_ms: duration,
        store: "demo",
        shopper: shopper.slice(0, 12),
        do: "ShopperStorefront",
        new_shopper: !known || undefined,
        rows_read: 0,
        rows_written: 0,
        do_calls: 1,
      }),
    );
    return new Response(answer.body, { status: answer.status, headers });
  },
};
