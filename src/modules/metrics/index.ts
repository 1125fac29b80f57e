/**
 * `GET /metrics`: the Prometheus text exposition (Bun; Workers log their metrics instead). Never public
 * by default. On the API's port it is served only with METRICS_TOKEN set, to callers that send it as a
 * bearer token (401 otherwise); on a separate METRICS_PORT listener (src/runtime/bun.ts) the token is
 * asked only when set, since that port is meant for the scraper alone. Otherwise 404, as if absent.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { notFound, ProblemError } from "../../http/problem.ts";
import { refreshScrapeGauges } from "./scrape-gauges.ts";

/** `dedicatedPort`: this router serves the METRICS_PORT listener, not the API's port. */
export function metricsRouter(options: { dedicatedPort: boolean }) {
  return new Hono<AppEnv>().get("/metrics", async (c) => {
    const deps = c.get("deps");
    const services = c.get("services");
    const { METRICS_TOKEN: token, METRICS_PORT: port } = deps.config;
    const served = options.dedicatedPort || (token !== undefined && port === undefined);
    const render = deps.metrics?.render;
    if (!served || !render) throw notFound("The resource");
    if (token !== undefined && !sameSecret(bearerOf(c.req.header("Authorization")), token)) {
      throw new ProblemError(401, "Metrics need the configured METRICS_TOKEN as a bearer token.", {
        headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
      });
    }
    await refreshScrapeGauges(deps, services);
    const { contentType, body } = await render.call(deps.metrics);
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });
}

const bearerOf = (header: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1] ?? "";

/** Compares without stopping at the first difference, so the answer time says nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i]!;
  return diff === 0;
}
