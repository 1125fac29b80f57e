/**
 * The order path in-process (no HTTP, no sockets): what a sold-out answer and a hold cost, against a
 * validated echo POST through the same app's middleware in the same run. The echo is mounted on the same
 * app under /api/v1, so it pays everything a request pays before the handler (request context, rate-limit
 * check, body rules, JWT verification, role check, zod parsing of the same order body) and then answers
 * with the parsed body. The difference is what the order path itself costs.
 *
 * Each kind is timed as requests one after another (the cost of one, the issue's targets) and as bursts of
 * 50 at once (the cost per request when the coordinator can group them), median over rounds, on the
 * embedded libSQL file. Buyers are cycled from a pool of customers of age, so token and profile caches are
 * warm here: this measures the path, bench/flash-sale.ts measures a drop.
 *
 *   bun bench/order-path.ts [--requests 2000] [--rounds 5]
 * Targets (issue 17): sold-out <= 3x the echo, hold <= 10x the echo.
 */

import { createRouter } from "../src/http/openapi.ts";
import { openShop, TEST_ADDRESS } from "../test/orders/shop.ts";
import { createTestApp } from "../test/support/test-app.ts";
import { echoRoute } from "./echo-route.ts";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number above 0`);
    process.exit(2);
  }
  return value;
}
const REQUESTS = flag("requests", 2000);
const ROUNDS = flag("rounds", 5);
const BURST = 50;
/** `--only <kind>`: time just that kind, one at a time (for `bun --cpu-prof`: a profile of one path). */
const onlyAt = process.argv.indexOf("--only");
const ONLY = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];

const t = await createTestApp();
t.app.route(
  "/api/v1",
  createRouter().openapi(echoRoute, (c) => c.json(c.req.valid("json"), 200)),
);

const shop = await openShop(t);
const buyers = await Promise.all(Array.from({ length: 200 }, () => shop.customer()));
const soldOutSpirit = await shop.spirit();
await shop.receive(soldOutSpirit, 1);
const first = await shop.order(buyers[0]!, [{ spiritId: soldOutSpirit, quantity: 1 }]);
if (first.status !== 201) throw new Error(`setup hold: ${first.status} ${await first.text()}`);
// Enough stock that every timed hold succeeds.
const holdSpirit = await shop.spirit();
await shop.receive(holdSpirit, 1000 + ROUNDS * REQUESTS * 2 + 100);

const bodyFor = (spiritId: string) =>
  JSON.stringify({
    items: [{ spiritId, quantity: 1 }],
    shipping: { ...TEST_ADDRESS, country: "GB", region: "GB-SCT" },
  });
const kinds = [
  { name: "echo POST", path: "/api/v1/bench/echo", body: bodyFor(soldOutSpirit), status: 200 },
  { name: "sold-out answer", path: "/api/v1/orders", body: bodyFor(soldOutSpirit), status: 409 },
  { name: "hold", path: "/api/v1/orders", body: bodyFor(holdSpirit), status: 201 },
] as const;

let turn = 0;
async function one(kind: (typeof kinds)[number]) {
  const b = buyers[turn++ % buyers.length]!;
  const res = await t.app.request(kind.path, {
    method: "POST",
    headers: { ...b.headers, "Content-Type": "application/json" },
    body: kind.body,
  });
  const text = await res.text();
  if (res.status !== kind.status)
    throw new Error(`${kind.name}: ${res.status}, expected ${kind.status}: ${text}`);
}

/** Microseconds per request: `n` requests, `width` at a time. */
async function cost(kind: (typeof kinds)[number], n: number, width: number): Promise<number> {
  const start = performance.now();
  for (let done = 0; done < n; done += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - done) }, () => one(kind)));
  }
  return ((performance.now() - start) * 1000) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (n: number) => `${n.toFixed(1)} µs`.padStart(10);

if (ONLY) {
  const kind = kinds.find((k) => k.name.startsWith(ONLY));
  if (!kind) throw new Error(`--only: one of ${kinds.map((k) => k.name).join(", ")}`);
  await cost(kind, 500, 1);
  console.log(`${kind.name}: ${(await cost(kind, REQUESTS, 1)).toFixed(1)} µs one at a time`);
  t.close();
  process.exit(0);
}
// Warm-up: the JIT and every cache on the path, for each kind.
for (const kind of kinds) {
  await cost(kind, 500, 1);
  await cost(kind, 500, BURST);
}
console.log(
  `order path in-process: ${REQUESTS} requests per round, ${ROUNDS} rounds, libSQL file, bun ${Bun.version}`,
);
console.log(`${"".padEnd(18)}${"one at a time".padStart(14)}${`${BURST} at once`.padStart(14)}`);
const results = new Map<string, { serial: number; burst: number }>();
const samples = new Map(kinds.map((k) => [k.name, { serial: [] as number[], burst: [] as number[] }]));
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved, so drift in the machine's load touches every kind alike.
  for (const kind of kinds) {
    samples.get(kind.name)!.serial.push(await cost(kind, REQUESTS, 1));
    samples.get(kind.name)!.burst.push(await cost(kind, REQUESTS, BURST));
  }
}
for (const kind of kinds) {
  const s = samples.get(kind.name)!;
  const r = { serial: median(s.serial), burst: median(s.burst) };
  results.set(kind.name, r);
  console.log(`${kind.name.padEnd(18)}${us(r.serial).padStart(14)}${us(r.burst).padStart(14)}`);
}
const base = results.get("echo POST")!;
const soldOut = results.get("sold-out answer")!;
const hold = results.get("hold")!;
const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log(
  `\nsold-out / echo: ${x(soldOut.serial, base.serial)} one at a time, ${x(soldOut.burst, base.burst)} in bursts (target <= 3x: ${soldOut.serial <= 3 * base.serial ? "met" : "NOT met"})`,
);
console.log(
  `hold / echo:     ${x(hold.serial, base.serial)} one at a time, ${x(hold.burst, base.burst)} in bursts (target <= 10x: ${hold.serial <= 10 * base.serial ? "met" : "NOT met"})`,
);
t.close();
