/**
 * The metrics the app records, in one catalog: the Prometheus registry on Bun (src/runtime/prom-metrics.ts)
 * is built from it, the Workers' metric log lines use the same names, and ops/grafana-dashboard.json
 * graphs them (its test checks every name it queries is here and in /metrics).
 *
 * Labels stay bounded: HTTP routes are route templates, methods a fixed set, statuses a class (2xx...);
 * nothing per spirit, customer or request.
 */
import type { Logger, Metrics } from "./deps.ts";

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS = {
  angelshare_http_requests_total: {
    type: "counter",
    help: "HTTP requests answered, by method, route template and status class.",
    labels: ["method", "route", "status_class"],
  },
  angelshare_http_request_errors_total: {
    type: "counter",
    help: "HTTP requests answered with a 5xx (a bug or an outage), by method, route template and status class.",
    labels: ["method", "route", "status_class"],
  },
  angelshare_http_request_duration_seconds: {
    type: "histogram",
    help: "Time from a request's arrival to the app's answer, by method, route template and status class (not the Bun server's front-cache hits, which answer in microseconds).",
    labels: ["method", "route", "status_class"],
    buckets: SECONDS,
  },
  angelshare_stock_queue_depth: {
    type: "gauge",
    help: "Stock operations waiting in this process's spirit queues (all spirits).",
    labels: [],
  },
  angelshare_stock_group_size: {
    type: "histogram",
    help: "Operations committed together in one group commit.",
    labels: [],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  },
  angelshare_stock_commit_duration_seconds: {
    type: "histogram",
    help: "Time one group's atomic batch took to commit.",
    labels: [],
    buckets: SECONDS,
  },
  angelshare_stock_holds_placed_total: {
    type: "counter",
    help: "Stock holds placed.",
    labels: [],
  },
  angelshare_stock_holds_expired_total: {
    type: "counter",
    help: "Stock holds released because they lapsed.",
    labels: [],
  },
  angelshare_stock_refusals_total: {
    type: "counter",
    help: "Stock operations refused, by reason (sold-out, limit-exceeded, stale-version, ...); sold-out includes orders refused early on the coordinator's last known figure.",
    labels: ["code"],
  },
  angelshare_stock_watchers: {
    type: "gauge",
    help: "Open stock streams, by transport (websocket, sse).",
    labels: ["transport"],
  },
  angelshare_outbox_lag_seconds: {
    type: "gauge",
    help: "Age of the oldest domain event some consumer has not handled yet (0: none waiting).",
    labels: [],
  },
  angelshare_outbox_pending_events: {
    type: "gauge",
    help: "Domain events some consumer has not handled yet.",
    labels: [],
  },
  angelshare_db_query_duration_seconds: {
    type: "histogram",
    help: "Time of one database call through the libSQL client, by kind (execute, batch).",
    labels: ["kind"],
    buckets: SECONDS,
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricSpec = {
  type: "counter" | "gauge" | "histogram";
  help: string;
  labels: readonly string[];
  buckets?: readonly number[];
};

type Catalog = typeof METRICS;
type OfType<T extends MetricSpec["type"]> = {
  [K in keyof Catalog]: Catalog[K]["type"] extends T ? K : never;
}[keyof Catalog];
export type CounterName = OfType<"counter">;
export type GaugeName = OfType<"gauge">;
export type HistogramName = OfType<"histogram">;
export type MetricName = keyof Catalog;
export type MetricLabels = Record<string, string>;

/** Records nothing (tests that do not look, CLIs). */
export const noMetrics: Metrics = {
  inc() {},
  set() {},
  observe() {},
};

/**
 * Each observation as one structured log line (`msg: "metric"`), for runtimes without a scrape endpoint
 * (Workers): Workers Logs / Logpush sum and bucket them by `metric` and `labels`.
 */
export function logMetrics(logger: Logger): Metrics {
  const line = (type: MetricSpec["type"], metric: MetricName, value: number, labels?: MetricLabels) =>
    logger.log("info", { msg: "metric", metric, type, value, ...(labels && { labels }) });
  return {
    inc: (name, labels, by = 1) => line("counter", name, by, labels),
    set: (name, value, labels) => line("gauge", name, value, labels),
    observe: (name, value, labels) => line("histogram", name, value, labels),
  };
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The request's labels: a method outside the usual set is `OTHER`, so a client cannot mint new series. */
export function httpLabels(method: string, route: string, status: number): MetricLabels {
  return {
    method: METHODS.has(method) ? method : "OTHER",
    route,
    status_class: `${Math.floor(status / 100)}xx`,
  };
}
