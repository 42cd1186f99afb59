// The null Worker of `cargo xtask bench` (see ../README.md): the floor without its object hop.
//
// The entry reads the shopper cookie (setting a new one when there is none), answers a fixed
// HTML page of PAGE_BYTES with the finishing headers, and writes one JSON log line per request
// in WandStore's format. Its CPU per request is what workerd, Miniflare's entry worker and
// wrangler's dev middleware cost every request locally, before any Worker's own work.

const PAGE_BYTES = 24 * 1024;
const ROW = "<li><a href=\"/products/p\">A product &amp; its price</a></li>\n";
const PAGE =
  "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Null</title></head><body><ul>\n" +
  ROW.repeat(Math.ceil(PAGE_BYTES / ROW.length)) +
  "</ul></body></html>\n";
const COOKIE = "wandstore_shopper";

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
  async fetch(request) {
    const started = Date.now();
    const url = new URL(request.url);
    if (request.method === "POST") await request.text();
    const given = request.headers.get("x-request-id");
    const rid = given && given.length <= 64 && /^[A-Za-z0-9_-]+$/.test(given) ? given : randomHex(16);
    const known = cookieValue(request.headers.get("cookie"));
    const shopper = known || randomHex(16);
    const duration = Date.now() - started;
    const headers = new Headers({
      "content-type": "text/html; charset=utf-8",
      "x-request-id": rid,
      "x-response-time": `${duration}ms`,
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
    });
    if (!known) headers.append("set-cookie", `${COOKIE}=${shopper}; Path=/; HttpOnly; SameSite=Lax`);
    console.log(
      JSON.stringify({
        ts: started,
        level: "info",
        msg: "request",
        request_id: rid,
        method: request.method,
        path: url.pathname,
        status: 200,
        duration_ms: duration,
        store: "demo",
        shopper: shopper.slice(0, 12),
        new_shopper: !known || undefined,
        rows_read: 0,
        rows_written: 0,
        do_calls: 0,
      }),
    );
    return new Response(PAGE, { headers });
  },
};
