/**
 * Inventory through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in workerd,
 * where stock goes through a Durable Object per spirit).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import {
  AuditSchema,
  InventorySchema,
  MovementListSchema,
  StockChangeResultSchema,
} from "../../src/modules/inventory/inventory.schemas.ts";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("inventory", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  describe("GET /inventory/{spiritId}", () => {
    test("anyone sees totals per location; staff also see levels by batch and versions", async () => {
      const s = await shop.spirit();
      const b = await shop.batch(s);
      await shop.receive(s, 5, shop.loc("edinburgh"));
      await shop.receive(s, 3, shop.loc("london"), { batchId: b });
      const c = await shop.customer();
      await shop.order(c, [{ spiritId: s, quantity: 2 }], { country: "GB" });

      const anonymous = await t.call("GET", `/api/v1/inventory/${s}`);
      expect(anonymous.status).toBe(200);
      const pub = InventorySchema.parse(await anonymous.json());
      expect(pub.available).toBe(6);
      expect(pub.byLocation).toEqual([
        { locationId: shop.loc("edinburgh"), locationName: shop.locName("edinburgh"), available: 3 },
        { locationId: shop.loc("london"), locationName: shop.locName("london"), available: 3 },
      ]);
      expect(pub.levels).toBeUndefined();
      expect(pub.version).toBeUndefined();
      const customerView = InventorySchema.parse(
        await (await t.call("GET", `/api/v1/inventory/${s}`, { headers: c.headers })).json(),
      );
      expect(customerView.levels).toBeUndefined();

      const staff = InventorySchema.parse(
        await (await t.call("GET", `/api/v1/inventory/${s}`, { headers: shop.staff.headers })).json(),
      );
      expect(staff.version).toBe(3);
      expect(
        staff.levels!.map(({ locationId, batchId, onHand, reserved, available, version }) => ({
          locationId,
          batchId,
          onHand,
          reserved,
          available,
          version,
        })),
      ).toEqual([
        {
          locationId: shop.loc("edinburgh"),
          batchId: null,
          onHand: 5,
          reserved: 2,
          available: 3,
          version: 2,
        },
        { locationId: shop.loc("london"), batchId: b, onHand: 3, reserved: 0, available: 3, version: 1 },
      ]);
    });

    test("unknown spirit is 404; a spirit with no stock has zero", async () => {
      expect((await t.call("GET", "/api/v1/inventory/spr_nope")).status).toBe(404);
      const s = await shop.spirit();
      expect(
        InventorySchema.parse(await (await t.call("GET", `/api/v1/inventory/${s}`)).json()),
      ).toMatchObject({
        available: 0,
        byLocation: [],
      });
    });
  });

  describe("PATCH /inventory/{spiritId}", () => {
    test("receive, adjust with reason, transfer and count, each in the ledger with who and why", async () => {
      const s = await shop.spirit();
      const r1 = StockChangeResultSchema.parse(
        await (
          await shop.change(s, {
            type: "receive",
            locationId: shop.loc("a"),
            quantity: 10,
            reason: "delivery 42",
          })
        ).json(),
      );
      expect(r1.available).toBe(10);
      expect(r1.changed[0]!.version).toBe(1);
      const adj = await shop.change(s, {
        type: "adjust",
        locationId: shop.loc("a"),
        delta: -2,
        reason: "two broken",
      });
      expect(adj.status).toBe(200);
      const tr = StockChangeResultSchema.parse(
        await (
          await shop.change(s, {
            type: "transfer",
            fromLocationId: shop.loc("a"),
            toLocationId: shop.loc("b"),
            quantity: 3,
          })
        ).json(),
      );
      expect(tr.byLocation).toEqual([
        { locationId: shop.loc("a"), locationName: shop.locName("a"), available: 5 },
        { locationId: shop.loc("b"), locationName: shop.locName("b"), available: 3 },
      ]);
      const count = StockChangeResultSchema.parse(
        await (
          await shop.change(s, { type: "count", locationId: shop.loc("b"), counted: 2, reason: "stocktake" })
        ).json(),
      );
      expect(count.available).toBe(7);

      const moves = MovementListSchema.parse(
        await (
          await t.call("GET", `/api/v1/inventory/${s}/movements`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(moves.items.map((m) => [m.kind, m.locationId, m.onHandDelta, m.reason])).toEqual([
        ["count", shop.loc("b"), -1, "stocktake"],
        ["transfer_in", shop.loc("b"), 3, null],
        ["transfer_out", shop.loc("a"), -3, null],
        ["adjust", shop.loc("a"), -2, "two broken"],
        ["receive", shop.loc("a"), 10, "delivery 42"],
      ]);
      expect(moves.items.every((m) => m.actorId === shop.staff.id)).toBe(true);
      expect(moves.items[1]!.operationId).toBe(moves.items[2]!.operationId);
      expect((await shop.audit()).clean).toBe(true);
    });

    test("expectedVersion: a stale version is refused with 409 and nothing changes", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 4, shop.loc("a"));
      const stale = await shop.change(s, {
        type: "count",
        locationId: shop.loc("a"),
        counted: 9,
        expectedVersion: 0,
      });
      expect(stale.status).toBe(409);
      const problem = await stale.json();
      expect(problem.type).toEndWith("/stale-version");
      expect(problem.currentVersion).toBe(1);
      expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 4, version: 1 });
      const fresh = await shop.change(s, {
        type: "count",
        locationId: shop.loc("a"),
        counted: 9,
        expectedVersion: 1,
      });
      expect(fresh.status).toBe(200);
      expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 9, version: 2 });
    });

    test("on-hand never goes below what is reserved", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 3, shop.loc("a"));
      await shop.order(await shop.customer(), [{ spiritId: s, quantity: 2 }]);
      for (const body of [
        { type: "adjust", locationId: shop.loc("a"), delta: -2, reason: "lost" },
        { type: "count", locationId: shop.loc("a"), counted: 1 },
      ]) {
        const res = await shop.change(s, body);
        expect(res.status).toBe(409);
        expect((await res.json()).type).toEndWith("/below-reserved");
      }
      const transfer = await shop.change(s, {
        type: "transfer",
        fromLocationId: shop.loc("a"),
        toLocationId: shop.loc("b"),
        quantity: 2,
      });
      expect(transfer.status).toBe(409);
      expect((await transfer.json()).type).toEndWith("/insufficient-stock");
      expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 3, reserved: 2 });
    });

    test("bad operations are 422 with the field, and change nothing", async () => {
      const s = await shop.spirit();
      const cases: [Record<string, unknown>, string][] = [
        [{ type: "steal", locationId: shop.loc("a") }, "type"],
        [{ type: "receive", locationId: shop.loc("a"), quantity: 0 }, "quantity"],
        [{ type: "adjust", locationId: shop.loc("a"), delta: 3 }, "reason"],
        [{ type: "adjust", locationId: shop.loc("a"), delta: 0, reason: "x" }, "delta"],
        [
          { type: "transfer", fromLocationId: shop.loc("a"), toLocationId: shop.loc("a"), quantity: 1 },
          "toLocationId",
        ],
        [{ type: "receive", locationId: shop.loc("a"), quantity: 2, serials: { from: 1, to: 2 } }, "batchId"],
        [{ type: "receive", locationId: shop.loc("a"), quantity: 1, batchId: "bat_nope" }, "batchId"],
        [{ type: "adjust", locationId: "loc_nowhere", delta: -1, reason: "x" }, "locationId"],
      ];
      for (const [body, path] of cases) {
        const res = await shop.change(s, body);
        expect(res.status).toBe(422);
        const problem = await res.json();
        expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await shop.inventory(s)).levels).toEqual([]);
      expect(
        (await shop.change("spr_nope", { type: "receive", locationId: shop.loc("a"), quantity: 1 })).status,
      ).toBe(404);
    });

    test("staff only: customers 403, anonymous 401", async () => {
      const s = await shop.spirit();
      const c = await shop.customer();
      const body = { type: "receive", locationId: shop.loc("a"), quantity: 1 };
      expect((await t.call("PATCH", `/api/v1/inventory/${s}`, { headers: c.headers, body })).status).toBe(
        403,
      );
      expect((await t.call("PATCH", `/api/v1/inventory/${s}`, { body })).status).toBe(401);
      expect((await t.call("GET", `/api/v1/inventory/${s}/movements`, { headers: c.headers })).status).toBe(
        403,
      );
      expect((await t.call("POST", "/api/v1/inventory/audits", { headers: c.headers })).status).toBe(403);
    });
  });

  describe("movements", () => {
    test("cursor pages newest first, filterable by kind and order", async () => {
      const s = await shop.spirit();
      for (let i = 0; i < 5; i++) await shop.receive(s, 1, shop.loc("a"));
      const c = await shop.customer();
      const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 2 }])).json());
      const url = `/api/v1/inventory/${s}/movements`;
      const first = MovementListSchema.parse(
        await (await t.call("GET", `${url}?limit=4`, { headers: shop.staff.headers })).json(),
      );
      expect(first.items.map((m) => m.kind)).toEqual(["hold", "receive", "receive", "receive"]);
      const second = MovementListSchema.parse(
        await (
          await t.call("GET", `${url}?limit=4&cursor=${first.nextCursor}`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(second.items.map((m) => m.kind)).toEqual(["receive", "receive"]);
      expect(second.nextCursor).toBeNull();
      const holds = MovementListSchema.parse(
        await (await t.call("GET", `${url}?orderId=${order.id}`, { headers: shop.staff.headers })).json(),
      );
      expect(holds.items).toHaveLength(1);
      expect(holds.items[0]).toMatchObject({
        kind: "hold",
        reservedDelta: 2,
        onHandDelta: 0,
        orderId: order.id,
        actorId: c.id,
      });
      const receives = MovementListSchema.parse(
        await (await t.call("GET", `${url}?kind=receive&limit=100`, { headers: shop.staff.headers })).json(),
      );
      expect(receives.items).toHaveLength(5);
    });
  });

  describe("audits", () => {
    test("a clean audit is stored and can be read back; a tampered level is reported, not fixed", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 5, shop.loc("a"));
      const res = await t.call("POST", "/api/v1/inventory/audits", { headers: shop.staff.headers });
      expect(res.status).toBe(201);
      const audit = AuditSchema.parse(await res.json());
      expect(audit).toMatchObject({
        clean: true,
        trigger: "manual",
        actorId: shop.staff.id,
        discrepancies: [],
      });
      expect(audit.levelsChecked).toBeGreaterThan(0);
      const again = AuditSchema.parse(
        await (
          await t.call("GET", `/api/v1/inventory/audits/${audit.id}`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(again).toEqual(audit);

      // someone writes the level behind the ledger's back
      await t.deps.client.execute({
        sql: "UPDATE inventory_levels SET on_hand = on_hand + 7 WHERE spirit_id = ?",
        args: [s],
      });
      const dirty = AuditSchema.parse(
        await (await t.call("POST", "/api/v1/inventory/audits", { headers: shop.staff.headers })).json(),
      );
      expect(dirty.clean).toBe(false);
      expect(dirty.discrepancies).toContainEqual(
        expect.objectContaining({
          kind: "ledger-on-hand",
          expected: 5,
          actual: 12,
          subject: expect.objectContaining({ spiritId: s }),
        }),
      );
      // reported, never fixed
      expect((await shop.inventory(s)).levels![0]!.onHand).toBe(12);
      await t.deps.client.execute({
        sql: "UPDATE inventory_levels SET on_hand = on_hand - 7 WHERE spirit_id = ?",
        args: [s],
      });

      const list = await (
        await t.call("GET", "/api/v1/inventory/audits?limit=1", { headers: shop.staff.headers })
      ).json();
      expect(list.items[0].id).toBe(dirty.id);
      expect(list.nextCursor).not.toBeNull();
      expect(
        (await t.call("GET", "/api/v1/inventory/audits/sau_missing", { headers: shop.staff.headers })).status,
      ).toBe(404);
    });
  });

  describe("numbered bottles", () => {
    test("a limited batch's bottle numbers go to confirmed lines, lowest first, and ship with them", async () => {
      const s = await shop.spirit();
      const b = await shop.batch(s);
      const received = await shop.change(s, {
        type: "receive",
        locationId: shop.loc("a"),
        batchId: b,
        quantity: 5,
        serials: { from: 1, to: 5 },
      });
      expect(received.status).toBe(200);
      const again = await shop.change(s, {
        type: "receive",
        locationId: shop.loc("a"),
        batchId: b,
        quantity: 2,
        serials: { from: 5, to: 6 },
      });
      expect(again.status).toBe(409);
      expect((await again.json()).type).toEndWith("/serials-taken");
      const c = await shop.customer();
      const first = OrderSchema.parse(
        await (await shop.order(c, [{ spiritId: s, quantity: 2, batchId: b }])).json(),
      );
      expect(first.lines[0]!.allocations[0]!.bottleNumbers).toEqual([]);
      const confirmed = OrderSchema.parse(await (await shop.act(shop.staff, first.id, "confirm")).json());
      expect(confirmed.lines[0]!.allocations[0]!.bottleNumbers).toEqual([1, 2]);
      const second = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json());
      const secondConfirmed = OrderSchema.parse(
        await (await shop.act(shop.staff, second.id, "confirm")).json(),
      );
      expect(secondConfirmed.lines[0]!.allocations[0]!.bottleNumbers).toEqual([3]);
      const shipped = OrderSchema.parse(await (await shop.act(shop.staff, first.id, "ship")).json());
      expect(shipped.lines[0]!.allocations[0]).toMatchObject({ status: "shipped", bottleNumbers: [1, 2] });
      // a cancelled paid order gives its numbers back for the next buyer
      await shop.act(shop.staff, second.id, "cancel");
      const third = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json());
      const thirdConfirmed = OrderSchema.parse(
        await (await shop.act(shop.staff, third.id, "confirm")).json(),
      );
      expect(thirdConfirmed.lines[0]!.allocations[0]!.bottleNumbers).toEqual([3]);
      expect((await shop.audit()).clean).toBe(true);
    });
  });

  describe("Idempotency-Key on PATCH /inventory/{spiritId}", () => {
    test("a retried receive is counted once", async () => {
      const s = await shop.spirit();
      const key = `receive-${crypto.randomUUID()}`;
      const send = () =>
        t.call("PATCH", `/api/v1/inventory/${s}`, {
          headers: { ...shop.staff.headers, "Idempotency-Key": key },
          body: { type: "receive", locationId: shop.loc("a"), quantity: 12 },
        });
      const first = await send();
      expect(first.status).toBe(200);
      const retry = await send();
      expect(retry.status).toBe(200);
      expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
      expect(await retry.json()).toEqual(await first.json());
      expect((await shop.inventory(s)).levels![0]!.onHand).toBe(12);
    });
  });

  describe("returns and audit corrections", () => {
    test("a return puts bottles back with the order it came from; a correction names its audit", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 3, shop.loc("a"));
      const c = await shop.customer();
      const order = OrderSchema.parse(await (await shop.order(c, [{ spiritId: s, quantity: 1 }])).json());
      await shop.act(shop.staff, order.id, "confirm");
      await shop.act(shop.staff, order.id, "ship");
      const back = await shop.change(s, {
        type: "return",
        locationId: shop.loc("a"),
        quantity: 1,
        orderId: order.id,
        reason: "returned unopened",
      });
      expect(back.status).toBe(200);
      expect((await shop.inventory(s)).levels![0]).toMatchObject({ onHand: 3, reserved: 0 });
      const unknownOrder = await shop.change(s, {
        type: "return",
        locationId: shop.loc("a"),
        quantity: 1,
        orderId: "ord_nope",
        reason: "x",
      });
      expect(unknownOrder.status).toBe(422);
      expect((await unknownOrder.json()).errors[0].path).toBe("orderId");

      const audit = AuditSchema.parse(
        await (await t.call("POST", "/api/v1/inventory/audits", { headers: shop.staff.headers })).json(),
      );
      const fix = await shop.change(s, {
        type: "count",
        locationId: shop.loc("a"),
        counted: 2,
        auditId: audit.id,
        reason: "one missing on the shelf",
      });
      expect(fix.status).toBe(200);
      const noAudit = await shop.change(s, {
        type: "adjust",
        locationId: shop.loc("a"),
        delta: -1,
        reason: "x",
        auditId: "sau_nope",
      });
      expect(noAudit.status).toBe(422);

      const moves = MovementListSchema.parse(
        await (
          await t.call("GET", `/api/v1/inventory/${s}/movements?limit=2`, { headers: shop.staff.headers })
        ).json(),
      );
      expect(moves.items[0]).toMatchObject({
        kind: "audit_correction",
        onHandDelta: -1,
        reason: `audit ${audit.id}: one missing on the shelf`,
      });
      expect(moves.items[1]).toMatchObject({
        kind: "return",
        onHandDelta: 1,
        orderId: order.id,
        reason: "returned unopened",
      });
      expect((await shop.audit()).clean).toBe(true);
    });
  });
});
