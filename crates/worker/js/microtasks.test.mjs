// The replacement queueMicrotask keeps the platform's order and error reporting.
// `cargo xtask test` runs this with `node --test`, as it does every `*.test.mjs` here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installQueueMicrotask } from "./microtasks.js";

/** A scope like the global one, its platform queueMicrotask recording what it was given. */
function scope() {
  const given = [];
  const s = {
    given,
    queueMicrotask(callback) {
      given.push(callback);
      if (typeof callback !== "function") throw new TypeError("not a function");
      globalThis.queueMicrotask(callback);
    },
  };
  return s;
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

test("callbacks run in the order queued, interleaved with promise reactions, before a timer", async () => {
  const s = scope();
  installQueueMicrotask(s);
  const ran = [];
  s.queueMicrotask(() => ran.push("a"));
  Promise.resolve().then(() => ran.push("b"));
  s.queueMicrotask(() => ran.push("c"));
  assert.deepEqual(ran, [], "nothing runs synchronously");
  await settled();
  assert.deepEqual(ran, ["a", "b", "c"]);
  assert.equal(s.given.length, 0, "the platform's queueMicrotask is not used on the way");
});

test("a callback that throws is rethrown through the platform's queueMicrotask", async () => {
  // The platform's queueMicrotask is only recorded here: the rethrow is called by hand.
  const given = [];
  const s = { queueMicrotask: (callback) => void given.push(callback) };
  installQueueMicrotask(s);
  const boom = new Error("boom");
  s.queueMicrotask(() => {
    throw boom;
  });
  await settled();
  assert.equal(given.length, 1, "handed to the platform once, after it threw");
  assert.throws(() => given[0](), (e) => e === boom);
});

test("a non-function is refused with the platform's TypeError", () => {
  const s = scope();
  installQueueMicrotask(s);
  assert.throws(() => s.queueMicrotask(42), TypeError);
  assert.deepEqual(s.given, [42]);
});

test("installing twice wraps once", () => {
  const s = scope();
  installQueueMicrotask(s);
  const first = s.queueMicrotask;
  installQueueMicrotask(s);
  assert.equal(s.queueMicrotask, first);
});

test("a scope without queueMicrotask is left alone", () => {
  const s = {};
  installQueueMicrotask(s);
  assert.equal(s.queueMicrotask, undefined);
});
