/**
 * TEST INFRASTRUCTURE, not a database server for production. A small Hrana-over-HTTP endpoint (the
 * protocol Turso / sqld speak, version 2 with JSON: `POST /v2/pipeline`) backed by the npm `libsql`
 * engine, the same engine `file:` URLs use. It lets the Worker build, which talks to its database only
 * through `@libsql/client/web`, run in local workerd against a real libSQL file.
 *
 * Why it exists: no `sqld` can be installed on the machines this project is tested on (it is neither on
 * npm nor in Debian), and `tursodb --sync-server` rejects requests @libsql/client sends (`close`,
 * `store_sql`), has no FTS5 and shares one connection between transactions.
 *
 * What it implements, as sqld does: streams (one SQLite connection each, kept between requests by a
 * baton), `execute`, `batch` with step conditions, `sequence`, `describe`, `store_sql`/`close_sql`,
 * `get_autocommit`, `close`; integers as decimal strings, numbers bound as REAL, blobs as base64; errors as
 * `{ message, code }`; an optional bearer token. What it leaves out: the protobuf encoding, cursors (v3),
 * replication, authorisation scopes. It runs inside the test process (Bun); SQLite work is synchronous, so
 * a pipeline's statements never interleave with another request's.
 */
import Database from "libsql";

type HranaValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

type Stmt = {
  sql?: string;
  sql_id?: number;
  args?: HranaValue[];
  named_args?: { name: string; value: HranaValue }[];
  want_rows?: boolean;
};

type BatchCond =
  | { type: "ok" | "error"; step: number }
  | { type: "not"; cond: BatchCond }
  | { type: "and" | "or"; conds: BatchCond[] }
  | { type: "is_autocommit" };

type StreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: Stmt }
  | { type: "batch"; batch: { steps: { condition?: BatchCond | null; stmt: Stmt }[] } }
  | { type: "sequence"; sql?: string; sql_id?: number }
  | { type: "describe"; sql?: string; sql_id?: number }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number }
  | { type: "get_autocommit" };

type StmtResult = {
  cols: { name: string; decltype: string | null }[];
  rows: HranaValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
};

type HranaError = { message: string; code: string };

type Connection = {
  db: Database.Database;
  statements: Map<string, Database.Statement>;
  counters: Database.Statement;
};

type Stream = { conn: Connection; sqls: Map<number, string>; lastUsed: number };

export type HranaServerOptions = {
  /** The SQLite file to serve (created when missing). */
  path: string;
  /** When set, every request must carry `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** Idle streams (open transactions included) are rolled back and dropped after this long. */
  streamIdleMs?: number;
  port?: number;
};

export type HranaServer = {
  /** `http://127.0.0.1:<port>`: what `DATABASE_URL` points at. */
  url: string;
  /** Requests served so far (a pipeline counts once). */
  readonly requests: number;
  close(): void;
};

const STATEMENT_CACHE = 256;

class StreamError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export function startHranaServer(options: HranaServerOptions): HranaServer {
  const idleMs = options.streamIdleMs ?? 10_000;
  const pool: Connection[] = [];
  const streams = new Map<string, Stream>();
  let requests = 0;

  const open = (): Connection => {
    const db = new Database(options.path);
    // Never wait on a lock: this server is single-threaded, so a wait could never end.
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("PRAGMA foreign_keys = ON");
    return {
      db,
      statements: new Map(),
      counters: db.prepare("SELECT total_changes(), changes(), last_insert_rowid()").raw(true),
    };
  };
  // WAL once for the file, so readers on other connections never block the writer.
  open().db.exec("PRAGMA journal_mode = WAL");

  const take = () => pool.pop() ?? open();
  const give = (conn: Connection) => {
    if (conn.db.inTransaction) conn.db.exec("ROLLBACK");
    if (pool.length < 8) pool.push(conn);
    else conn.db.close();
  };

  const reaper = setInterval(() => {
    const now = Date.now();
    for (const [baton, stream] of streams) {
      if (now - stream.lastUsed > idleMs) {
        streams.delete(baton);
        give(stream.conn);
      }
    }
  }, 1000);

