/**
 * HTTP caching of public reads (catalog, search, reviews, stock): a strong `ETag` over the exact bytes
 * of the answer, `Cache-Control` from the configuration, `Vary`, and `304 Not Modified` (no body) when the
 * caller's `If-None-Match` names the current tag.
 *
 * - An answer to a request that carries `Authorization` may be personalised (staff see archived spirits
 *   and stock by batch, authors their own pending reviews): `private, no-cache`, so no shared cache keeps
 *   it and the caller's own copy is always revalidated. Anonymous answers are `public`.
 * - `Vary: Authorization, Accept-Encoding` on both, so a shared cache never hands a signed-in caller's
 *   answer to anyone else (or the public one to a signed-in caller) and keeps encodings apart.
 * - Catalog data (spirits, lists, search, reviews) may be served `stale-while-revalidate`; stock is never
 *   served stale: a short max-age only (or `no-cache` with HTTP_CACHE_STOCK_MAX_AGE=0).
 *
 * The tag is a hash of the body, so it changes exactly when the answer does, after any kind of write,
 * on any runtime, without each write path having to bump a version. Used as route middleware
 * (`...cachedRead("catalog")` in a createRoute), which also documents the headers and the 304.
 */
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { Config } from "../config.ts";

export type Freshness = "catalog" | "stock";

type CacheConfig = Pick<
  Config,
  "HTTP_CACHE_MAX_AGE" | "HTTP_CACHE_STALE_WHILE_REVALIDATE" | "HTTP_CACHE_STOCK_MAX_AGE"
>;

export const VARY = "Authorization, Accept-Encoding";

/** The Cache-Control of an answer of this kind, to a caller signed in (personal) or not. */
export function cacheControl(config: CacheConfig, freshness: Freshness, personal: boolean): string {
  if (personal) return "private, no-cache";
  const maxAge = freshness === "stock" ? config.HTTP_CACHE_STOCK_MAX_AGE : config.HTTP_CACHE_MAX_AGE;
  if (maxAge <= 0) return "public, no-cache";
  const stale = freshness === "catalog" ? config.HTTP_CACHE_STALE_WHILE_REVALIDATE : 0;
  return stale > 0
    ? `public, max-age=${maxAge}, stale-while-revalidate=${stale}`
    : `public, max-age=${maxAge}, must-revalidate`;
}

/**
 * A strong entity tag for these bytes: their length and a 64-bit hash of them (two 32-bit multiply-xor
 * lanes over 32-bit words, cyrb53's finaliser), quoted. Not cryptographic, and need not be: a tag only has to
 * change when the bytes do, and the length plus 64 bits make an unnoticed change out of reach. SHA-256
 * through crypto.subtle cost about a sixth of a list of 20 spirits' CPU time (the README's profile).
 */
export function entityTag(bytes: ArrayBuffer): string {
  const length = bytes.byteLength;
  const words = new Uint32Array(bytes, 0, length >>> 2);
  let h1 = 0xdeadbeef ^ length;
  let h2 = 0x41c6ce57 ^ length;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
  }
  const tail = new Uint8Array(bytes, words.length * 4);
  for (let i = 0; i < tail.length; i++) {
    h1 = Math.imul(h1 ^ tail[i]!, 2654435761);
    h2 = Math.imul(h2 ^ tail[i]!, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return `"${length.toString(36)}-${hex(h2)}${hex(h1)}"`;
}

/**
 * Whether `If-None-Match` names the tag. RFC 9110 §13.1.2 compares weakly here: `W/"x"` matches `"x"`,
 * and `*` matches any current answer.
 */
export function noneMatchHits(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  for (const part of header.split(",")) {
    const candidate = part.trim();
    if ((candidate.startsWith("W/") ? candidate.slice(2) : candidate) === tag) return true;
  }
  return false;
}

/** Adds our Vary fields to any the response already has (CORS adds Origin). */
function mergedVary(existing: string | null): string {
  if (!existing) return VARY;
  const have = new Set(existing.split(",").map((v) => v.trim().toLowerCase()));
  const extra = VARY.split(", ").filter((v) => !have.has(v.toLowerCase()));
  return extra.length ? `${existing}, ${extra.join(", ")}` : existing;
}

/** The middleware: tags each 200 answer, sets its caching headers, and turns a matching request into a 304. */
export function httpCache(freshness: Freshness): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (res.status !== 200 || (c.req.method !== "GET" && c.req.method !== "HEAD")) return;
    const bytes = await res.arrayBuffer();
    const tag = entityTag(bytes);
    const headers = new Headers(res.headers);
    headers.set("ETag", tag);
    headers.set(
      "Cache-Control",
      cacheControl(c.get("deps").config, freshness, c.req.header("Authorization") !== undefined),
    );
    headers.set("Vary", mergedVary(headers.get("Vary")));
    if (noneMatchHits(c.req.header("If-None-Match"), tag)) {
      for (const h of ["Content-Type", "Content-Length", "Server-Timing"]) headers.delete(h);
      c.res = undefined;
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    c.res = undefined;
    c.res = new Response(bytes, { status: 200, headers });
  };
}

/** The caching headers of a cached read's 200 and 304, for the document. */
export const CACHE_HEADERS = z.object({
  ETag: z.string().openapi({
    description: "A strong entity tag of this answer; send it back in `If-None-Match` to revalidate.",
    example: '"1ab-9f86d081884c7d65"',
  }),
  "Cache-Control": z.string().openapi({
    description:
      "`public, max-age=…` (with `stale-while-revalidate` for catalog data) without a token; `private, no-cache` with one, since the answer may be the caller's own.",
    example: "public, max-age=10, stale-while-revalidate=30",
  }),
  Vary: z.string().openapi({ description: "Authorization, Accept-Encoding.", example: VARY }),
});

/**
 * `If-None-Match` as a documented parameter of every operation that can answer 304 (added by
 * buildOpenApiDocument). Not a zod header schema on the routes: validating headers costs every read
 * building an object of all of them, and the middleware reads this one itself.
 */
export const IF_NONE_MATCH_PARAMETER = {
  name: "If-None-Match",
  in: "header",
  required: false,
  description:
    "Entity tags from earlier answers (`ETag`); when one is current the answer is `304 Not Modified` with no body.",
  schema: { type: "string", example: '"1ab-9f86d081884c7d65"' },
} as const;

/** The 200 of a cached read: its JSON plus the caching headers. */
export const cachedContent = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
  headers: CACHE_HEADERS,
});

/** The 304 a cached read answers to a current `If-None-Match`. */
export const NOT_MODIFIED = {
  304: {
    description: "Not modified: the `If-None-Match` tag is current. No body; the caching headers again.",
    headers: CACHE_HEADERS,
  },
} as const;

/** The route-config part of a cached read: the middleware (spread into `createRoute`). */
export const cachedRead = (freshness: Freshness) => ({ middleware: [httpCache(freshness)] });
