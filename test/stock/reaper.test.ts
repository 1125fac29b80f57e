import { afterEach, describe, expect, test } from "bun:test";
import { type Clock, systemClock, systemTimers, type Timers } from "../../src/deps.ts";
import { createReaper, type Reaper } from "../../src/stock/reaper.ts";
import { ManualTimers } from "../support/manual-timers.ts";
import { waitFor } from "../support/wait-for.ts";
import { createStockFixture, receiveRequest, type StockFixture } from "./stock-fixture.ts";

let f: StockFixture;
let reaper: Reaper | undefined;
afterEach(async () => {
  await reaper?.stop();
  await f.close();
});

/** A spirit with `quantity` bottles received, and a customer to hold them. */
async function stocked(clock: Clock, quantity: number) {
  f = await createStockFixture({ clock });
  const spiritId = await f.spirit();
  const customerId = await f.customer();
  await f.coordinator.submit(receiveRequest(spiritId, quantity));
  return { spiritId, customerId };
}

async function placeHold(clock: Clock, spiritId: string, customerId: string, expiresInMs: number) {
  const outcome = await f.coordinator.submit({
    type: "hold",
    spiritId,
    orderId: `ord_${Math.random()}`,
    customerId,
    actorId: null,
    lines: [{ lineId: `oln_${Math.random()}`, quantity: 1, batchId: null }],
    expiresAt: new Date(clock.now().getTime() + expiresInMs).toISOString(),
    maxPerCustomer: null,
    preferredLocationIds: [],
  });
  expect(outcome.ok).toBe(true);
}

function startReaper(clock: Clock, timers: Timers) {
  reaper = createReaper({
    clock,
    timers,
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

const statuses = async () => (await f.rows("SELECT status FROM stock_holds")).map((x) => x.status);

describe("hold reaper (timers run by the test)", () => {
  const SLACK = 5;

  test("sleeps until the next expiry, not a polling period, and releases the hold right after it", async () => {
    const timers = new ManualTimers();
    const t0 = timers.clock.now().getTime();
    const { spiritId, customerId } = await stocked(timers.clock, 2);
    await placeHold(timers.clock, spiritId, customerId, 400);
    const r = startReaper(timers.clock, timers);
    // Its first look is straight away: nothing has lapsed yet, so it plans to wake at the expiry (plus a
    // few ms), far sooner than its 30 s longest sleep.
    timers.advance(0);
    await r.idle();
    expect(r.wakeAt).toBe(t0 + 400 + SLACK);
    expect(timers.nextAt).toBe(t0 + 400 + SLACK);

    timers.advance(400 + SLACK - 1);
    await r.idle();
    expect(await statuses()).toEqual(["active"]);

    timers.advance(1);
    await r.idle();
    const [level] = await f.rows(
      "SELECT reserved FROM stock_holds h JOIN inventory_levels l ON l.id = h.level_id WHERE h.status = 'expired'",
    );
    expect(level?.reserved).toBe(0);
    // Nothing else pending: back to the longest sleep.
    expect(r.wakeAt).toBe(t0 + 400 + SLACK + 30_000);
  });

  test("a hold placed while it sleeps long wakes it earlier", async () => {
    const timers = new ManualTimers();
    const t0 = timers.clock.now().getTime();
    const { spiritId, customerId } = await stocked(timers.clock, 2);
    const r = startReaper(timers.clock, timers);
    timers.advance(0);
    await r.idle();
    expect(r.wakeAt).toBe(t0 + 30_000); // nothing pending: the longest sleep
    await placeHold(timers.clock, spiritId, customerId, 300);
    expect(r.wakeAt).toBe(t0 + 300 + SLACK);
    expect(timers.size).toBe(1); // the long sleep was replaced, not added to

    timers.advance(300 + SLACK);
    await r.idle();
    expect(await statuses()).toEqual(["expired"]);
  });

  test("stop() stops it", async () => {
    const timers = new ManualTimers();
    const { spiritId, customerId } = await stocked(timers.clock, 1);
    const r = startReaper(timers.clock, timers);
    await r.stop();
    reaper = undefined;
    expect(timers.size).toBe(0);
    await placeHold(timers.clock, spiritId, customerId, 100);
    expect(timers.size).toBe(0); // a new hold does not wake a stopped reaper
    timers.advance(60_000);
    expect(await statuses()).toEqual(["active"]);
    expect(r.wakeAt).toBeNull();
  });
});

describe("hold reaper (the standard timers, as the server runs it)", () => {
  test("releases a lapsed hold by itself", async () => {
    const { spiritId, customerId } = await stocked(systemClock, 1);
    await placeHold(systemClock, spiritId, customerId, 50);
    startReaper(systemClock, systemTimers);
    await waitFor(async () => (await statuses())[0] === "expired", { what: "the hold to be expired" });
  });
});
