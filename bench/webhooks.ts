/**
 * Webhook throughput: N events (--events, default 2000) into the outbox, dispatched to E endpoints
 * (--endpoints, default 2) and sent to a local receiver (a Bun.serve in another process, verifying nothing:
 * the sender is measured). Prints the time to dispatch (outbox to queued deliveries) and to send, the
 * deliveries per second and the attempt latencies (p50/p99), against a baseline in the same run: the same
 * number of bare signed POSTs from a loop with the same concurrency (no database).
 *
 *   flock /tmp/angelshare-heavy.lock bun bench/webhooks.ts --events 2000 --endpoints 2
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { signedHeaders } from "../src/modules/webhooks/signing.ts";
import { deliverEvents } from "../src/runtime/event-work.ts";
import { createTestApp } from "../test/support/test-app.ts";

const { values } = parseArgs({
  options: { events: { type: "string", default: "2000" }, endpoints: { type: "string", default: "2" } },
});
const events = Number(values.events);
const endpoints = Number(values.endpoints);

const receiverSource = `Bun.serve({ hostname: "127.0.0.1", port: 0, async fetch(r) { await r.arrayBuffer(); return new Response(null, { status: 204 }); } }).port`;
const receiver = Bun.spawn(["bun", "-e", `console.log(${receiverSource})`], { stdout: "pipe" });
const reader = receiver.stdout.getReader();
const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
// The child printed its port and keeps serving (Bun.serve holds it open).
const url = `http://127.0.0.1:${port}/hooks`;

const app = await createTestApp({
  env: { WEBHOOKS_ALLOW_PRIVATE_URLS: "true" },
  clock: { now: () => new Date() },
});
const staff = await app.signIn("staff");
for (let i = 0; i < endpoints; i++) {
  const res = await app.call("POST", "/api/v1/webhooks/endpoints", {
    headers: staff.headers,
    body: { url, eventTypes: ["spirit.created"] },
  });
  if (res.status !== 201) throw new Error(`endpoint: ${res.status}`);
}
// Events straight into the outbox (the producers are measured elsewhere).
const at = new Date().toISOString();
const rows = Array.from({ length: events }, (_, i) => ({
  sql: "INSERT INTO outbox_events (id, type, subject, occurred_at, payload) VALUES (?, 'spirit.created', ?, ?, ?)",
  args: [`evt_bench_${i}`, `spr_${i}`, at, JSON.stringify({ spiritId: `spr_${i}`, name: `Bench Malt ${i}` })],
}));
for (let i = 0; i < rows.length; i += 500) await app.deps.client.batch(rows.slice(i, i + 500), "write");

const t0 = performance.now();
let dispatched = 0;
for (;;) {
  const r = await app.services.events.dispatch({ batchSize: 500 });
  dispatched += r.consumers.reduce((n, c) => n + c.handled, 0);
  if (!r.more) break;
}
const t1 = performance.now();
let delivered = 0;
for (;;) {
  const r = await app.services.webhooks.sendDue({ limit: 200 });
  delivered += r.delivered;
  if (r.attempted === 0) break;
}
const t2 = performance.now();
await deliverEvents(app.services);
const latency = (
  await app.deps.client.execute("SELECT latency_ms FROM webhook_attempts ORDER BY latency_ms")
).rows.map((r) => Number(r.latency_ms));
const pct = (p: number) => latency[Math.min(latency.length - 1, Math.floor((p / 100) * latency.length))] ?? 0;

// Baseline: the same POSTs, signed, 8 at a time, no database.
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const total = events * endpoints;
const b0 = performance.now();
for (let i = 0; i < total; i += 8) {
  await Promise.all(
    Array.from({ length: Math.min(8, total - i) }, (_, j) => {
      const body = JSON.stringify({
        id: `evt_${i + j}`,
        type: "spirit.created",
        data: { spiritId: `spr_${i + j}` },
      });
      return fetch(url, {
        method: "POST",
        body,
        headers: signedHeaders(`evt_${i + j}`, new Date(), body, [secret]),
      }).then((r) => r.arrayBuffer());
    }),
  );
}
const b1 = performance.now();
receiver.kill();
app.close();

const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString("en-GB");
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`${events} events x ${endpoints} endpoints = ${total} deliveries (8 in flight)`);
console.log(
  `dispatch (outbox -> queued deliveries): ${(t1 - t0).toFixed(0)} ms, ${perSec(dispatched, t1 - t0)} events/s`,
);
console.log(
  `send: ${delivered} delivered in ${(t2 - t0 - (t1 - t0)).toFixed(0)} ms, ${perSec(delivered, t2 - t1)} deliveries/s; attempt latency p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
);
console.log(
  `baseline (bare signed POSTs, no database): ${perSec(total, b1 - b0)} requests/s -> sender ${(delivered / (t2 - t1) / (total / (b1 - b0))).toFixed(2)}x`,
);
if (delivered !== total) {
  console.error(`delivered ${delivered} of ${total}`);
  process.exit(1);
}
