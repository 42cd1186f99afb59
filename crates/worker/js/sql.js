// The SQLite calls of `src/sql.rs`, each made with one call from Wasm instead of one per
// binding, per row and per column: a statement's bindings arrive as one JSON array, its rows
// leave as one string, and `counts` receives [rows read, rows written, rows answered], which
// the caller adds to the request's report.

function exec(sql, query, bindings) {
  return sql.exec(query, ...JSON.parse(bindings));
}

function counted(cursor, counts, answered) {
  counts[0] = cursor.rowsRead;
  counts[1] = cursor.rowsWritten;
  counts[2] = answered;
}

/** Runs a statement whose rows, if any, are not needed. */
export function sqlRun(sql, query, bindings, counts) {
  counted(exec(sql, query, bindings), counts, 0);
}

/** The rows as one JSON array of objects, a column's name to its value. */
export function sqlRows(sql, query, bindings, counts) {
  const cursor = exec(sql, query, bindings);
  const rows = cursor.toArray();
  counted(cursor, counts, rows.length);
  return JSON.stringify(rows);
}

/**
 * Each row's `json` column (JSON text, stored as it is) joined with NUL, which no JSON text
 * holds unescaped: the texts are not escaped again to travel inside another JSON document,
 * and each is still parsed on its own.
 */
export function sqlJsonColumn(sql, query, bindings, counts) {
  const cursor = exec(sql, query, bindings);
  const rows = cursor.toArray();
  const texts = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const text = rows[i].json;
    if (typeof text !== "string") throw new TypeError(`row ${i + 1} has no json text`);
    texts[i] = text;
  }
  counted(cursor, counts, rows.length);
  return texts.join("\0");
}
