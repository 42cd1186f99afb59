// Shopper cookies and CSRF tokens, byte-compatible with WandStore's `core::identity` and
// `core::csrf`: HMAC-SHA256 via WebCrypto, with each CryptoKey imported once per isolate.

export const COOKIE_NAME = "wandstore_shopper";
export const COOKIE_MAX_AGE_SECS = 400 * 24 * 60 * 60;
export const MIN_SECRET_LEN = 32;

const encoder = new TextEncoder();
const keys = new Map();

/** The HMAC key for a secret, imported once per isolate. */
function hmacKey(secret) {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

export function base64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function hex(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += b.toString(16).padStart(2, "0");
  return s;
}

export function randomHex(n) {
  return hex(crypto.getRandomValues(new Uint8Array(n)));
}

/** The first `n` bytes of SHA-256(text), as hex. */
export async function sha256Hex(text, n) {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return hex(new Uint8Array(digest, 0, n));
}

async function sign(secret, message) {
  return base64url(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)));
}

/** The cookie secrets, or null if the current one is missing or too short. */
export function cookieSecrets(env) {
  const current = env.SHOPPER_COOKIE_SECRET || "";
  const previous = env.SHOPPER_COOKIE_SECRET_PREVIOUS || "";
  if (current.length < MIN_SECRET_LEN) return null;
  if (previous && previous.length < MIN_SECRET_LEN) return null;
  return previous ? [current, previous] : [current];
}

const SHOPPER_ID = /^[0-9a-f]{32}$/;

/** `v1.{store}.{shopper}.{sig}` for this store and shopper, signed with the current secret. */
export async function signShopper(secrets, store, shopper) {
  return `v1.${store}.${shopper}.${await sign(secrets[0], `wandstore-shopper|v1|${store}|${shopper}`)}`;
}

/** The shopper a token names, if it is for this store and its signature verifies (constant time). */
async function verifyShopper(secrets, token, store) {
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== "v1" || parts[1] !== store) return null;
  const shopper = parts[2];
  if (!SHOPPER_ID.test(shopper)) return null;
  const sig = fromBase64url(parts[3]);
  if (!sig) return null;
  const message = encoder.encode(`wandstore-shopper|v1|${store}|${shopper}`);
  for (const secret of secrets) {
    if (await crypto.subtle.verify("HMAC", await hmacKey(secret), sig, message)) return shopper;
  }
  return null;
}

/** The shopper from the first cookie of our name that verifies for this store. */
export async function shopperFromCookies(secrets, header, store) {
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== COOKIE_NAME) continue;
    const value = pair.slice(eq + 1).trim().replace(/^"+|"+$/g, "");
    const shopper = await verifyShopper(secrets, value, store);
    if (shopper) return shopper;
  }
  return null;
}

export function setCookieHeader(token, path, secure) {
  return `${COOKIE_NAME}=${token}; Path=${path}; Max-Age=${COOKIE_MAX_AGE_SECS}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** A CSRF token for this shopper's forms: `v1.{store}.{tag}.{issued_ms}.{sig}`. */
export async function issueCsrf(secret, store, shopper, nowMs) {
  const tag = await sha256Hex(`wandstore-csrf-shopper|v1|${shopper}`, 8);
  const issued = String(nowMs);
  const sig = await sign(secret, `wandstore-csrf|v1|${store}|${shopper}|${issued}`);
  return `v1.${store}.${tag}.${issued}.${sig}`;
}
