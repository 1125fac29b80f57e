/** Shipping takes a carrier and tracking number, and may go in parts, line by line (both targets). */
import { beforeAll, expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { describeTargets } from "../support/targets.ts";
import { openShop, TEST_PARCEL } from "./shop.ts";

describeTargets("shipments", (t) => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  beforeAll(async () => {
    shop = await openShop(t);
  });
  const ship = (id: string, body: unknown) =>
    t.call("POST", `/api/v1/orders/${id}/ship`, { headers: shop.staff.headers, body });

  test("a paid order of two spirits ships in two parcels: partially_shipped, then shipped", async () => {
    const [a, b] = [await shop.spirit(), await shop.spirit()];
    await shop.receive(a, 4);
    await shop.receive(b, 4);
    const c = await shop.customer();
    const placed = await shop.order(c, [
      { spiritId: a, quantity: 2 },
      { spiritId: b, quantity: 1 },
    ]);
    const order = OrderSchema.parse(await placed.json());
    expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
    const lineOf = (spiritId: string) => order.lines.find((l) => l.spiritId === spiritId)!.id;

    const missing = await ship(order.id, { trackingNumber: "RM1" });
    expect(missing.status).toBe(422);
    const stranger = await ship(order.id, { ...TEST_PARCEL, lineIds: ["oln_not_ours"] });
    expect(stranger.status).toBe(422);
    expect((await stranger.json()).errors[0].path).toBe("lineIds.0");

    const first = await ship(order.id, { ...TEST_PARCEL, lineIds: [lineOf(a)] });
    expect(first.status).toBe(200);
    const part = OrderSchema.parse(await first.json());
    expect(part.status).toBe("partially_shipped");
    expect(part.shipments).toEqual([expect.objectContaining({ ...TEST_PARCEL, lineIds: [lineOf(a)] })]);
    expect((await shop.inventory(a)).levels![0]).toMatchObject({ onHand: 2, reserved: 0 });
    expect((await shop.inventory(b)).levels![0]).toMatchObject({ onHand: 4, reserved: 1 });
    expect((await ship(order.id, { ...TEST_PARCEL, lineIds: [lineOf(a)] })).status).toBe(422);
    const cancel = await shop.act(shop.staff, order.id, "cancel");
    expect(await cancel.json()).toMatchObject({ code: "order-status", orderStatus: "partially_shipped" });

    const rest = OrderSchema.parse(
      await (await ship(order.id, { carrier: "DPD", trackingNumber: "DPD-77" })).json(),
    );
    expect(rest.status).toBe("shipped");
    expect(rest.shipments.map((s) => [s.carrier, s.lineIds])).toEqual([
      ["Royal Mail", [lineOf(a)]],
      ["DPD", [lineOf(b)]],
    ]);
    expect(rest.history.map((h) => h.status)).toEqual([
      "reserved",
      "confirmed",
      "partially_shipped",
      "shipped",
    ]);
    expect((await shop.audit()).discrepancies).toEqual([]);
  });
});
