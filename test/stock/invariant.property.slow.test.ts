/**
 * Property-based test of the stock invariant: random interleavings of receive, hold (one or two spirits,
 * all or nothing), confirm, ship, cancel, adjust, transfer, count, clock moves and expiry, across several
 * spirits, locations, batches and customers, with pre-orders and their release, run in concurrent bursts against a real libSQL file. After
 * every run: the audit finds nothing (levels equal their ledger sums and live holds, customer totals equal
 * their live holds), 0 <= reserved <= onHand, no customer is over a spirit's limit, on-hand equals what the
 * successful operations say it should, and each spirit's published versions only grow.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { auditStock } from "../../src/stock/audit.ts";
import type { StockOutcome } from "../../src/stock/coordinator.ts";
import { readWaitingClaims } from "../../src/stock/order-stock.ts";
import { createStockFixture, LEDGERS, type LedgerKind } from "./stock-fixture.ts";

const SPIRITS = 3;
const LIMITS = [2, null, 4] as const;
const LOCATIONS = ["loc_a", "loc_b", "loc_c"];
const CUSTOMERS = 4;

type Command =
  | { kind: "receive"; spirit: number; location: number; batched: boolean; quantity: number }
  | { kind: "hold"; customer: number; spirits: number[]; quantity: number; batched: boolean }
  | { kind: "confirm" | "ship" | "cancel"; order: number }
  | { kind: "adjust"; spirit: number; location: number; delta: number }
  | { kind: "transfer"; spirit: number; from: number; to: number; quantity: number }
  | { kind: "count"; spirit: number; location: number; counted: number }
  | { kind: "advance"; minutes: number }
  | { kind: "expire" }
  | { kind: "preorder"; customer: number; quantity: number }
  | { kind: "release-preorders" };

const spirit = fc.integer({ min: 0, max: SPIRITS - 1 });
const location = fc.integer({ min: 0, max: LOCATIONS.length - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("receive" as const),
      spirit,
      location,
      batched: fc.boolean(),
      quantity: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("hold" as const),
      customer: fc.integer({ min: 0, max: CUSTOMERS - 1 }),
      spirits: fc.uniqueArray(spirit, { minLength: 1, maxLength: 2 }),
      quantity: fc.integer({ min: 1, max: 3 }),
      batched: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("confirm" as const, "ship" as const, "cancel" as const),
      order: fc.nat(50),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("adjust" as const),
      spirit,
      location,
      delta: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("transfer" as const),
      spirit,
      from: location,
      to: location,
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("count" as const),
      spirit,
      location,
      counted: fc.integer({ min: 0, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), minutes: fc.integer({ min: 1, max: 20 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("expire" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("preorder" as const),
      customer: fc.integer({ min: 0, max: CUSTOMERS - 1 }),
      quantity: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("release-preorders" as const) }) },
);

/** The last spirit also takes pre-orders, up to this many bottles. */
const PREORDER_SPIRIT = SPIRITS - 1;
const ALLOCATION = 5;

