// What the floor (`bench/floor-js`) and the null Worker (`bench/null-js`) of `cargo xtask bench`
// share: their fixed page, the shopper cookie they read and set, and random ids.

/** About the size of the pages the two storefronts serve (see the bench's page-size table). */
const PAGE_BYTES = 24 * 1024;
const ROW = "<li><a href=\"/products/p\">A product &amp; its price</a></li>\n";

/** The fixed HTML page, of about PAGE_BYTES, titled `title`. */
export function fixedPage(title) {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><ul>\n` +
    ROW.repeat(Math.ceil(PAGE_BYTES / ROW.length)) +
    "</ul></body></html>\n"
  );
}

export const COOKIE = "wandstore_shopper";

/** The shopper id a `Cookie` header carries (32 hex digits), or null. */
export function cookieValue(header) {
  for (const part of (header || "").split(";")) {
    const [k, v] = part.trim().split("=");
    if (k === COOKIE && v && /^[0-9a-f]{32}$/.test(v)) return v;
  }
  return null;
}

/** `bytes` random bytes as hex, from the runtime's CSPRNG. */
export function randomHex(bytes) {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Sets the finishing headers every answer carries, and the cookie of a new shopper. */
export function finish(headers, { rid, duration, known, shopper }) {
  headers.set("x-request-id", rid);
  headers.set("x-response-time", `${duration}ms`);
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "strict-origin-when-cross-origin");
  headers.set("x-frame-options", "DENY");
  if (!known) headers.append("set-cookie", `${COOKIE}=${shopper}; Path=/; HttpOnly; SameSite=Lax`);
}

/** Writes the request's JSON log line in WandStore's format; `extra` adds or overrides fields. */
export function logRequest(request, url, { started, duration, rid, known, shopper, status }, extra) {
  console.log(
    JSON.stringify({
      ts: started,
      level: "info",
      msg: "request",
      request_id: rid,
      method: request.method,
      path: url.pathname,
      status,
      duration_ms: duration,
      store: "demo",
      shopper: shopper.slice(0, 12),
      new_shopper: !known || undefined,
      rows_read: 0,
      rows_written: 0,
      ...extra,
    }),
  );
}

/** The request id (the caller's, if plain, else a new one) and the shopper (their cookie's, or new). */
export function arrival(request) {
  const given = request.headers.get("x-request-id");
  const rid = given && given.length <= 64 && /^[A-Za-z0-9_-]+$/.test(given) ? given : randomHex(16);
  const known = cookieValue(request.headers.get("cookie"));
  return { rid, known, shopper: known || randomHex(16) };
}
