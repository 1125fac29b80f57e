/**
 * Ballots on the Bun target where the clock and the process matter: a winner's payment window ends by the
 * clock, a crash between fixing an offer's order id and placing the order is finished on the next run
 * (never a second order), entries are rate-limited per account, and the anti-bot hook refuses bots.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { releaseEntries } from "../../src/db/schema/ballots.ts";
import { orders } from "../../src/db/schema/orders.ts";
import type { HumanCheck } from "../../src/deps.ts";
import { EntrySchema } from "../../src/modules/releases/ballot.schemas.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { type Caller, openShop, type Shop, TEST_ADDRESS } from "../orders/shop.ts";
import { createTestApp, type TestApp, type TestClock } from "../support/test-app.ts";

const HOUR = 3_600_000;
const humanCheck: HumanCheck = { verify: async (token) => token === "a-real-person" };

let app: TestApp;
let shop: Shop;
let n = 0;
const clock = () => app.deps.clock as TestClock;
const at = (ms: number) => new Date(clock().now().getTime() + ms).toISOString();
const address = () => ({ ...TEST_ADDRESS, lines: [`${++n} Heriot Row`], country: "GB", region: "GB-SCT" });

beforeAll(async () => {
  app = await createTestApp({
    env: { DROP_ENTRIES_PER_MINUTE_ACCOUNT: "3", DROP_ENTRIES_PER_MINUTE_CLIENT: "0" },
    deps: { humanCheck },
  });
  shop = await openShop(app);
});
afterAll(() => app.close());

async function ballot(body: Record<string, unknown> = {}) {
  const spiritId = await shop.spirit();
  await shop.receive(spiritId, 5, shop.loc("a"));
  const res = await app.call("POST", "/api/v1/releases", {
    headers: shop.staff.headers,
    body: {
      spiritId,
      name: "Old Pulteney Ballot",
      mode: "ballot",
      allocation: 1,
      opensAt: at(-HOUR),
      closesAt: at(HOUR),
      ...body,
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ReleaseSchema.parse(await res.json());
}

const enter = (who: Caller, releaseId: string, body: Record<string, unknown> = {}) =>
  app.call("POST", `/api/v1/releases/${releaseId}/entries`, {
    headers: who.headers,
    body: { shipping: address(), humanToken: "a-real-person", ...body },
  });

async function entered(who: Caller, releaseId: string) {
  const res = await enter(who, releaseId);
  expect(res.status, await res.clone().text()).toBe(201);
  return EntrySchema.parse(await res.json());
}

const entryRow = async (id: string) =>
  (await app.deps.db.query.releaseEntries.findFirst({ where: eq(releaseEntries.id, id) }))!;

async function drawnBallot(entrants: number, body: Record<string, unknown> = {}) {
  const release = await ballot(body);
  const ids = [];
  for (let i = 0; i < entrants; i++) ids.push((await entered(await shop.customer(), release.id)).id);
  clock().advance(2 * HOUR);
  // Through the service: the tokens made before the clock moved have expired (the route is tested elsewhere).
  await app.services.ballots.draw(release.id, shop.staff.id);
  const rows = await Promise.all(ids.map(entryRow));
  return { release, rows: rows.sort((a, b) => a.drawPosition! - b.drawPosition!) };
}

describe("ballots on Bun", () => {
  test("a winner who does not pay within claimMinutes loses the bottles to the next entry", async () => {
    const { rows } = await drawnBallot(3, { claimMinutes: 30 });
    expect(rows.map((r) => r.status)).toEqual(["won", "waiting", "waiting"]);
    clock().advance(29 * 60_000);
    await app.services.orders.expireDue();
    await app.services.ballots.settleDue();
    expect((await entryRow(rows[1]!.id)).status).toBe("waiting");
    clock().advance(2 * 60_000);
    await app.services.orders.expireDue();
    await app.services.ballots.settleDue();
    const lapsed = await entryRow(rows[0]!.id);
    expect(lapsed).toMatchObject({ status: "lapsed", note: "order expired" });
    const next = await entryRow(rows[1]!.id);
    expect(next.status).toBe("won");
    const order = await app.deps.db.query.orders.findFirst({ where: eq(orders.id, next.orderId!) });
    expect(order?.status).toBe("reserved");
    expect(Date.parse(order!.expiresAt!) - clock().now().getTime()).toBe(30 * 60_000);
  });

  test("a crash after an order was placed but before the offer was recorded: recorded, no second order", async () => {
    const { release, rows } = await drawnBallot(2);
    const winner = rows[0]!;
    await app.deps.db
      .update(releaseEntries)
      .set({ status: "awarding" })
      .where(eq(releaseEntries.id, winner.id));
    await app.services.ballots.settle(release.id);
    expect(await entryRow(winner.id)).toMatchObject({ status: "won", orderId: winner.orderId });
    const theirs = await app.deps.db.query.orders.findMany({
      where: eq(orders.customerId, winner.customerId),
    });
    expect(theirs.map((o) => o.id)).toEqual([winner.orderId!]);
  });

  test("a crash after fixing an offer's order id but before placing it: the next run places that order", async () => {
    const { release, rows } = await drawnBallot(2);
    const [first, next] = [rows[0]!, rows[1]!];
    const cancel = await shop.act(shop.staff, first.orderId!, "cancel");
    expect(cancel.status).toBe(200);
    // As if a settle run had lapsed the first entry, claimed the next one, and died before placing.
    await app.deps.db.update(releaseEntries).set({ status: "lapsed" }).where(eq(releaseEntries.id, first.id));
    await app.deps.db
      .update(releaseEntries)
      .set({ status: "awarding", orderId: "ord_fixedbeforethecrash" })
      .where(eq(releaseEntries.id, next.id));
    await app.services.ballots.settle(release.id);
    expect(await entryRow(next.id)).toMatchObject({ status: "won", orderId: "ord_fixedbeforethecrash" });
    const theirs = await app.deps.db.query.orders.findMany({ where: eq(orders.customerId, next.customerId) });
    expect(theirs.map((o) => [o.id, o.status])).toEqual([["ord_fixedbeforethecrash", "reserved"]]);
  });

  test("entries are rate-limited per account: 429 with Retry-After", async () => {
    const release = await ballot();
    const buyer = await shop.customer();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await enter(buyer, release.id, { quantity: 0 })).status);
    expect(answers).toEqual([422, 422, 422, 429]);
    const limited = await enter(buyer, release.id);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await limited.json()).code).toBe("rate-limited");
    // Another account is not held back.
    await entered(await shop.customer(), release.id);
  });

  test("the anti-bot hook: a missing or refused token is 403 human-check-failed, and nothing is entered", async () => {
    const release = await ballot();
    const bot = await shop.customer();
    const missing = await app.call("POST", `/api/v1/releases/${release.id}/entries`, {
      headers: bot.headers,
      body: { shipping: address() },
    });
    expect(missing.status).toBe(403);
    expect((await missing.json()).code).toBe("human-check-failed");
    expect((await enter(bot, release.id, { humanToken: "scripted" })).status).toBe(403);
    const view = ReleaseSchema.parse(await (await app.call("GET", `/api/v1/releases/${release.id}`)).json());
    expect(view.ballot!.entries).toBe(0);
    await entered(bot, release.id);
  });
});
