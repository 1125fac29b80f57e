import { afterEach, describe, expect, test } from "bun:test";
import { systemClock } from "../../src/deps.ts";
import { createReaper, type Reaper } from "../../src/stock/reaper.ts";
import { createStockFixture, type StockFixture } from "./stock-fixture.ts";

let f: StockFixture;
let reaper: Reaper | undefined;
afterEach(async () => {
  await reaper?.stop();
  await f.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function placeHold(spiritId: string, customerId: string, expiresInMs: number) {
  const outcome = await f.coordinator.submit({
    type: "hold",
    spiritId,
    orderId: `ord_${Math.random()}`,
    customerId,
    actorId: null,
    lines: [{ lineId: `oln_${Math.random()}`, quantity: 1, batchId: null }],
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    maxPerCustomer: null,
    preferredLocationIds: [],
  });
  expect(outcome.ok).toBe(true);
}

function startReaper() {
  reaper = createReaper({
    clock: systemClock,
    nextDueAt: () => f.coordinator.nextExpiry(),
    run: () => f.coordinator.expireDue(),
    subscribe: (wake) => f.coordinator.onHoldsPlaced(wake),
    onError: (err) => {
      throw err;
    },
  });
  reaper.start();
  return reaper;
}

describe("hold reaper (real timers)", () => {
  test("sleeps until the next expiry, not a polling period, and releases the hold right after it", async () => {
    f = await createStockFixture({ clock: systemClock });
    const s = await f.spirit();
    const c = await f.customer();
    await f.coordinator.submit({
      type: "receive",
      spiritId: s,
      actorId: null,
      locationId: "loc_a",
      batchId: null,
      quantity: 2,
    });
    await placeHold(s, c, 400);
    const r = startReaper();
    await sleep(50);
    // it plans to wake at the expiry (plus a few ms), far sooner than its 30 s longest sleep
    expect(r.wakeAt).not.toBeNull();
    expect(r.wakeAt! - Date.now()).toBeLessThan(1000);
    await sleep(1200);
    const [level] = await f.rows(
      "SELECT reserved FROM stock_holds h JOIN inventory_levels l ON l.id = h.level_id WHERE h.status = 'expired'",
    );
    expect(level?.reserved).toBe(0);
  });

  test("a hold placed while it sleeps long wakes it earlier", async () => {
    f = await createStockFixture({ clock: systemClock });
    const s = await f.spirit();
    const c = await f.customer();
    await f.coordinator.submit({
      type: "receive",
      spiritId: s,
      actorId: null,
      locationId: "loc_a",
      batchId: null,
      quantity: 2,
    });
    const r = startReaper();
    await sleep(50);
    expect(r.wakeAt! - Date.now()).toBeGreaterThan(20_000); // nothing pending: the longest sleep
    await placeHold(s, c, 300);
    expect(r.wakeAt! - Date.now()).toBeLessThan(1000);
    await sleep(1000);
    const rows = await f.rows("SELECT status FROM stock_holds");
    expect(rows.map((x) => x.status)).toEqual(["expired"]);
  });

  test("stop() stops it", async () => {
    f = await createStockFixture({ clock: systemClock });
    const s = await f.spirit();
    const c = await f.customer();
    await f.coordinator.submit({
      type: "receive",
      spiritId: s,
      actorId: null,
      locationId: "loc_a",
      batchId: null,
      quantity: 1,
    });
    const r = startReaper();
    await r.stop();
    reaper = undefined;
    await placeHold(s, c, 100);
    await sleep(400);
    expect((await f.rows("SELECT status FROM stock_holds")).map((x) => x.status)).toEqual(["active"]);
    expect(r.wakeAt).toBeNull();
  });
});
