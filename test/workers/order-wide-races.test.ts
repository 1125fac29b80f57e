/**
 * Order-wide stock changes (confirm, cancel, ship) race against new holds and the reaper, on both targets.
 * On the Worker they commit from the stateless Worker while each spirit's Durable Object places holds and
 * releases lapsed ones: the guarded batches alone must keep the stock invariant (every level within
 * 0 <= reserved <= onHand, equal to its ledger and its live holds), each order's status must match its
 * holds, two changes of one order must not both win, and a watcher must see every spirit's versions only
 * grow, up to the final state.
 */
import { expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { type Caller, openShop } from "../orders/shop.ts";
import { increasing, WatchClient } from "../realtime/support.ts";
import { describeTargets } from "../support/targets.ts";

const STOCK = 40;
const PLACED = 28;
const NEW_ORDERS = 24;

/** SpiritStockObject's RPC method the test calls (its file is type-checked with Workers' types only). */
type SpiritObjectRpc = { expire(spiritId: string): Promise<number> };

type Answer = { kind: string; order?: number; status: number; type?: string };

/**
 * The hold statuses each order status allows. A cancel that reads the order just before its holds lapse
 * and commits just after the reaper released them has nothing left to give back: cancelled, holds expired.
 */
const HOLDS_OF: Record<string, string[]> = {
  reserved: ["active"],
  confirmed: ["committed"],
  shipped: ["shipped"],
  cancelled: ["released", "expired"],
  // A paid order cancelled by staff: its bottles went back, then its money.
  refunded: ["released", "expired"],
  expired: ["expired"],
};

describeTargets("order-wide changes racing holds and the reaper", (t) => {
  test("the invariant holds, each order matches its holds, and watchers see every spirit's versions grow", async () => {
    const shop = await openShop(t);
    const spirits = [await shop.spirit(), await shop.spirit()].sort();
    for (const s of spirits) await shop.receive(s, STOCK);
    const items = spirits.map((spiritId) => ({ spiritId, quantity: 1 }));
    // The per-spirit socket is the Worker's (the Bun target's test server has no WebSocket handler).
    const wsBase = (await t.baseUrl()).replace("http:", "ws:");
    const watchers = t.worker
      ? await Promise.all(spirits.map((s) => WatchClient.open(`${wsBase}/api/v1/spirits/${s}/stock/ws`)))
      : [];

    const buyers: Caller[] = [];
    const orders: string[] = [];
    for (let i = 0; i < PLACED; i++) {
      const c = await shop.customer();
      const res = await shop.order(c, items);
      expect(res.status).toBe(201);
      buyers.push(c);
      orders.push(OrderSchema.parse(await res.json()).id);
    }
    for (const id of orders.slice(0, 8)) {
      expect((await shop.act(shop.staff, id, "confirm")).status).toBe(200);
    }
    // The holds of orders 16..27 lapse now, while their order rows still say reserved: as in the moment
    // between a request reading the order and the spirit's object (or the cron) releasing the holds.
    const lapsedAt = new Date(t.deps.clock.now().getTime() - 1000).toISOString();
    const lapsing = JSON.stringify(orders.slice(16));
    await t.deps.client.execute({
      sql: "UPDATE stock_holds SET expires_at = ? WHERE order_id IN (SELECT value FROM json_each(?))",
      args: [lapsedAt, lapsing],
    });
    const newBuyers = [];
    for (let i = 0; i < NEW_ORDERS; i++) newBuyers.push(await shop.customer());

    /** The reaper: the cron on the Worker (it asks each spirit's object to release), the timer's work on Bun. */
    const reap = async (): Promise<Answer> => {
      if (t.worker) await t.worker.runCron("* * * * *");
      else await t.services.orders.expireDue();
      return { kind: "reap", status: 200 };
    };
    /** On the Worker, each spirit's object directly too, as its alarm does. */
    const alarm = async (): Promise<Answer> => {
      if (!t.worker) return reap();
      const ns = await t.worker.miniflare.getDurableObjectNamespace("SPIRIT_STOCK");
      await Promise.all(
        spirits.map((s) => (ns.get(ns.idFromName(s)) as unknown as SpiritObjectRpc).expire(s)),
      );
      return { kind: "reap", status: 200 };
    };
    const answer = (kind: string, order: number | undefined, res: Promise<Response>) => async () => {
      const r = await res;
      const body = (await r.json()) as { type?: string };
      return { kind, order, status: r.status, type: body.type?.split("/").pop() } as Answer;
    };
    const act = (kind: "confirm" | "cancel" | "ship", i: number, who: Caller) => () =>
      answer(kind, i, shop.act(who, orders[i]!, kind))();
    const tasks: (() => Promise<Answer>)[] = [
      // Confirmed orders: staff ship and cancel the same order at once (0..3), or only ship it (4..7).
      ...[0, 1, 2, 3].flatMap((i) => [act("ship", i, shop.staff), act("cancel", i, shop.staff)]),
      ...[4, 5, 6, 7].map((i) => act("ship", i, shop.staff)),
      // Reserved orders: staff confirm a payment while the customer cancels (8..11), or only confirm (12..15).
      ...[8, 9, 10, 11].flatMap((i) => [act("confirm", i, shop.staff), act("cancel", i, buyers[i]!)]),
      ...[12, 13, 14, 15].map((i) => act("confirm", i, shop.staff)),
      // Lapsed holds: a late payment holds the bottles again if they are there, else is refused; a cancel
      // and the reaper race to give the bottles back.
      ...[16, 17, 18, 19].map((i) => act("confirm", i, shop.staff)),
      ...[20, 21, 22, 23, 24, 25, 26, 27].map((i) => act("cancel", i, buyers[i]!)),
      // New buyers want what is left, while the above give bottles back or take them out.
      ...newBuyers.map((c) => () => answer("place", undefined, shop.order(c, items))()),
      ...[1, 2, 3].map(() => reap),
      ...[1, 2, 3, 4, 5, 6].map(() => alarm),
    ];
    tasks.sort(() => Math.random() - 0.5);
    const answers = await Promise.all(tasks.map((task) => task()));
    // Now the order rows say what the holds say, and the reaper writes the expiries down.
    await t.deps.client.execute({
      sql: "UPDATE orders SET expires_at = ? WHERE status = 'reserved' AND id IN (SELECT value FROM json_each(?))",
      args: [lapsedAt, lapsing],
    });
    await reap();

    const of = (kind: string, i?: number) => answers.filter((a) => a.kind === kind && a.order === i);
    const summary = JSON.stringify(answers.map((a) => [a.kind, a.order, a.status, a.type]));
    expect(
      answers.filter((a) => a.status >= 500),
      summary,
    ).toEqual([]);
    for (const i of [0, 1, 2, 3]) {
      // Whichever commits first wins; the other meets a guard (or the new status) and changes nothing.
      const ok = [...of("ship", i), ...of("cancel", i)].filter((a) => a.status === 200);
      expect(ok, summary).toHaveLength(1);
    }
    for (const i of [8, 9, 10, 11]) {
      const both = [...of("confirm", i), ...of("cancel", i)];
      expect(
        both.filter((a) => a.status === 200),
        summary,
      ).toHaveLength(1);
      // The loser: 409 (the order moved on), or 403 (a paid order needs staff to cancel it).
      expect(
        both.every((a) => [200, 403, 409].includes(a.status)),
        summary,
      ).toBe(true);
      // A confirm that lost to a cancel says the order moved on, not that its hold expired.
      expect(
        both.filter((a) => a.status === 409).every((a) => a.type === "order-status"),
        summary,
      ).toBe(true);
    }
    for (const i of [4, 5, 6, 7, 12, 13, 14, 15])
      expect(answers.find((a) => a.order === i)!.status).toBe(200);
    for (const i of [16, 17, 18, 19]) {
      const late = of("confirm", i)[0]!;
      expect(late.status === 200 || late.type === "hold-expired", summary).toBe(true);
    }
    // Given back once either way: by the cancel (200) or by the reaper first (409, the cancel met a guard).
    for (const i of [20, 21, 22, 23, 24, 25, 26, 27])
      expect([200, 409]).toContain(of("cancel", i)[0]!.status);
    const placed = of("place");
    expect(
      placed.every((a) => a.status === 201 || a.type === "sold-out"),
      summary,
    ).toBe(true);

    // Every order's status matches each of its holds, one per spirit.
    const rows = await t.deps.client.execute({
      sql: `SELECT o.id, o.status, h.spirit_id, h.status AS hold FROM orders o JOIN stock_holds h ON h.order_id = o.id
            WHERE h.spirit_id IN (?, ?)
              -- An order held again after a lapse stands on its newest holds; the lapsed ones are history.
              AND h.expires_at = (SELECT max(expires_at) FROM stock_holds x WHERE x.order_id = o.id)
            ORDER BY o.id, h.spirit_id`,
      args: spirits,
    });
    const mismatched = rows.rows.filter((r) => !HOLDS_OF[String(r.status)]?.includes(String(r.hold)));
    expect(mismatched, JSON.stringify(mismatched)).toEqual([]);
    const wonNew = placed.filter((a) => a.status === 201).length;
    expect(rows.rows.length).toBe((PLACED + wonNew) * spirits.length);

    // The invariant, the ledger and the holds: the audit checks all three, and finds nothing.
    const live = rows.rows.filter((r) => r.hold === "active" || r.hold === "committed").length / 2;
    const shipped = rows.rows.filter((r) => r.hold === "shipped").length / 2;
    for (const s of spirits) {
      const level = (await shop.inventory(s)).levels![0]!;
      expect(level).toMatchObject({ onHand: STOCK - shipped, reserved: live });
      expect(0 <= level.reserved && level.reserved <= level.onHand).toBe(true);
    }
    expect((await shop.audit()).discrepancies).toEqual([]);

    // Watchers got the final state of each spirit (nothing missed at the end), versions only growing.
    for (const [i, w] of watchers.entries()) {
      const s = spirits[i]!;
      const final = await shop.inventory(s);
      expect(await w.reach(s, final.version!, 5000)).toMatchObject({
        version: final.version,
        available: final.available,
      });
      const versions = w.states(s).map((m) => m.version!);
      expect(increasing(versions), JSON.stringify(versions)).toBe(true);
      w.close();
    }
  }, 60_000);
});
