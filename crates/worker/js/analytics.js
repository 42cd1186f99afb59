// The request's Analytics Engine data point (`src/isolate_metrics.rs`), written with one call
// from Wasm: it arrives as the JSON of the object `writeDataPoint` takes. Built in Wasm with
// `worker`'s builder, the same point cost about forty calls into JavaScript (an array per
// field kind, a push and a string per column, the object's properties).

/** Writes the point `json` (`{"indexes":[…],"blobs":[…],"doubles":[…]}`) to `dataset`. */
export function writePoint(dataset, json) {
  dataset.writeDataPoint(JSON.parse(json));
}
