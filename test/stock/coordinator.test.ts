import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { auditStock } from "../../src/stock/audit.ts";
import type { HoldRequest, StockOutcome, StockSuccess } from "../../src/stock/coordinator.ts";
import { createStockFixture, holdRequest, receiveRequest, type StockFixture } from "./stock-fixture.ts";

let f: StockFixture;
beforeEach(async () => {
  f = await createStockFixture();
});
afterEach(() => f.close());

const ok = (o: StockOutcome): StockSuccess => {
  if (!o.ok) throw new Error(`expected success, got ${o.code}: ${o.detail}`);
  return o;
};

const hold = (spiritId: string, customerId: string, quantity: number, extra: Partial<HoldRequest> = {}) =>
  holdRequest(f.clock, spiritId, customerId, quantity, extra);
const receive = receiveRequest;

async function clean() {
  const report = await auditStock(f.client, f.clock.now().toISOString());
  expect(report.discrepancies).toEqual([]);
  return report;
}

describe("stock coordinator", () => {
  test("receive, hold, and a sold-out refusal naming what is left", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    ok(await f.coordinator.submit(receive(s, 5)));
    const first = ok(await f.coordinator.submit(hold(s, c, 3)));
    expect(first.holds).toHaveLength(1);
    expect(first.holds[0]!.quantity).toBe(3);
    const second = await f.coordinator.submit(hold(s, c, 3));
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.code).toBe("sold-out");
      expect(second.extra).toMatchObject({ available: 2, requested: 3 });
    }
    const snap = await f.coordinator.snapshot(s);
    expect(snap.available).toBe(2);
    expect(snap.byBatch[0]).toMatchObject({ onHand: 5, reserved: 3 });
    await clean();
  });

  test("concurrent holds in one group: exactly the stock is held, each op answered on its own", async () => {
    const s = await f.spirit();
    ok(await f.coordinator.submit(receive(s, 10)));
    const customers = await Promise.all(Array.from({ length: 30 }, () => f.customer()));
    const outcomes = await Promise.all(customers.map((c) => f.coordinator.submit(hold(s, c, 1))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(10);
    expect(outcomes.filter((o) => !o.ok && o.code === "sold-out")).toHaveLength(20);
    const [level] = await f.rows("SELECT on_hand, reserved FROM inventory_levels WHERE spirit_id = ?", [s]);
    expect(level).toMatchObject({ on_hand: 10, reserved: 10 });
    // group commit: the 30 operations went in one or two batches (one stock message each), and the
    // published versions only grow
    const versions = f.published.filter((e) => e.spiritId === s).map((e) => e.version);
    expect(versions.length).toBeLessThanOrEqual(3);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    await clean();
  });

  test("per-customer limit holds across concurrent orders of one customer", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    ok(await f.coordinator.submit(receive(s, 100)));
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => f.coordinator.submit(hold(s, c, 1, { maxPerCustomer: 2 }))),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(outcomes.filter((o) => !o.ok && o.code === "limit-exceeded")).toHaveLength(8);
    const [t] = await f.rows("SELECT quantity FROM customer_spirit_totals WHERE customer_id = ?", [c]);
    expect(t?.quantity).toBe(2);
    await clean();
  });

  test("allocation prefers locations that ship to the customer, then the most stock, and splits", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    const b1 = await f.batch(s);
    for (const [loc, q, b] of [
      ["loc_big", 10, null],
      ["loc_near", 2, null],
      ["loc_near", 1, b1],
    ] as const) {
      ok(await f.coordinator.submit(receive(s, q, { locationId: loc, batchId: b })));
    }
    const near = ok(await f.coordinator.submit(hold(s, c, 4, { preferredLocationIds: ["loc_near"] })));
    const byLoc = near.holds.map((h) => [h.locationId, h.quantity]);
    expect(byLoc).toEqual([
      ["loc_near", 2],
      ["loc_near", 1],
      ["loc_big", 1],
    ]);
    const far = ok(await f.coordinator.submit(hold(s, c, 2)));
    expect(far.holds.map((h) => h.locationId)).toEqual(["loc_big"]);
    await clean();
  });

  test("lapsed holds are released before new holds and by expireDue", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    ok(await f.coordinator.submit(receive(s, 1)));
    ok(await f.coordinator.submit(hold(s, c, 1)));
    expect((await f.coordinator.submit(hold(s, c, 1))).ok).toBe(false);
    expect(await f.coordinator.nextExpiry()).toBe("2026-06-01T12:15:00.000Z");
    f.clock.advance(15 * 60_000);
    // readers see it released before anything runs
    expect((await f.coordinator.snapshot(s)).available).toBe(1);
    ok(await f.coordinator.submit(hold(s, c, 1)));
    f.clock.advance(16 * 60_000);
    expect(await f.coordinator.expireDue()).toBe(1);
    const kinds = (await f.rows("SELECT kind FROM stock_movements ORDER BY seq")).map((r) => r.kind);
    expect(kinds).toEqual(["receive", "hold", "expire", "hold", "expire"]);
    await clean();
  });

  test("staff changes: adjust cannot go below reserved, stale versions change nothing, transfer and count", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    const r = ok(await f.coordinator.submit(receive(s, 5, { actorId: "usr_1" })));
    expect(r.levels[0]!.version).toBe(1);
    ok(await f.coordinator.submit(hold(s, c, 3)));
    const below = await f.coordinator.submit({
      type: "adjust",
      spiritId: s,
      actorId: "usr_1",
      locationId: "loc_a",
      batchId: null,
      delta: -3,
      reason: "broken",
    });
    expect(below.ok || below.code).toBe("below-reserved");
    const stale = await f.coordinator.submit({
      type: "adjust",
      spiritId: s,
      actorId: "usr_1",
      locationId: "loc_a",
      batchId: null,
      delta: -1,
      reason: "broken",
      expectedVersion: 1,
    });
    expect(stale.ok || stale.code).toBe("stale-version");
    ok(
      await f.coordinator.submit({
        type: "adjust",
        spiritId: s,
        actorId: "usr_1",
        locationId: "loc_a",
        batchId: null,
        delta: -1,
        reason: "broken",
        expectedVersion: 2,
      }),
    );
    const moved = ok(
      await f.coordinator.submit({
        type: "transfer",
        spiritId: s,
        actorId: "usr_1",
        fromLocationId: "loc_a",
        toLocationId: "loc_b",
        batchId: null,
        quantity: 1,
      }),
    );
    expect(moved.levels).toHaveLength(2);
    ok(
      await f.coordinator.submit({
        type: "count",
        spiritId: s,
        actorId: "usr_1",
        locationId: "loc_b",
        batchId: null,
        counted: 4,
      }),
    );
    const snap = await f.coordinator.snapshot(s);
    expect(snap.byLocation).toEqual([
      { locationId: "loc_a", available: 0 },
      { locationId: "loc_b", available: 4 },
    ]);
    await clean();
  });

  test("when the database disagrees with the plan (an outside writer), the operation is planned again", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    ok(await f.coordinator.submit(receive(s, 3)));
    ok(await f.coordinator.submit(receive(s, 1, { locationId: "loc_b" })));
    // Another writer (a second process on the same file) takes stock at loc_a between plan and commit.
    // The fault goes where the ledger runs its batches; the outside write goes through the client's own
    // connections, which the ledger's (a connection of its own on the embedded file) must see.
    let injected = false;
    const restore = f.beforeLedgerWrite(async () => {
      if (injected) return;
      injected = true;
      await f.client.batch(
        [
          {
            sql: "UPDATE inventory_levels SET on_hand = on_hand - 3, version = version + 1 WHERE spirit_id = ? AND location_id = 'loc_a'",
            args: [s],
          },
          {
            sql: "INSERT INTO stock_movements (spirit_id, level_id, location_id, kind, on_hand_delta, reserved_delta, at) SELECT spirit_id, id, location_id, 'adjust', -3, 0, '2026-06-01T12:00:00.000Z' FROM inventory_levels WHERE spirit_id = ? AND location_id = 'loc_a'",
            args: [s],
          },
        ],
        "write",
      );
    });
    // planned on loc_a (most stock), refused there by the guard, planned again: loc_b
    const held = ok(await f.coordinator.submit(hold(s, c, 1)));
    expect(injected).toBe(true);
    expect(held.holds.map((h) => h.locationId)).toEqual(["loc_b"]);
    const again = await f.coordinator.submit(hold(s, c, 1));
    expect(again.ok || again.code).toBe("sold-out");
    restore();
    await clean();
  });

  test("a batch that fails as a whole is committed unit by unit: one bad operation cannot fail the others", async () => {
    const s = await f.spirit();
    const customers = await Promise.all([f.customer(), f.customer(), f.customer()]);
    ok(await f.coordinator.submit(receive(s, 5)));
    let failures = 0;
    // The group's batch (several units) fails once, as a CHECK violation or a busy database would.
    const restore = f.beforeLedgerWrite((units) => {
      if (units > 1 && failures === 0) {
        failures++;
        throw new Error("SQLITE_CONSTRAINT: CHECK constraint failed (simulated)");
      }
    });
    const outcomes = await Promise.all(customers.map((c) => f.coordinator.submit(hold(s, c, 1))));
    expect(failures).toBe(1);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    restore();
    const [level] = await f.rows("SELECT reserved FROM inventory_levels WHERE spirit_id = ?", [s]);
    expect(level?.reserved).toBe(3);
    await clean();
  });

  test("a listener that throws never turns a committed change into a failure", async () => {
    const s = await f.spirit();
    f.events.subscribe(s, () => {
      throw new Error("broken broadcaster");
    });
    const r = await f.coordinator.submit(receive(s, 1));
    expect(r.ok).toBe(true);
    expect((await f.coordinator.snapshot(s)).available).toBe(1);
  });

  test("knownAvailable: exact after each commit, dropped by an order-wide change or once a hold may lapse", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    expect(f.coordinator.knownAvailable?.(s)).toBeUndefined();
    ok(await f.coordinator.submit(receive(s, 3)));
    expect(f.coordinator.knownAvailable?.(s)).toBe(3);
    const h = hold(s, c, 2);
    ok(await f.coordinator.submit(h));
    expect(f.coordinator.knownAvailable?.(s)).toBe(1);
    // a cancel commits outside the spirit's queue: the figure is dropped, then re-read
    ok(await f.coordinator.cancelOrder({ orderId: h.orderId, actorId: null }));
    expect(f.coordinator.knownAvailable?.(s)).toBe(3);
    ok(await f.coordinator.submit(hold(s, c, 3)));
    expect(f.coordinator.knownAvailable?.(s)).toBe(0);
    // the hold may lapse from its expiry on: no longer known
    f.clock.advance(15 * 60_000);
    expect(f.coordinator.knownAvailable?.(s)).toBeUndefined();
  });
});
