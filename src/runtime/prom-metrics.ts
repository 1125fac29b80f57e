/**
 * The Bun runtime's metrics: a prom-client registry holding the catalog of src/metrics.ts, rendered in
 * the Prometheus text format by GET /metrics. Only Bun imports this file (prom-client stays out of the
 * Worker bundle; test/workers/bundle.test.ts checks).
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Metrics } from "../deps.ts";
import { METRICS, type MetricName } from "../metrics.ts";

type Instrument = Counter<string> | Gauge<string> | Histogram<string>;

/** A registry of its own per call (tests build many apps in one process; the default one is global). */
export function createPromMetrics(): Metrics & { registry: Registry } {
  const registry = new Registry();
  const instruments = new Map<MetricName, Instrument>();
  for (const [name, spec] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
    const base = { name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
    const instrument =
      spec.type === "counter"
        ? new Counter(base)
        : spec.type === "gauge"
          ? new Gauge(base)
          : new Histogram({ ...base, buckets: [...("buckets" in spec ? spec.buckets : [])] });
    instruments.set(name, instrument);
  }
  const get = <T extends Instrument>(name: MetricName) => instruments.get(name) as T;
  return {
    registry,
    inc: (name, labels = {}, by = 1) => get<Counter<string>>(name).inc(labels, by),
    set: (name, value, labels = {}) => get<Gauge<string>>(name).set(labels, value),
    observe: (name, value, labels = {}) => get<Histogram<string>>(name).observe(labels, value),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
