/**
 * The front cache: whole public answers of `GET /api/v1/spirits/{id}`, kept as bytes and answered (200, or
 * 304 for a current If-None-Match) ahead of the Hono pipeline. Why: the pipeline's per-request floor (the
 * request context, CORS, routing, body rules, auth, zod, the caching middleware re-hashing the body) was
 * about four fifths of a hot spirit read (bench/reads.ts header); a stored answer needs none of it.
 *
 * What every request still gets, the same as through the app (test/http/front-cache.test.ts holds parity):
 *  - the per-client rate limit, on the same limiter and key as src/http/api-rate-limit.ts; over budget the
 *    request goes the normal way, whose 429 is the app's own (a refused take does not count);
 *  - its own X-Request-Id (the caller's when sane) and traceparent (the caller's trace continued);
 *  - the RED metrics under the route's template, and one log line (see `logHit`).
 *
 * What may use it: anonymous GETs only (no Authorization, no Cookie), of the one route whose answer is the
 * catalog row (and, for a spirit sold in variants, its variants with their stock). Everything else, and any answer that is not a public 200, goes the normal way.
 * Keys are path + query + Accept-Encoding + Origin (CORS headers differ by origin).
 *
 * Correctness: an entry is dropped by exactly what drops the catalog's hot spirit (`onSpiritChange`, called by
 * `forgetSpirit` on every write of the row or of its variants, reviews' recounts included), before that write
 * answers. An answer that lists variants carries their stock, so the coordinator's stock events of its spirit
 * drop it too (answers without variants carry no stock and stay through a drop's churn). A fill that
 * started before such a drop is not stored (a generation count, as src/db/read-cache.ts does). Entries live at
 * most READ_CACHE_MS, which bounds what another process writing the same database leaves; the front cache is
 * off when that is 0. Pure: no runtime API, so tests drive it in-process.
 */
import type { Deps } from "../deps.ts";
import { httpLabels } from "../metrics.ts";
import { API_RATE_POLICY, apiRateKey, apiRateLimitHeader } from "./api-rate-limit.ts";
import { noneMatchHits } from "./http-cache.ts";
import { formatTraceparent, traceFromHeader } from "./trace-context.ts";

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

type Entry = {
  spiritId: string;
  body: Blob;
  etag: string;
  /** The answer's own headers, without the per-request ones (copied for each answer). */
  headers: Headers;
  /** The same for a 304 (no Content-Type). */
  notModified: Headers;
  until: number;
  /** The answer lists variants with their availability: a stock change of the spirit makes it stale. */
  withStock: boolean;
};

export type FrontCache = {
  entries: Map<string, Entry>;
  /** Keys by spirit id, so a write drops every encoding and origin of that spirit. */
  bySpirit: Map<string, Set<string>>;
  generation: number;
  /** Per spirit, grows with each of its stock events: a fill that spans one keeps no answer with stock. */
  stockGeneration: Map<string, number>;
  ttlMs: number;
  maxEntries: number;
};

const PREFIX = "/api/v1/spirits/";
const ROUTE = "/api/v1/spirits/:id";
/** Answer headers that belong to one request, not to the stored answer. */
const PER_REQUEST = new Set(["x-request-id", "traceparent", "ratelimit", "ratelimit-policy", "date"]);
const NOT_IN_304 = new Set(["content-type", "content-length", "server-timing"]);
const SANE_REQUEST_ID = /^[\w\-=]{1,128}$/;
const COUNT_FLUSH_MS = 250;

export function createFrontCache(options: { ttlMs: number; maxEntries?: number }): FrontCache {
  return {
    entries: new Map(),
    bySpirit: new Map(),
    generation: 0,
    stockGeneration: new Map(),
    ttlMs: options.ttlMs,
    maxEntries: options.maxEntries ?? 10_000,
  };
}

/** Drops every stored answer of the spirit (wired to the catalog's onSpiritChange). */
export function forgetFrontSpirit(cache: FrontCache, spiritId: string): void {
  cache.generation++;
  const keys = cache.bySpirit.get(spiritId);
  if (!keys) return;
  cache.bySpirit.delete(spiritId);
  for (const key of keys) cache.entries.delete(key);
}

/** After a committed stock change of the spirit: drops its stored answers that show stock (variants'). */
export function forgetFrontStock(cache: FrontCache, spiritId: string): void {
  cache.stockGeneration.set(spiritId, (cache.stockGeneration.get(spiritId) ?? 0) + 1);
  const keys = cache.bySpirit.get(spiritId);
  if (!keys) return;
  for (const key of [...keys]) {
    const entry = cache.entries.get(key);
    if (entry?.withStock) forgetKey(cache, key, entry);
  }
}

