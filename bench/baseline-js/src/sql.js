// SQLite through a per-request meter: every statement's cursor is read to the end and its
// `rowsRead` / `rowsWritten` are added up, so the request's log line can report them.

export const ROWS_HEADER = "x-baseline-rows";

export class Meter {
  constructor(sql) {
    this.sql = sql;
    this.read = 0;
    this.written = 0;
  }

  /** Every row of one statement. */
  all(query, ...bindings) {
    const cursor = this.sql.exec(query, ...bindings);
    const rows = cursor.toArray();
    this.read += cursor.rowsRead;
    this.written += cursor.rowsWritten;
    return rows;
  }

  /** Adds what another object reported in its answer's header. */
  addFrom(headers) {
    const v = headers.get(ROWS_HEADER);
    if (!v) return;
    const [r, w] = v.split(",").map(Number);
    if (Number.isFinite(r)) this.read += r;
    if (Number.isFinite(w)) this.written += w;
  }

  header() {
    return `${this.read},${this.written}`;
  }
}

/** Runs each schema version's statements once, in one transaction per version (through the
 * request's meter, so the first request of an object reports what it cost). */
export function migrate(storage, migrations, m) {
  m.all("CREATE TABLE IF NOT EXISTS _schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
  const row = m.all("SELECT version FROM _schema WHERE id = 1")[0];
  const current = row ? row.version : 0;
  migrations.slice(current).forEach((statements, i) => {
    storage.transactionSync(() => {
      for (const s of statements) m.all(s);
      m.all(
        "INSERT INTO _schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        current + i + 1,
      );
    });
  });
}

export function json(status, value, headers = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function jsonError(status, code, message, requestId, extra = {}) {
  return json(status, { error: { code, message, request_id: requestId, ...extra } });
}
