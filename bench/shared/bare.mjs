// `cargo xtask bench --bare`: one Worker on workerd alone, the way a deployed Worker runs, with
// none of `wrangler dev`'s layers around it.
//
//   node bare.mjs CONFIG_DIR PORT STATE_DIR ENV_FILE
//
// `wrangler dev` puts four things around a Worker that no deployed Worker has: a proxy (a second
// workerd forwarding every request), Miniflare's entry worker (a JavaScript Worker in the same
// workerd that rewrites each request and dispatches it), dev middleware bundled into the Worker
// itself, and an inspector session whose `Runtime.enable` makes every `console.log` an event
// serialized for the devtools. On this machine they cost 1.1–1.7 ms of CPU a request, before
// any Worker's own work (BENCHMARKS.md): more than most pages' own work, which is what the bench
// compares. Here the Worker is:
//   - bundled by `wrangler deploy --dry-run --outdir` (the bundle a deploy uploads: the same
//     esbuild settings, the [build] command run, no dev middleware);
//   - given the bindings wrangler dev would give it (`unstable_getMiniflareWorkerOptions`: Durable
//     Objects on SQLite, R2, rate limits, the config's [vars]), the secrets of ENV_FILE only
//     (not `.dev.vars`), its state persisted under STATE_DIR;
//   - served by Miniflare's workerd on a socket straight into the Worker (`unsafeDirectSockets`:
//     no entry worker), on 127.0.0.1:PORT, with no inspector.
// Its `console.log` lines go to stdout, as wrangler dev's do. Stops on SIGTERM/SIGINT.
//
// For a CPU profile (`bench/profile.mjs`), BARE_INSPECTOR_PORT=N opens workerd's inspector on
// 127.0.0.1:N (the Worker's session is ws://127.0.0.1:N/core:user:NAME); the bench never sets it.
// BARE_COUNT_CROSSINGS=N prints a Rust Worker's Wasm↔JavaScript crossings per request every N
// requests (`crossings.js`).

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { countCrossings } from "./crossings.js";
import {
  unstable_getMiniflareWorkerOptions as workerOptionsOf,
  unstable_getVarsForDev as varsForDev,
  unstable_readConfig as readConfig,
} from "wrangler";

const [configDir, port, stateDir, envFile] = process.argv.slice(2);
if (!configDir || !port || !stateDir || !envFile) {
  console.error("usage: node bare.mjs CONFIG_DIR PORT STATE_DIR ENV_FILE");
  process.exit(2);
}
const config = join(resolve(configDir), "wrangler.toml");
const root = resolve(fileURLToPath(import.meta.url), "../../..");

// The deploy bundle (runs the config's [build] command first, as wrangler dev does).
const out = join(resolve(stateDir), "bundle");
rmSync(out, { recursive: true, force: true });
const built = spawnSync(
  process.execPath,
  [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", out],
  { cwd: resolve(configDir), stdio: ["ignore", "inherit", "inherit"], env: process.env },
);
if (built.status !== 0) {
  console.error(`bare.mjs: wrangler deploy --dry-run failed in ${configDir} (${built.status})`);
  process.exit(1);
}
// BARE_COUNT_CROSSINGS=N: the Wasm↔JavaScript crossings per request, on stdout every N requests
// (`crossings.js`; a diagnostic for Rust Workers, never set by the bench).
const every = Number(process.env.BARE_COUNT_CROSSINGS || 0);
if (every > 0) {
  const main = readdirSync(out).find((f) => f.endsWith(".js") || f.endsWith(".mjs"));
  const path = join(out, main);
  writeFileSync(path, countCrossings(readFileSync(path, "utf8"), every));
}
// esbuild writes one JavaScript module (named for `main`) beside the Wasm it imports; it goes
// first, as Miniflare takes the first module as the Worker's main.
const isJs = (f) => f.endsWith(".js") || f.endsWith(".mjs");
const modules = readdirSync(out)
  .filter((f) => isJs(f) || f.endsWith(".wasm"))
  .sort((a, b) => Number(isJs(b)) - Number(isJs(a)) || a.localeCompare(b))
  .map((f) => ({
    type: f.endsWith(".wasm") ? "CompiledWasm" : "ESModule",
    path: join(out, f),
  }));

const { workerOptions } = workerOptionsOf(config);
const { vars, name } = readConfig({ config });
// The config's [vars] and ENV_FILE's secrets, read as `wrangler dev --env-file` reads them.
const bindings = Object.fromEntries(
  Object.entries(varsForDev(config, [resolve(envFile)], vars, undefined, true)).map(
    ([key, binding]) => [key, binding.value],
  ),
);
delete workerOptions.modulesRules;
const mf = new Miniflare(
  convertV4MiniflareOptions({
    workers: [
      {
        ...workerOptions,
        name,
        modules,
        modulesRoot: out,
        bindings,
        unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(port) }],
      },
    ],
    // Where `wrangler dev --persist-to STATE_DIR` keeps it.
    resourcePersistencePath: join(resolve(stateDir), "v3"),
    ...(process.env.BARE_INSPECTOR_PORT
      ? { inspectorPort: Number(process.env.BARE_INSPECTOR_PORT) }
      : {}),
  }),
);
await mf.ready;
console.log(`bare.mjs: ${name} on http://127.0.0.1:${port} (workerd alone)`);

async function stop() {
  await mf.dispose().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