function forgetKey(cache: FrontCache, key: string, entry: Entry) {
  cache.entries.delete(key);
  const keys = cache.bySpirit.get(entry.spiritId);
  keys?.delete(key);
  if (keys?.size === 0) cache.bySpirit.delete(entry.spiritId);
}

function store(cache: FrontCache, key: string, entry: Entry) {
  const old = cache.entries.get(key);
  if (old) forgetKey(cache, key, old);
  cache.entries.set(key, entry);
  const keys = cache.bySpirit.get(entry.spiritId) ?? new Set<string>();
  cache.bySpirit.set(entry.spiritId, keys);
  keys.add(key);
  while (cache.entries.size > cache.maxEntries) {
    const [oldestKey, oldest] = cache.entries.entries().next().value as [string, Entry];
    forgetKey(cache, oldestKey, oldest);
  }
}

/** The spirit id of a cacheable path+query, or undefined for any other request. */
function spiritIdOf(pathAndQuery: string): string | undefined {
  if (!pathAndQuery.startsWith(PREFIX)) return undefined;
  const q = pathAndQuery.indexOf("?");
  const segment = pathAndQuery.slice(PREFIX.length, q < 0 ? undefined : q);
  if (!segment || segment.includes("/")) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

type Served = Pick<
  Deps,
  "config" | "logger" | "metrics" | "rateLimiter" | "clientAddress" | "stockEvents"
> & {
  onSpiritChange(listener: (spiritId: string) => void): () => void;
};

/**
 * The runtime's fetch handler with the front cache ahead of `fetch` (the app's), wired to the catalog's
 * invalidation. Undefined-free: with READ_CACHE_MS=0 it answers `fetch` itself.
 */
export function withFrontCache(fetch: Fetch, deps: Served, cache?: FrontCache): Fetch {
  if (deps.config.READ_CACHE_MS <= 0) return fetch;
  const front = cache ?? createFrontCache({ ttlMs: deps.config.READ_CACHE_MS });
  deps.onSpiritChange((id) => forgetFrontSpirit(front, id));
  deps.stockEvents.subscribeAll((event) => forgetFrontStock(front, event.spiritId));
  const perMinute = deps.config.RATE_LIMIT_PER_MINUTE;
  const limits = perMinute > 0 ? { limiter: deps.rateLimiter, perMinute } : undefined;
  const labels200 = httpLabels("GET", ROUTE, 200);
  const labels304 = httpLabels("GET", ROUTE, 304);

  const counts = { ok: 0, notModified: 0, flushing: false };
  const flush = () => {
    counts.flushing = false;
    if (counts.ok) deps.metrics?.inc("angelshare_http_requests_total", labels200, counts.ok);
    if (counts.notModified)
      deps.metrics?.inc("angelshare_http_requests_total", labels304, counts.notModified);
    counts.ok = counts.notModified = 0;
  };
  /**
   * Hits are added to the request counter in bulk, at most COUNT_FLUSH_MS later: prom-client's inc and
   * observe cost about as much as the whole answer. Their durations (microseconds, always the first
   * bucket) are not observed: angelshare_http_request_duration_seconds is the app's.
   */
  const count = (notModified: boolean) => {
    if (!deps.metrics) return;
    if (notModified) counts.notModified++;
    else counts.ok++;
    if (counts.flushing) return;
    counts.flushing = true;
    const timer = setTimeout(flush, COUNT_FLUSH_MS) as { unref?: () => void };
    timer.unref?.();
  };

  return (request, env) => {
    const url = request.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    const headers = request.headers;
    if (
      url.startsWith(PREFIX, pathStart) === false ||
      request.method !== "GET" ||
      headers.has("authorization") ||
      headers.has("cookie")
    ) {
      return fetch(request, env);
    }
    const pathAndQuery = url.slice(pathStart);
    const key = `${pathAndQuery}\n${headers.get("accept-encoding") ?? ""}\n${headers.get("origin") ?? ""}`;
    const entry = front.entries.get(key);
    const started = performance.now();
    if (entry && entry.until > started) {
      if (!limits) return answer(entry, request, pathAndQuery, started, undefined);
      return limits.limiter
        .take(apiRateKey(clientAddressOf(deps, request, env)), { limit: limits.perMinute, windowMs: 60_000 })
        .then((decision) =>
          // Over budget: the app answers its own 429 (the refused take above counted nothing).
          decision.allowed
            ? answer(entry, request, pathAndQuery, started, [
                ["RateLimit-Policy", API_RATE_POLICY(limits.perMinute)],
                ["RateLimit", apiRateLimitHeader(decision)],
              ])
            : fetch(request, env),
        );
    }
    const spiritId = spiritIdOf(pathAndQuery);
    if (spiritId === undefined) return fetch(request, env);
    if (entry) forgetKey(front, key, entry);
    return fill(key, spiritId, request, env);
  };

  /**
   * A miss: the app answers, and a public 200 is kept. The app is asked without If-None-Match, so that a
   * revalidating caller fills the cache too (a 304 has no body to keep); its 304 is then made here, from the
   * app's own headers.
   */
  async function fill(key: string, spiritId: string, request: Request, env: unknown) {
    const generation = front.generation;
    const stockGeneration = front.stockGeneration.get(spiritId) ?? 0;
    const ifNoneMatch = request.headers.get("if-none-match");
    // The same Request, not a copy: the runtime knows the caller's address by it (Bun's requestIP).
    if (ifNoneMatch !== null) request.headers.delete("if-none-match");
    const res = await fetch(request, env);
    const etag = res.headers.get("ETag");
    if (res.status !== 200 || !etag || !res.headers.get("Cache-Control")?.startsWith("public")) return res;
    const body = await res.arrayBuffer();
    const kept = new Headers();
    const notModified = new Headers();
    for (const [name, value] of res.headers) {
      if (PER_REQUEST.has(name)) continue;
      kept.append(name, value);
      if (!NOT_IN_304.has(name)) notModified.append(name, value);
    }
    const withStock = showsStock(body);
    // A write of the spirit (or, for an answer with stock, a stock change) while the app read it: what was
    // read may be old, so it is not kept.
    const raced =
      generation !== front.generation ||
      (withStock && stockGeneration !== (front.stockGeneration.get(spiritId) ?? 0));
    if (!raced) {
      store(front, key, {
        spiritId,
        body: new Blob([body]),
        etag,
        headers: kept,
        notModified,
        until: performance.now() + front.ttlMs,
        withStock,
      });
    }
    if (noneMatchHits(ifNoneMatch ?? undefined, etag)) {
      const headers = new Headers(res.headers);
      for (const name of NOT_IN_304) headers.delete(name);
      return new Response(null, { status: 304, headers });
    }
    return new Response(body, { status: 200, headers: res.headers });
  }

  function answer(
    entry: Entry,
    request: Request,
    pathAndQuery: string,
    started: number,
    rate: [string, string][] | undefined,
  ) {
    const headers = request.headers;
    const trace = traceFromHeader(headers.get("traceparent"));
    const sent = headers.get("x-request-id");
    const requestId = sent && SANE_REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
    const notModified = noneMatchHits(headers.get("if-none-match") ?? undefined, entry.etag);
    const status = notModified ? 304 : 200;
    const out = new Headers(notModified ? entry.notModified : entry.headers);
    out.set("X-Request-Id", requestId);
    out.set("traceparent", formatTraceparent(trace));
    if (rate) for (const [name, value] of rate) out.set(name, value);
    const res = new Response(notModified ? null : entry.body, { status, headers: out });
    const seconds = (performance.now() - started) / 1000;
    logHit(deps, pathAndQuery, requestId, trace.traceId, status, seconds);
    count(notModified);
    return res;
  }
}

/**
 * Whether a kept answer shows stock (a spirit sold in variants lists them with their availability), so that
 * stock events must drop it. Parsed once per fill, which is rare; a body that is not JSON counts as showing
 * stock, the safe side.
 */
function showsStock(body: ArrayBuffer): boolean {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    return typeof parsed !== "object" || parsed === null || "variants" in parsed;
  } catch {
    return true;
  }
}

function clientAddressOf(deps: Served, request: Request, env: unknown): string | undefined {
  try {
    return deps.clientAddress?.(request, env);
  } catch {
    return undefined;
  }
}

/**
 * One line per answered request, as through the app: the design promises a line per request, and a hit
 * without one would be a request nobody can find by its id. Kept per hit, not batched: the logger drops
 * it at once below its level (production runs at `info`; the benchmark at `warn`), and a batch would
 * lose lines on a crash and make their times lie.
 */
function logHit(
  deps: Served,
  pathAndQuery: string,
  requestId: string,
  traceId: string,
  status: number,
  seconds: number,
) {
  const q = pathAndQuery.indexOf("?");
  deps.logger.log("info", {
    msg: "request",
    requestId,
    traceId,
    method: "GET",
    path: q < 0 ? pathAndQuery : pathAndQuery.slice(0, q),
    route: ROUTE,
    status,
    durationMs: Math.round(seconds * 100_000) / 100,
    actor: undefined,
    cached: "front",
  });
}
