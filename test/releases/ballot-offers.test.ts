/**
 * Settling a drawn ballot offers a round of winners at once: their orders are placed together (the stock
 * engine commits their holds in shared groups instead of one commit per winner), and the draw's order still
 * decides who gets bottles when there are fewer free than the allocation.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { releaseEntries } from "../../src/db/schema/ballots.ts";
import { EntrySchema } from "../../src/modules/releases/ballot.schemas.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { createPromMetrics } from "../../src/runtime/prom-metrics.ts";
import { stockGroupCommits, TEST_METRICS_TOKEN } from "../metrics/prom-text.ts";
import { openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { createTestApp, type TestApp, type TestClock } from "../support/test-app.ts";

const HOUR = 3_600_000;
let app: TestApp;
let shop: Shop;
let n = 0;
const clock = () => app.deps.clock as TestClock;
const at = (ms: number) => new Date(clock().now().getTime() + ms).toISOString();

beforeAll(async () => {
  app = await createTestApp({
    env: { METRICS_TOKEN: TEST_METRICS_TOKEN },
    deps: { metrics: createPromMetrics() },
  });
  shop = await openShop(app);
});
afterAll(() => app.close());

/** A ballot of `entrants` for `allocation` bottles with `stock` received, drawn; entries in draw order. */
async function drawn(entrants: number, allocation: number, stock: number) {
  const spiritId = await shop.spirit();
  await shop.receive(spiritId, stock, shop.loc("a"));
  const res = await app.call("POST", "/api/v1/releases", {
    headers: shop.staff.headers,
    body: { spiritId, name: "Round", mode: "ballot", allocation, opensAt: at(-HOUR), closesAt: at(HOUR) },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const release = ReleaseSchema.parse(await res.json());
  const ids: string[] = [];
  for (let i = 0; i < entrants; i++) {
    const entry = await app.call("POST", `/api/v1/releases/${release.id}/entries`, {
      headers: (await shop.customer()).headers,
      body: { shipping: { ...TEST_ADDRESS, lines: [`${++n} Round Row`], country: "GB", region: "GB-SCT" } },
    });
    expect(entry.status, await entry.clone().text()).toBe(201);
    ids.push(EntrySchema.parse(await entry.json()).id);
  }
  clock().advance(2 * HOUR);
  const before = await stockGroupCommits(app);
  await app.services.ballots.draw(release.id, shop.staff.id);
  const commits = (await stockGroupCommits(app)) - before;
  await shop.renewTokens();
  const rows = await Promise.all(
    ids.map(
      async (id) => (await app.deps.db.query.releaseEntries.findFirst({ where: eq(releaseEntries.id, id) }))!,
    ),
  );
  return { rows: rows.sort((a, b) => a.drawPosition! - b.drawPosition!), commits };
}

test("a round's winners are placed together: fewer stock commits than winners, each holding a reserved order", async () => {
  const { rows, commits } = await drawn(12, 8, 10);
  expect(rows.map((r) => r.status)).toEqual([...Array(8).fill("won"), ...Array(4).fill("waiting")]);
  const orders = await app.services.orders.orderStatuses(rows.slice(0, 8).map((r) => r.orderId!));
  expect([...orders.values()].map((o) => o.status)).toEqual(Array(8).fill("reserved"));
  expect(commits).toBeGreaterThan(0);
  expect(commits).toBeLessThan(8);
});

test("fewer free bottles than the allocation: the first in draw order get them, the rest wait in line", async () => {
  const { rows } = await drawn(8, 6, 3);
  expect(rows.map((r) => r.status)).toEqual([...Array(3).fill("won"), ...Array(5).fill("waiting")]);
  expect(rows.slice(3).every((r) => r.orderId === null)).toBe(true);
});
