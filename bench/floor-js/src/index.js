// The floor of `cargo xtask bench` (see ../README.md): one fixed page through one object hop.
//
// The entry reads the shopper cookie (setting a new one when there is none), forwards the
// request to that shopper's Durable Object, streams its answer back with the finishing
// headers, and writes one JSON log line per request in WandStore's format. The object answers
// a fixed HTML page of about 24 KB (`../shared/fixed_page.js`) without touching SQLite. What a
// system spends above this floor is its own work: identity, storage, catalog, rendering, glue.

import { DurableObject } from "cloudflare:workers";
import { arrival, finish, fixedPage, logRequest } from "../../shared/fixed_page.js";

const PAGE = fixedPage("Floor");

export class ShopperStorefront extends DurableObject {
  async fetch(request) {
    if (request.method === "POST") await request.text();
    return new Response(PAGE, {
      headers: { "content-type": "text/html; charset=utf-8", "x-floor-report": "{\"rows_read\":0}" },
    });
  }
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const url = new URL(request.url);
    const { rid, known, shopper } = arrival(request);
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
    const done = { started, duration, rid, known, shopper, status: answer.status };
    finish(headers, done);
    logRequest(request, url, done, { do: "ShopperStorefront", do_calls: 1 });
    return new Response(answer.body, { status: answer.status, headers });
  },
};
