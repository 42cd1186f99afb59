// The null Worker of `cargo xtask bench` (see ../README.md): the floor without its object hop.
//
// The entry reads the shopper cookie (setting a new one when there is none), answers a fixed
// HTML page of about 24 KB (`../shared/fixed_page.js`) with the finishing headers, and writes
// one JSON log line per request in WandStore's format. Its CPU per request is what workerd,
// Miniflare's entry worker and wrangler's dev middleware cost every request locally, before
// any Worker's own work.

import { arrival, finish, fixedPage, logRequest } from "../../shared/fixed_page.js";

const PAGE = fixedPage("Null");

export default {
  async fetch(request) {
    const started = Date.now();
    const url = new URL(request.url);
    if (request.method === "POST") await request.text();
    const { rid, known, shopper } = arrival(request);
    const duration = Date.now() - started;
    const headers = new Headers({ "content-type": "text/html; charset=utf-8" });
    const done = { started, duration, rid, known, shopper, status: 200 };
    finish(headers, done);
    logRequest(request, url, done, { do_calls: 0 });
    return new Response(PAGE, { headers });
  },
};