  const prepare = (conn: Connection, sql: string) => {
    let stmt = conn.statements.get(sql);
    if (!stmt) {
      stmt = conn.db.prepare(sql);
      if (conn.statements.size >= STATEMENT_CACHE) {
        const oldest = conn.statements.keys().next().value;
        if (oldest !== undefined) conn.statements.delete(oldest);
      }
      conn.statements.set(sql, stmt);
    }
    return stmt;
  };

  const sqlOf = (stream: Stream, s: { sql?: string; sql_id?: number }): string => {
    if (typeof s.sql === "string") return s.sql;
    if (typeof s.sql_id === "number") {
      const sql = stream.sqls.get(s.sql_id);
      if (sql === undefined) throw new StreamError(`SQL text ${s.sql_id} is not stored`, "SQL_NOT_FOUND");
      return sql;
    }
    throw new StreamError("A statement needs `sql` or `sql_id`", "SQL_NO_STATEMENT");
  };

  const execute = (stream: Stream, stmt: Stmt): StmtResult => {
    const { conn } = stream;
    const sql = sqlOf(stream, stmt);
    try {
      const prepared = prepare(conn, sql);
      let bind: unknown[] | Record<string, unknown> = (stmt.args ?? []).map(fromValue);
      if (stmt.named_args?.length) {
        if (bind.length) throw new StreamError("Mixing positional and named arguments", "ARGS_INVALID");
        bind = Object.fromEntries(
          stmt.named_args.map((a) => [a.name.replace(/^[:@$]/, ""), fromValue(a.value)]),
        );
      }
      if (prepared.reader) {
        const [before] = conn.counters.get([]) as [number];
        prepared.safeIntegers(true).raw(true);
        const rows = prepared.all(bind) as unknown[][];
        const [after, changes, rowid] = conn.counters.get([]) as [number, number, number | bigint];
        return {
          cols: prepared.columns().map((c) => ({ name: c.name, decltype: c.type })),
          rows: stmt.want_rows === false ? [] : rows.map((r) => r.map(toValue)),
          affected_row_count: after !== before ? Number(changes) : 0,
          last_insert_rowid: String(rowid),
        };
      }
      const info = prepared.run(bind);
      return {
        cols: [],
        rows: [],
        affected_row_count: info.changes,
        last_insert_rowid: String(info.lastInsertRowid),
      };
    } catch (err) {
      throw asStreamError(err);
    }
  };

