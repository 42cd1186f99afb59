// Counting a Rust Worker's crossings of the Wasm↔JavaScript boundary, for `bare.mjs` with
// BARE_COUNT_CROSSINGS=N (BENCHMARKS.md). Each crossing is cheap alone, but a request makes
// dozens, and the glue around them (strings, handles, closures, promises) is most of what a
// workers-rs Worker spends above a JavaScript one. Unlike CPU time on this machine, the count
// is the same on every run, so a change to the shell can be judged by it.
//
// `countCrossings(source, every)` rewrites the bundle wasm-bindgen made (as `wrangler deploy
// --dry-run` writes it): every import the Wasm calls and every export JavaScript calls is
// counted, and every `every` request log lines (one per request, `console.log` from Wasm) one
// line goes to stdout:
//
//   crossings {"requests":500,"into_js":27.1,"into_wasm":6.5,"by_call":{"__wbg_now":6.04,…}}
//
// with the calls per request. Diagnostic only: the bench never sets it.

const HELPER = `
const __crossings = { lines: 0, calls: new Map() };
function __count(name) {
  __crossings.calls.set(name, (__crossings.calls.get(name) || 0) + 1);
}
function __report(every) {
  const perRequest = (n) => Math.round((n / every) * 100) / 100;
  // wasm-bindgen's names end in a hash; calls that differ only by it are summed.
  const summed = new Map();
  for (const [name, n] of __crossings.calls) {
    const short = name.replace(/_[0-9a-f]{16}$/, "");
    summed.set(short, (summed.get(short) || 0) + n);
  }
  const byCall = [...summed].sort((a, b) => b[1] - a[1]);
  let intoJs = 0, intoWasm = 0;
  for (const [name, n] of byCall) {
    if (name.startsWith("wasm:")) intoWasm += n;
    else intoJs += n;
  }
  console.log("crossings " + JSON.stringify({
    requests: every,
    into_js: perRequest(intoJs),
    into_wasm: perRequest(intoWasm),
    by_call: Object.fromEntries(byCall.map(([name, n]) => [name, perRequest(n)])),
  }));
  __crossings.calls.clear();
}
function __countImports(imports, every) {
  // Each module is copied: a snippet's module (\`js/microtasks.js\`) is a namespace whose
  // exports are read-only getters.
  for (const [key, module] of Object.entries(imports)) {
    const counted = {};
    for (const [name, f] of Object.entries(module)) {
      if (typeof f !== "function") {
        counted[name] = f;
        continue;
      }
      const isLog = name.startsWith("__wbg_log_");
      counted[name] = function (...args) {
        __count(name);
        const out = f.apply(this, args);
        if (isLog && ++__crossings.lines % every === 0) __report(every);
        return out;
      };
    }
    imports[key] = counted;
  }
  return imports;
}
function __countExports(exports) {
  const counted = {};
  for (const [name, v] of Object.entries(exports)) {
    counted[name] = typeof v !== "function" ? v : function (...args) {
      __count("wasm:" + name);
      return v.apply(this, args);
    };
  }
  return counted;
}
`;

/** `source` with its Wasm imports and exports counted, reported every `every` requests. */
export function countCrossings(source, every) {
  const instances = /new WebAssembly\.Instance\((\w+),\s*(\w+)\(\)\)/g;
  const exportsOf = /var (\w+) = (\w+)\.exports;/;
  if (!instances.test(source) || !exportsOf.test(source)) {
    throw new Error(
      "BARE_COUNT_CROSSINGS: the bundle is not wasm-bindgen's as expected " +
        "(no `new WebAssembly.Instance(module, imports())` or `var x = instance.exports;`)",
    );
  }
  return (
    HELPER +
    source
      .replace(instances, (_, module, imports) =>
        `new WebAssembly.Instance(${module}, __countImports(${imports}(), ${every}))`)
      .replace(exportsOf, (_, name, instance) => `var ${name} = __countExports(${instance}.exports);`)
  );
}
