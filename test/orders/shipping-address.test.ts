/** Orders carry a full shipping address, validated field by field and kept on the order (both targets). */
import { beforeAll, expect, test } from "bun:test";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import { describeTargets } from "../support/targets.ts";
import { openShop, TEST_ADDRESS } from "./shop.ts";

describeTargets("shipping addresses", (t) => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  let spiritId: string;
  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit();
    await shop.receive(spiritId, 10);
  });
  const place = async (shipping: Record<string, unknown>) =>
    t.call("POST", "/api/v1/orders", {
      headers: (await shop.customer()).headers,
      body: { items: [{ spiritId, quantity: 1 }], shipping },
    });

  test("the whole address is kept on the order and read back", async () => {
    const address = { ...TEST_ADDRESS, lines: ["12 Rose Street", "Flat 3"], phone: "+441312345678" };
    const res = await place({ ...address, country: "gb", region: "SCT" });
    expect(res.status).toBe(201);
    const placed = OrderSchema.parse(await res.json());
    const expected = { ...address, country: "GB", region: "GB-SCT" };
    expect(placed.shipping).toEqual(expected);
    const read = await t.call("GET", `/api/v1/orders/${placed.id}`, { headers: shop.staff.headers });
    expect(OrderSchema.parse(await read.json()).shipping).toEqual(expected);
  });

  test("each missing or malformed part is a 422 naming it, and nothing is held", async () => {
    const before = (await shop.inventory(spiritId)).available;
    const res = await place({ country: "GB", lines: [], postalCode: "EH2 <2PR>", phone: "0131 234 5678" });
    expect(res.status).toBe(422);
    const paths = ((await res.json()).errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual([
      "shipping.city",
      "shipping.lines",
      "shipping.name",
      "shipping.phone",
      "shipping.postalCode",
    ]);
    const tooMany = await place({ ...TEST_ADDRESS, lines: ["a", "b", "c", "d"], country: "GB" });
    expect(tooMany.status).toBe(422);
    expect((await shop.inventory(spiritId)).available).toBe(before);
  });
});