  const handle = (stream: Stream, req: StreamRequest): unknown => {
    switch (req.type) {
      case "close":
        return { type: "close" };
      case "execute":
        return { type: "execute", result: execute(stream, req.stmt) };
      case "batch": {
        const results: (StmtResult | null)[] = [];
        const errors: (HranaError | null)[] = [];
        const holds = (cond: BatchCond): boolean => {
          switch (cond.type) {
            case "ok":
              return results[cond.step] != null;
            case "error":
              return errors[cond.step] != null;
            case "not":
              return !holds(cond.cond);
            case "and":
              return cond.conds.every(holds);
            case "or":
              return cond.conds.some(holds);
            case "is_autocommit":
              return !stream.conn.db.inTransaction;
          }
        };
        for (const step of req.batch.steps) {
          if (step.condition && !holds(step.condition)) {
            results.push(null);
            errors.push(null);
            continue;
          }
          try {
            results.push(execute(stream, step.stmt));
            errors.push(null);
          } catch (err) {
            const e = asStreamError(err);
            results.push(null);
            errors.push({ message: e.message, code: e.code });
          }
        }
        return { type: "batch", result: { step_results: results, step_errors: errors } };
      }
      case "sequence":
        try {
          stream.conn.db.exec(sqlOf(stream, req));
        } catch (err) {
          throw asStreamError(err);
        }
        return { type: "sequence" };
      case "describe": {
        const prepared = prepare(stream.conn, sqlOf(stream, req));
        const sql = sqlOf(stream, req).trimStart().toUpperCase();
        return {
          type: "describe",
          result: {
            params: [],
            cols: prepared.reader ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type })) : [],
            is_explain: sql.startsWith("EXPLAIN"),
            is_readonly: /^(SELECT|WITH|VALUES|EXPLAIN)\b/.test(sql),
          },
        };
      }
      case "store_sql":
        stream.sqls.set(req.sql_id, req.sql);
        return { type: "store_sql" };
      case "close_sql":
        stream.sqls.delete(req.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: !stream.conn.db.inTransaction };
      default:
        throw new StreamError(`Unknown request type ${(req as { type: string }).type}`, "REQUEST_INVALID");
    }
  };

  const pipeline = (body: { baton?: string | null; requests?: StreamRequest[] }) => {
    let stream: Stream | undefined;
    if (body.baton) {
      stream = streams.get(body.baton);
      if (!stream)
        return Response.json({ message: "The stream has expired or never existed" }, { status: 400 });
      streams.delete(body.baton);
    } else {
      stream = { conn: take(), sqls: new Map(), lastUsed: Date.now() };
    }
    const results: unknown[] = [];
    let closed = false;
    for (const req of body.requests ?? []) {
      if (closed) {
        results.push({ type: "error", error: { message: "The stream is closed", code: "STREAM_CLOSED" } });
        continue;
      }
      try {
        results.push({ type: "ok", response: handle(stream, req) });
      } catch (err) {
        const e = asStreamError(err);
        results.push({ type: "error", error: { message: e.message, code: e.code } });
      }
      if (req.type === "close") closed = true;
    }
    let baton: string | null = null;
    if (closed) give(stream.conn);
    else {
      baton = crypto.randomUUID();
      stream.lastUsed = Date.now();
      streams.set(baton, stream);
    }
    return Response.json({ baton, base_url: null, results });
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    async fetch(request) {
      requests++;
      const url = new URL(request.url);
      if (options.authToken && request.headers.get("authorization") !== `Bearer ${options.authToken}`) {
        return new Response("Unauthorized", { status: 401, headers: { "content-type": "text/plain" } });
      }
      if (request.method === "GET" && (url.pathname === "/v2" || url.pathname === "/health")) {
        return new Response("", { status: 200 });
      }
      if (request.method === "POST" && url.pathname === "/v2/pipeline") {
        let body: { baton?: string | null; requests?: StreamRequest[] };
        try {
          body = await request.json();
        } catch {
          return Response.json({ message: "The body is not JSON" }, { status: 400 });
        }
        return pipeline(body);
      }
      return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    get requests() {
      return requests;
    },
    close() {
      clearInterval(reaper);
      server.stop(true);
      for (const stream of streams.values()) give(stream.conn);
      streams.clear();
      for (const conn of pool.splice(0)) conn.db.close();
    },
  };
}

function fromValue(v: HranaValue): unknown {
  switch (v.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(v.value);
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Buffer.from(v.base64, "base64");
    default:
      throw new StreamError(`Unknown value type ${(v as { type: string }).type}`, "VALUE_INVALID");
  }
}

function toValue(v: unknown): HranaValue {
  if (v === null || v === undefined) return { type: "null" };
  if (typeof v === "bigint") return { type: "integer", value: v.toString() };
  // Integers arrive as bigint (safeIntegers), so a number is a REAL, as sqld sends it.
  if (typeof v === "number") return { type: "float", value: v };
  if (typeof v === "string") return { type: "text", value: v };
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
    return { type: "blob", base64: Buffer.from(v as Uint8Array).toString("base64") };
  }
  return { type: "text", value: String(v) };
}

function asStreamError(err: unknown): StreamError {
  if (err instanceof StreamError) return err;
  const e = err as { message?: string; code?: string };
  const code = typeof e?.code === "string" ? e.code : "UNKNOWN";
  // libsql puts the code in front of its message; the client adds it again, so keep it once.
  return new StreamError(String(e?.message ?? err).replace(`${code}: `, ""), code);
}
