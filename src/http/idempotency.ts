/**
 * `Idempotency-Key` for requests that create orders or change stock: a retry with the same key and the
 * same request gets the first answer back (same status, body and Location, plus `Idempotent-Replayed:
 * true`) and runs nothing; the same key with another request is refused with 422.
 *
 * How: before the handler runs, the key is reserved with one atomic upsert that writes a pending marker
 * (so of two concurrent duplicates exactly one runs; the other gets 409 `idempotency-key-in-flight`).
 * After the handler, a non-5xx answer is stored on that row; a 5xx (or a crash) frees the key so a retry
 * runs again, and so does an answer made before the handler ran (a body that failed validation, JSON that
 * does not parse, the wrong media type): the operation never started, so a corrected retry with the same
 * key runs (as Stripe keeps no result for those). Keys are kept 24 hours: an older row is treated as absent and `purgeIdempotencyKeys`
 * deletes it. A pending marker older than five minutes is taken to be from a process that died mid-request,
 * and a retry may take it over.
 *
 * Usage: `middleware: [requireRole(), idempotent("orders.create")]` and `request: { headers:
 * IdempotencyKeyHeader, ... }`; the route's responses must list 400, 409 and 422 (the middleware's own).
 */
import { z } from "@hono/zod-openapi";
import type { Client } from "@libsql/client";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { Clock } from "../deps.ts";
import { canonicalJson, sha256Hex } from "../digest.ts";
import { handlerRan } from "./openapi.ts";
import { ProblemError } from "./problem.ts";

/** How long a key and its answer are kept: a retry within this window gets the first answer. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** After this, a key still pending belongs to a request that will never finish (its process died). */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60 * 1000;

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;
/** Answer headers worth replaying; the rest (request id, rate limit, dates) belong to each request. */
const REPLAYED_HEADERS = ["content-type", "location", "content-location", "etag"];

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(KEY_SHAPE, "must be 1 to 255 visible ASCII characters")
    .optional()
    .openapi({
      // Named in lower case, as the header validator sees it (header names ignore case); a differently
      // cased `param.name` makes the document generator fail with "Conflicting names for parameter".
      description:
        "Makes a retry safe: a request with the same key and the same body (within 24 hours) gets the first " +
        "answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another body " +
        "is refused (422 `idempotency-key-reused`); a retry while the first is still running gets 409 " +
        "`idempotency-key-in-flight`. Input refused before anything ran (a body that fails validation, " +
        "JSON that does not parse) keeps nothing, so the corrected request may reuse the key. " +
        "1 to 255 visible ASCII characters; a UUID is a good choice.",
      example: "5f0c8a8e-4b9e-4f0e-9d0b-3a6f2c1d7e11",
    }),
});

/** For a route's success response: `headers: IdempotentReplayedHeader`. */
export const IdempotentReplayedHeader = z.object({
  "Idempotent-Replayed": z.literal("true").optional().openapi({
    description: "Present when this is the stored answer to an earlier request with the same key.",
  }),
});

/** What makes two requests "the same": the path with its query, and the body (canonical when it is JSON). */
async function requestHash(pathAndQuery: string, body: string): Promise<string> {
  let canonical = body;
  if (body.trim() !== "") {
    try {
      canonical = canonicalJson(JSON.parse(body));
    } catch {
      // Not JSON: the raw text decides (the route's own validation will refuse it).
    }
  }
  return sha256Hex(`${pathAndQuery}\n${canonical}`);
}

type StoredRow = {
  request_hash: string;
  status: number;
  body: string;
  headers: string;
  completed_at: string | null;
};