async function runScenario(ledger: LedgerKind, commands: Command[], bursts: number[]) {
  const f = await createStockFixture({ ledger });
  try {
    const spirits = await Promise.all(Array.from({ length: SPIRITS }, (_, i) => f.spirit(`spr_p${i}`)));
    const batchOf = await Promise.all(spirits.map((s) => f.batch(s, `bat_${s}`)));
    const customers = await Promise.all(Array.from({ length: CUSTOMERS }, (_, i) => f.customer(`cus_p${i}`)));
    const expectedOnHand = new Map<string, number>(spirits.map((s) => [s, 0]));
    const addOnHand = (s: string, n: number) => expectedOnHand.set(s, expectedOnHand.get(s)! + n);
    const orders: string[] = [];
    const shipped = new Map<string, number>();
    let orderSeq = 0;
    let countSeq = 0;
    const c = f.coordinator;
    const must = (o: StockOutcome) => {
      // refusals are expected (sold out, limits, stale...); only exceptions are bugs
      return o;
    };

    async function run(cmd: Command) {
      switch (cmd.kind) {
        case "receive": {
          const s = spirits[cmd.spirit]!;
          const o = must(
            await c.submit({
              type: "receive",
              spiritId: s,
              actorId: "usr_staff",
              locationId: LOCATIONS[cmd.location]!,
              batchId: cmd.batched ? batchOf[cmd.spirit]! : null,
              quantity: cmd.quantity,
            }),
          );
          if (o.ok) addOnHand(s, cmd.quantity);
          return;
        }
        case "hold": {
          const orderId = `ord_p${++orderSeq}`;
          const customerId = customers[cmd.customer]!;
          const ids = cmd.spirits.map((i) => spirits[i]!).sort();
          const taken: string[] = [];
          const expiresAt = new Date(f.clock.now().getTime() + 15 * 60_000).toISOString();
          for (const s of ids) {
            const i = spirits.indexOf(s);
            const o = await c.submit({
              type: "hold",
              spiritId: s,
              orderId,
              customerId,
              actorId: customerId,
              lines: [
                {
                  lineId: `${orderId}_${s}`,
                  quantity: cmd.quantity,
                  batchId: cmd.batched ? batchOf[i]! : null,
                },
              ],
              expiresAt,
              maxPerCustomer: LIMITS[i]!,
              preferredLocationIds: [LOCATIONS[cmd.customer % LOCATIONS.length]!],
            });
            if (!o.ok) {
              // all or nothing: give back what this order took
              await Promise.all(
                taken.map((t) =>
                  c.submit({
                    type: "release",
                    spiritId: t,
                    orderId,
                    actorId: customerId,
                    reason: "order not placed",
                  }),
                ),
              );
              return;
            }
            expect(o.holds.reduce((n, h) => n + h.quantity, 0)).toBe(cmd.quantity);
            taken.push(s);
          }
          orders.push(orderId);
          return;
        }
        case "confirm":
        case "cancel":
        case "ship": {
          if (!orders.length) return;
          const orderId = orders[cmd.order % orders.length]!;
          if (cmd.kind === "confirm") await c.confirmOrder({ orderId, actorId: "usr_pay" });
          if (cmd.kind === "cancel") await c.cancelOrder({ orderId, actorId: "usr_staff" });
          if (cmd.kind === "ship") {
            const o = await c.shipOrder({ orderId, actorId: "usr_staff" });
            if (o.ok) {
              // What this call shipped: the order's ship rows not counted by an earlier call.
              for (const r of await f.rows(
                "SELECT spirit_id, SUM(on_hand_delta) AS n FROM stock_movements WHERE order_id = ? AND kind = 'ship' GROUP BY spirit_id",
                [orderId],
              )) {
                const key = `${orderId}/${r.spirit_id}`;
                const already = shipped.get(key) ?? 0;
                addOnHand(String(r.spirit_id), Number(r.n) - already);
                shipped.set(key, Number(r.n));
              }
            }
          }
          return;
        }
        case "adjust": {
          const s = spirits[cmd.spirit]!;
          const o = await c.submit({
            type: "adjust",
            spiritId: s,
            actorId: "usr_staff",
            locationId: LOCATIONS[cmd.location]!,
            batchId: null,
            delta: cmd.delta,
            reason: "property",
          });
          if (o.ok) addOnHand(s, cmd.delta);
          return;
        }
        case "transfer": {
          if (cmd.from === cmd.to) return;
          const s = spirits[cmd.spirit]!;
          await c.submit({
            type: "transfer",
            spiritId: s,
            actorId: "usr_staff",
            fromLocationId: LOCATIONS[cmd.from]!,
            toLocationId: LOCATIONS[cmd.to]!,
            batchId: null,
            quantity: cmd.quantity,
          });
          return;
        }
        case "count": {
          const s = spirits[cmd.spirit]!;
          // A count sets an absolute figure: the delta it applied is on its own ledger row (found by its reason).
          const reason = `count ${++countSeq}`;
          const o = await c.submit({
            type: "count",
            spiritId: s,
            actorId: "usr_staff",
            locationId: LOCATIONS[cmd.location]!,
            batchId: null,
            counted: cmd.counted,
            reason,
          });
          if (o.ok) {
            const [row] = await f.rows("SELECT on_hand_delta FROM stock_movements WHERE reason = ?", [
              reason,
            ]);
            addOnHand(s, Number(row?.on_hand_delta ?? 0));
          }
          return;
        }
        case "preorder": {
          const orderId = `ord_p${++orderSeq}`;
          const customerId = customers[cmd.customer]!;
          const o = await c.submit({
            type: "preorder",
            spiritId: spirits[PREORDER_SPIRIT]!,
            orderId,
            customerId,
            actorId: customerId,
            lines: [{ lineId: `${orderId}_l`, quantity: cmd.quantity, batchId: null }],
            allocation: ALLOCATION,
            maxPerCustomer: LIMITS[PREORDER_SPIRIT]!,
          });
          if (o.ok) orders.push(orderId);
          return;
        }
        case "release-preorders": {
          const spiritId = spirits[PREORDER_SPIRIT]!;
          const claims = await readWaitingClaims(f.client, spiritId);
          const expiresAt = new Date(f.clock.now().getTime() + 15 * 60_000).toISOString();
          await Promise.all(
            claims.map((cl) =>
              c.submit({
                type: "hold",
                fromPreorder: true,
                spiritId,
                orderId: cl.orderId,
                customerId: cl.customerId,
                actorId: null,
                lines: [{ lineId: cl.lineId, quantity: cl.quantity, batchId: cl.batchId }],
                expiresAt,
                maxPerCustomer: null,
                preferredLocationIds: [],
              }),
            ),
          );
          return;
        }
        case "advance":
          f.clock.advance(cmd.minutes * 60_000);
          return;
        case "expire":
          await c.expireDue();
          return;
      }
    }

    // Concurrent bursts: each burst's commands race each other (and group-commit together).
    let i = 0;
    let b = 0;
    while (i < commands.length) {
      const size = bursts.length ? bursts[b++ % bursts.length]! : 1;
      const burst = commands.slice(i, i + size);
      i += size;
      await Promise.all(burst.map(run));
    }

    const now = f.clock.now().toISOString();
    const report = await auditStock(f.client, now);
    expect(report.discrepancies).toEqual([]);
    const bad = await f.rows(
      "SELECT id FROM inventory_levels WHERE reserved < 0 OR reserved > on_hand OR on_hand < 0",
    );
    expect(bad).toEqual([]);
    for (const [i, s] of spirits.entries()) {
      const limit = LIMITS[i];
      if (limit !== null && limit !== undefined) {
        const over = await f.rows(
          `SELECT customer_id, SUM(quantity) AS q FROM (
             SELECT customer_id, quantity FROM stock_holds WHERE spirit_id = ? AND status IN ('active', 'committed', 'shipped')
             UNION ALL SELECT customer_id, quantity FROM preorder_claims WHERE spirit_id = ? AND status = 'waiting')
           GROUP BY customer_id HAVING SUM(quantity) > ?`,
          [s, s, limit],
        );
        expect(over).toEqual([]);
      }
      const [sum] = await f.rows(
        "SELECT COALESCE(SUM(on_hand), 0) AS n FROM inventory_levels WHERE spirit_id = ?",
        [s],
      );
      expect(Number(sum?.n)).toBe(expectedOnHand.get(s)!);
      if (i === PREORDER_SPIRIT) {
        const [taken] = await f.rows(
          "SELECT COALESCE(SUM(taken), 0) AS n FROM preorder_counters WHERE spirit_id = ?",
          [s],
        );
        expect(Number(taken?.n)).toBeLessThanOrEqual(ALLOCATION);
      }
      const versions = f.published.filter((e) => e.spiritId === s).map((e) => e.version);
      for (let k = 1; k < versions.length; k++) expect(versions[k]!).toBeGreaterThan(versions[k - 1]!);
    }
  } finally {
    await f.close();
  }
}

// Both ways the ledger commits: units decided in-process (the file) and the slot batch (remote, Worker).
describe.each(LEDGERS)("stock invariant under random interleavings, ledger on the %s", (ledger) => {
  test("audit clean, 0 <= reserved <= onHand, nobody over a limit, on-hand as reported, versions only grow", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 5, maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 10 }),
        (commands, bursts) => runScenario(ledger, commands, bursts),
      ),
      { numRuns: ledger === "executor" ? 60 : 30 },
    );
  }, 120_000);
});
