// Where a Worker's thread spent its time, per request, from `record.sh`'s samples
// (BENCHMARKS.md, "The cart add taken apart by where its code runs"):
//
//   node bench/perf/split.mjs N OUT.txt...
//
// Each sample is put in one place by its stack (frames innermost first):
// - own code: the innermost frame is the Worker's code (Wasm for a Rust Worker, JavaScript
//   for a JavaScript one);
// - glue: a Rust Worker's JavaScript (wasm-bindgen's and worker-build's) is innermost;
// - called by code: the runtime's C++ (Web APIs, SQLite, V8's helpers), called from the
//   Worker's code;
// - runtime: no Worker frame on the stack (the runtime's own request handling, I/O, microtask
//   scheduling, garbage collection it started itself).
// "SQLite" and "GC" are the samples with SQLite or the garbage collector anywhere on the
// stack, counted in one of the four places above as well. Figures are µs per request, at
// record.sh's 4,000 samples a second.

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

const [n, ...files] = process.argv.slice(2);
const requests = Number(n);
if (!(requests > 0) || files.length === 0) {
  console.error("usage: node bench/perf/split.mjs N OUT.txt...");
  process.exit(2);
}
const US_PER_SAMPLE = 1e6 / 4000;
const WASM = /-(turbofan|liftoff)$/;
const GC = /GCSafePoint|CollectGarbage|MarkCompact|Scavenge|cppgc::internal::(Marker|Sweeper)|IncrementalMarking/;

/** A frame's symbol, without its address and object file. */
function symbol(line) {
  return line.trim().replace(/^[0-9a-f]+\s+/, "").replace(/\s+\(.*\)$/, "").replace(/\+0x[0-9a-f]+$/, "");
}

/** Each sample's frames (innermost first), read as a stream: a file can be gigabytes. */
async function* samples(file) {
  let frames = null;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line === "") {
      if (frames?.length) yield frames;
      frames = null;
    } else if (frames === null) frames = [];
    else frames.push(symbol(line));
  }
  if (frames?.length) yield frames;
}

async function split(file) {
  // Each sample is placed twice, as a Rust Worker's and as a JavaScript Worker's; which
  // reading holds is known only once a Wasm frame has been seen (or none has).
  const asRust = { own: 0, glue: 0, called: 0, runtime: 0 };
  const asJs = { own: 0, glue: 0, called: 0, runtime: 0 };
  let total = 0, sqlite = 0, gc = 0, isWasm = false;
  for await (const frames of samples(file)) {
    total++;
    if (frames.some((f) => f.includes("sqlite3"))) sqlite++;
    if (frames.some((f) => GC.test(f))) gc++;
    const [leaf] = frames;
    const anyWasm = frames.some((f) => WASM.test(f));
    const anyJs = frames.some((f) => f.startsWith("JS:"));
    isWasm ||= anyWasm;
    asRust[WASM.test(leaf) ? "own" : leaf.startsWith("JS:") ? "glue" : anyWasm || anyJs ? "called" : "runtime"]++;
    asJs[leaf.startsWith("JS:") ? "own" : anyJs ? "called" : "runtime"]++;
  }
  const at = isWasm ? asRust : asJs;
  const perRequest = (v) => Math.round((v * US_PER_SAMPLE) / requests);
  return {
    file,
    isWasm,
    total: perRequest(total),
    ...Object.fromEntries(Object.entries(at).map(([k, v]) => [k, perRequest(v)])),
    sqlite: perRequest(sqlite),
    gc: perRequest(gc),
  };
}

const rows = [];
for (const file of files) rows.push(await split(file));
console.log(["file", "Worker", "total", "own code", "glue", "called by code", "runtime", "SQLite", "GC"].join("\t"));
for (const r of rows) {
  console.log([r.file, r.isWasm ? "Rust" : "JavaScript", r.total, r.own, r.glue, r.called, r.runtime, r.sqlite, r.gc].join("\t"));
}
