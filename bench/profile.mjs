// A CPU profile of the local Worker under load, through wrangler's inspector (the port
// `wrangler dev --inspector-port` opened; `cargo xtask dev` picks a free one, see `ps`).
//
//   node_modules/.bin/node bench/profile.mjs ws://127.0.0.1:INSPECTOR/ws http://127.0.0.1:8787 [requests] [path]
//
// With PROFILE_BODY set, each request is a POST of that JSON body (e.g. the cart add:
// PROFILE_BODY='{"op":"add","variant_id":"…","quantity":1}' … 800 /s/demo/api/cart).
//
// Warms eight shoppers (6 requests each), then samples every 50 µs while they load `path`
// (default `/`), 8 at a time (a cart add stays under the per-shopper limit of 120 a minute
// at n = 800); prints self time by function (top 45) and writes
// the whole profile to bench/last.cpuprofile (open it in Chrome DevTools).
const [wsUrl, base, n = '800', path = '/'] = process.argv.slice(2);
if (!wsUrl || !base) {
  console.error('usage: profile.mjs WS_URL BASE_URL [requests] [path]');
  process.exit(2);
}
// The inspector proxy refuses connections without a DevTools origin.
const ws = new WebSocket(wsUrl, { headers: { origin: 'https://devtools.devprod.cloudflare.dev' } });
let id = 0;
const pending = new Map();
const send = (method, params = {}) =>
  new Promise((res, rej) => {
    const i = ++id;
    pending.set(i, { res, rej });
    ws.send(JSON.stringify({ id: i, method, params }));
  });
ws.onmessage = (ev) => {
  const m = JSON.parse(ev.data);
  const p = m.id && pending.get(m.id);
  if (p) {
    pending.delete(m.id);
    m.error ? p.rej(new Error(JSON.stringify(m.error))) : p.res(m.result);
  }
};
await new Promise((ok, fail) => {
  ws.onopen = ok;
  ws.onerror = () => fail(new Error(`cannot connect to ${wsUrl}`));
});
// Eight shoppers (one cookie and one object each, as in `cargo xtask bench`), 8 at a time.
const cookies = Array(8).fill('');
const get = async (w) => {
  const body = process.env.PROFILE_BODY;
  const headers = cookies[w] ? { cookie: cookies[w] } : {};
  if (body) headers['content-type'] = 'application/json';
  const r = await fetch(base + path, { method: body ? 'POST' : 'GET', headers, body });
  const set = r.headers.get('set-cookie');
  if (set) cookies[w] = set.split(';')[0]; // as a browser keeps the last cookie set
  if (r.status >= 400) throw new Error(`${r.status} from ${path}: ${await r.text()}`);
  await r.arrayBuffer();
};
await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: 50 });
for (let w = 0; w < 8; w++) for (let i = 0; i < 6; i++) await get(w);
await send('Profiler.start');
const started = Date.now();
let sent = 0;
await Promise.all(
  Array.from({ length: 8 }, async (_, w) => {
    while (sent < Number(n)) {
      sent++;
      await get(w);
    }
  }),
);
const { profile } = await send('Profiler.stop');
console.error(`${n} requests of ${path} in ${Date.now() - started} ms`);
const fs = await import('node:fs');
fs.writeFileSync(new URL('./last.cpuprofile', import.meta.url), JSON.stringify(profile));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
profile.samples.forEach((sample, i) => {
  const frame = nodes.get(sample).callFrame;
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
  const dt = profile.timeDeltas[i] || 0;
  total += dt;
  self.set(key, (self.get(key) || 0) + dt);
});
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
}
ws.close();
