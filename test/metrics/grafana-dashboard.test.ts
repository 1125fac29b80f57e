/** ops/grafana-dashboard.json graphs what /metrics serves: every name it queries exists, every metric is graphed. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { METRICS } from "../../src/metrics.ts";
import { createPromMetrics } from "../../src/runtime/prom-metrics.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { declaredMetrics } from "./prom-text.ts";

type Panel = { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] };
const dashboard = (await Bun.file(new URL("../../ops/grafana-dashboard.json", import.meta.url)).json()) as {
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
  __inputs: { name: string; pluginId: string }[];
};
const graphs = dashboard.panels.filter((p) => p.type !== "row");
const exprs = graphs.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
/** Grafana's reference to the data source variable (a plain string, not a JavaScript template). */
const DS_VARIABLE = ["$", "{DS_PROMETHEUS}"].join("");
const namesIn = (expr: string) => [...expr.matchAll(/\bangelshare_[a-z_]+/g)].map((m) => m[0]);

let t: TestApp;
let text: string;
beforeAll(async () => {
  const token = "metrics-token-0123456789";
  t = await createTestApp({ env: { METRICS_TOKEN: token }, deps: { metrics: createPromMetrics() } });
  await t.call("GET", "/healthz");
  text = await (await t.call("GET", "/metrics", { headers: { Authorization: `Bearer ${token}` } })).text();
});
afterAll(() => t.close());

test("every metric name the dashboard's PromQL uses is served by /metrics", () => {
  const declared = declaredMetrics(text);
  const missing = new Set<string>();
  for (const name of exprs.flatMap(namesIn)) {
    const base = name.replace(/_(bucket|count|sum)$/, "");
    const ok = declared.has(name) || (base !== name && declared.get(base) === "histogram");
    if (!ok) missing.add(name);
  }
  expect(exprs.length).toBeGreaterThan(10);
  expect([...missing]).toEqual([]);
});

test("every metric /metrics serves has a panel", () => {
  const used = new Set(exprs.flatMap(namesIn).map((n) => n.replace(/_(bucket|count|sum)$/, "")));
  expect(Object.keys(METRICS).filter((name) => !used.has(name))).toEqual([]);
  for (const name of Object.keys(METRICS)) expect(declaredMetrics(text).has(name)).toBe(true);
});

test("it loads as is: every panel queries the templated Prometheus data source", () => {
  expect(dashboard.__inputs.map((i) => [i.name, i.pluginId])).toEqual([["DS_PROMETHEUS", "prometheus"]]);
  expect(dashboard.templating.list.find((v) => v.name === "DS_PROMETHEUS")?.type).toBe("datasource");
  for (const p of graphs)
    expect({ title: p.title, uid: p.datasource?.uid }).toEqual({ title: p.title, uid: DS_VARIABLE });
});
