/** Reading the Prometheus text format in tests: one sample's value, by name and exact label set. */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(",");
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.trim()) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? "")
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter(Boolean)
      .sort()
      .join(",");
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

/** Every metric family the text declares (`# TYPE name kind`). */
export function declaredMetrics(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** The token tests give METRICS_TOKEN when they read /metrics. */
export const TEST_METRICS_TOKEN = "metrics-token-0123456789";

/** How many groups the stock engine has committed so far, from the app's /metrics (made with the token). */
export async function stockGroupCommits(app: {
  call(method: string, path: string, init?: { headers?: Record<string, string> }): Promise<Response>;
}): Promise<number> {
  const res = await app.call("GET", "/metrics", {
    headers: { Authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  return sampleValue(await res.text(), "angelshare_stock_group_size_count") ?? 0;
}