/** The database side: reserve, complete, release, read and purge keys (raw SQL: one statement each). */
export function idempotencyStore(client: Client, clock: Clock) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    /** True when this request now owns the key: it was free, expired, or abandoned. */
    async reserve(scope: string, key: string, hash: string): Promise<boolean> {
      const now = clock.now().getTime();
      const r = await client.execute({
        sql: `INSERT INTO idempotency_keys (key, scope, request_hash, status, body, headers, created_at, completed_at)
              VALUES (?, ?, ?, 0, '', '{}', ?, NULL)
              ON CONFLICT (scope, key) DO UPDATE SET
                request_hash = excluded.request_hash, status = 0, body = '', headers = '{}',
                created_at = excluded.created_at, completed_at = NULL
              WHERE idempotency_keys.created_at < ?
                 OR (idempotency_keys.completed_at IS NULL AND idempotency_keys.created_at < ?)`,
        args: [
          key,
          scope,
          hash,
          iso(now),
          iso(now - IDEMPOTENCY_KEY_TTL_MS),
          iso(now - IDEMPOTENCY_ABANDONED_MS),
        ],
      });
      return r.rowsAffected === 1;
    },
    async read(scope: string, key: string): Promise<StoredRow | undefined> {
      const r = await client.execute({
        sql: `SELECT request_hash, status, body, headers, completed_at FROM idempotency_keys
              WHERE scope = ? AND key = ? AND created_at >= ?`,
        args: [scope, key, iso(clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS)],
      });
      return r.rows[0] as unknown as StoredRow | undefined;
    },
    async complete(
      scope: string,
      key: string,
      hash: string,
      answer: { status: number; body: string; headers: Record<string, string> },
    ) {
      await client.execute({
        sql: `UPDATE idempotency_keys SET status = ?, body = ?, headers = ?, completed_at = ?
              WHERE scope = ? AND key = ? AND request_hash = ? AND completed_at IS NULL`,
        args: [
          answer.status,
          answer.body,
          JSON.stringify(answer.headers),
          clock.now().toISOString(),
          scope,
          key,
          hash,
        ],
      });
    },
    /** Frees a key whose request failed (5xx or a crash), so a retry runs again. */
    async release(scope: string, key: string, hash: string) {
      await client.execute({
        sql: "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND request_hash = ? AND completed_at IS NULL",
        args: [scope, key, hash],
      });
    },
  };
}

/**
 * Deletes keys older than 24 hours; returns how many. Runtimes call it on a timer (Bun: hourly) or from a
 * cron trigger; reads already ignore expired keys, so a late purge only costs disk.
 */
export async function purgeIdempotencyKeys(deps: { client: Client; clock: Clock }): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS).toISOString();
  const r = await deps.client.execute({
    sql: "DELETE FROM idempotency_keys WHERE created_at < ?",
    args: [before],
  });
  return r.rowsAffected;
}

/**
 * The middleware. `scope` names the operation ("orders.create"); the key is scoped to the caller (or
 * "anonymous"), the method, the route's path pattern and that name, so two callers never share a key.
 */
export function idempotent(scope: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("Idempotency-Key");
    if (key === undefined) return next();
    if (!KEY_SHAPE.test(key)) {
      throw new ProblemError(400, "The Idempotency-Key header must be 1 to 255 visible ASCII characters.", {
        code: "idempotency-key-invalid",
        errors: [{ path: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters" }],
      });
    }
    const deps = c.get("deps");
    const store = idempotencyStore(deps.client, deps.clock);
    const caller = c.get("principal")?.id ?? "anonymous";
    const scopeKey = `${scope}|${caller}|${c.req.method} ${c.req.routePath}`;
    const url = new URL(c.req.url);
    const hash = await requestHash(url.pathname + url.search, await c.req.text());

    // Not ours: answer from the stored row. A row that vanished in between (its request failed and freed
    // it, or it was purged) means the key is free again, so try once more.
    for (let attempt = 0; !(await store.reserve(scopeKey, key, hash)); attempt++) {
      const row = await store.read(scopeKey, key);
      if (!row) {
        if (attempt < 2) continue;
        throw inFlight();
      }
      if (row.request_hash !== hash) {
        throw new ProblemError(
          422,
          "This Idempotency-Key was already used for a different request; send a new key with a new request.",
          { code: "idempotency-key-reused" },
        );
      }
      if (row.completed_at === null) throw inFlight();
      const headers: Record<string, string> = { ...JSON.parse(row.headers), "Idempotent-Replayed": "true" };
      return c.body(row.body, row.status as 200, headers);
    }

    try {
      await next();
    } catch (err) {
      await store.release(scopeKey, key, hash);
      throw err;
    }
    const res = c.res;
    if (res.status >= 500 || !handlerRan(c)) {
      await store.release(scopeKey, key, hash);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    try {
      await store.complete(scopeKey, key, hash, {
        status: res.status,
        body: await res.clone().text(),
        headers,
      });
    } catch (err) {
      // The change is made and the client gets its answer; a retry meets the pending marker (409) until
      // it is abandoned. Worth a log line, not a failed request.
      deps.logger.log("error", { msg: "idempotency answer not stored", scope, err: String(err) });
    }
  });
}

const inFlight = () =>
  new ProblemError(409, "A request with this Idempotency-Key is still being processed; retry shortly.", {
    code: "idempotency-key-in-flight",
    headers: { "Retry-After": "1" },
  });
