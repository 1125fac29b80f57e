import type { Deps } from "../../deps.ts";
import type { Services } from "../../services.ts";

/**
 * Gauges read when Prometheus scrapes rather than kept up to date on every change: the watchers this
 * process serves (the stock hub's own count) and the outbox's lag (one indexed query).
 */
export async function refreshScrapeGauges(deps: Deps, services: Services): Promise<void> {
  const metrics = deps.metrics;
  if (!metrics) return;
  const hub = services.stockStream.hub.stats();
  metrics.set("angelshare_stock_watchers", hub.sockets, { transport: "websocket" });
  metrics.set("angelshare_stock_watchers", hub.eventStreams, { transport: "sse" });
  const lag = await services.events.lag();
  metrics.set("angelshare_outbox_lag_seconds", lag.oldestAgeSeconds);
  metrics.set("angelshare_outbox_pending_events", lag.pending);
}
