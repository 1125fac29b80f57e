/**
 * A group of new holds is planned from the levels the spirit's last commit read back, without reading
 * again (src/stock/last-commit.ts, planStateFrom). These hold that shortcut to its promises: it reads
 * nothing while it may, it never refuses a buyer on remembered stock, and a writer it cannot see (another
 * process on the same file, played here by the client's own connections) changes no answer.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ledgerPortFor } from "../../src/db/ledger-port.ts";
import { auditStock } from "../../src/stock/audit.ts";
import type { HoldRequest, StockOutcome, StockSuccess } from "../../src/stock/coordinator.ts";
import { createStockFixture, holdRequest, receiveRequest, type StockFixture } from "./stock-fixture.ts";

let f: StockFixture;
let batches: { mode: "read" | "write" }[];
beforeEach(async () => {
  f = await createStockFixture();
  batches = [];
  const port = ledgerPortFor(f.client);
  const realBatch = port.batch.bind(port);
  port.batch = (stmts, mode) => {
    batches.push({ mode });
    return realBatch(stmts, mode);
  };
});
afterEach(() => f.close());

const ok = (o: StockOutcome): StockSuccess => {
  if (!o.ok) throw new Error(`expected success, got ${o.code}: ${o.detail}`);
  return o;
};
const reads = () => batches.filter((b) => b.mode === "read").length;

const hold = (spiritId: string, customerId: string, quantity: number, extra: Partial<HoldRequest> = {}) =>
  holdRequest(f.clock, spiritId, customerId, quantity, extra);
const receive = receiveRequest;

/** What another process would write: stock taken or added at the level, outside this coordinator. */
async function outsideChange(spiritId: string, onHandDelta: number) {
  await f.client.batch(
    [
      {
        sql: "UPDATE inventory_levels SET on_hand = on_hand + ?, version = version + 1 WHERE spirit_id = ?",
        args: [onHandDelta, spiritId],
      },
      {
        sql: "INSERT INTO stock_movements (spirit_id, level_id, location_id, kind, on_hand_delta, reserved_delta, at) SELECT spirit_id, id, location_id, 'adjust', ?, 0, '2026-06-01T12:00:00.000Z' FROM inventory_levels WHERE spirit_id = ?",
        args: [onHandDelta, spiritId],
      },
    ],
    "write",
  );
}

async function clean() {
  expect((await auditStock(f.client, f.clock.now().toISOString())).discrepancies).toEqual([]);
}

describe("holds planned from the spirit's last commit", () => {
  test("a new hold after a commit reads nothing first; once a hold may lapse, the group reads again", async () => {
    const s = await f.spirit();
    const customers = await Promise.all([f.customer(), f.customer(), f.customer()]);
    ok(await f.coordinator.submit(receive(s, 10)));
    const before = reads();
    ok(await f.coordinator.submit(hold(s, customers[0]!, 1)));
    ok(await f.coordinator.submit(hold(s, customers[1]!, 2)));
    expect(reads()).toBe(before);
    // The levels the holds were planned on are the database's own.
    const [level] = await f.rows("SELECT on_hand, reserved FROM inventory_levels WHERE spirit_id = ?", [s]);
    expect(level).toMatchObject({ on_hand: 10, reserved: 3 });
    // From the first hold's expiry on, remembered levels may count a lapsed hold: the group reads.
    f.clock.advance(15 * 60_000);
    ok(await f.coordinator.submit(hold(s, customers[2]!, 1)));
    expect(reads()).toBe(before + 1);
    const [after] = await f.rows("SELECT reserved FROM inventory_levels WHERE spirit_id = ?", [s]);
    expect(after?.reserved).toBe(1);
    await clean();
  });

  test("stock added where the coordinator cannot see: the refusal its memory plans sends the group to a fresh read", async () => {
    const s = await f.spirit();
    const [a, b] = await Promise.all([f.customer(), f.customer()]);
    ok(await f.coordinator.submit(receive(s, 1)));
    ok(await f.coordinator.submit(hold(s, a, 1)));
    await outsideChange(s, 5);
    const before = reads();
    const held = ok(await f.coordinator.submit(hold(s, b, 2)));
    expect(held.holds[0]!.quantity).toBe(2);
    expect(reads()).toBe(before + 1);
    await clean();
  });

  test("stock taken where the coordinator cannot see: the guard refuses the remembered plan, the retry reads the real figure", async () => {
    const s = await f.spirit();
    const [a, b] = await Promise.all([f.customer(), f.customer()]);
    ok(await f.coordinator.submit(receive(s, 2)));
    ok(await f.coordinator.submit(hold(s, a, 1)));
    await outsideChange(s, -1);
    const late = await f.coordinator.submit(hold(s, b, 1));
    expect(late.ok).toBe(false);
    if (!late.ok) {
      expect(late.code).toBe("sold-out");
      expect(late.extra).toMatchObject({ available: 0, requested: 1 });
    }
    const [level] = await f.rows("SELECT on_hand, reserved FROM inventory_levels WHERE spirit_id = ?", [s]);
    expect(level).toMatchObject({ on_hand: 1, reserved: 1 });
    await clean();
  });

  test("a customer at the spirit's limit is refused with their total, as from a fresh read", async () => {
    const s = await f.spirit();
    const c = await f.customer();
    ok(await f.coordinator.submit(receive(s, 10)));
    ok(await f.coordinator.submit(hold(s, c, 1, { maxPerCustomer: 2 })));
    const over = await f.coordinator.submit(hold(s, c, 2, { maxPerCustomer: 2 }));
    expect(over.ok).toBe(false);
    if (!over.ok) {
      expect(over.code).toBe("limit-exceeded");
      expect(over.extra).toMatchObject({ maxPerCustomer: 2, alreadyOrdered: 1, requested: 2 });
    }
    const [t] = await f.rows("SELECT quantity FROM customer_spirit_totals WHERE customer_id = ?", [c]);
    expect(t?.quantity).toBe(1);
    await clean();
  });
});
