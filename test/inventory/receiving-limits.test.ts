/**
 * Receiving cannot bring in bottles that were never made: serials within the batch's bottle count, a
 * batch's total within it, a limited edition's total within its outturn. Both targets.
 */
import { beforeAll, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("receiving limits", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  async function batchOf(spiritId: string, bottleCount: number) {
    const res = await t.call("POST", `/api/v1/spirits/${spiritId}/batches`, {
      headers: shop.staff.headers,
      body: {
        batchNumber: `L${bottleCount}-${crypto.randomUUID().slice(0, 8)}`,
        caskNumbers: [],
        bottleCount,
      },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const receive = (spiritId: string, body: Record<string, unknown>) =>
    shop.change(spiritId, { type: "receive", locationId: shop.loc("a"), ...body });

  async function refused(res: Response, limit: string) {
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem.code).toBe("over-limit");
    expect(problem.status).toBe(422);
    expect(problem.limit).toBe(limit);
    expect(String(problem.detail)).toContain(limit === "bottleCount" ? "bottle count" : "outturn");
    return problem;
  }

  test("serials beyond the batch's bottle count are refused, naming the limit", async () => {
    const s = await shop.spirit();
    const b = await batchOf(s, 540);
    const problem = await refused(
      await receive(s, { batchId: b, quantity: 2, serials: { from: 600, to: 601 } }),
      "bottleCount",
    );
    expect(problem.bottleCount).toBe(540);
    expect((await receive(s, { batchId: b, quantity: 2, serials: { from: 539, to: 540 } })).status).toBe(200);
    expect((await shop.inventory(s)).available).toBe(2);
  });

  test("a batch takes at most its bottle count in total, counted over earlier receives", async () => {
    const s = await shop.spirit();
    const b = await batchOf(s, 10);
    expect((await receive(s, { batchId: b, quantity: 6 })).status).toBe(200);
    expect((await receive(s, { batchId: b, quantity: 3, locationId: shop.loc("b") })).status).toBe(200);
    const problem = await refused(await receive(s, { batchId: b, quantity: 2 }), "bottleCount");
    expect(problem).toMatchObject({ bottleCount: 10, received: 9, remaining: 1 });
    expect((await receive(s, { batchId: b, quantity: 1 })).status).toBe(200);
  });

  test("a limited edition holds at most its outturn across batches and locations; returns are not new", async () => {
    const s = await shop.spirit({ limitedEdition: true, totalOutturn: 540 });
    await refused(await receive(s, { quantity: 1000 }), "totalOutturn");
    expect((await receive(s, { quantity: 500 })).status).toBe(200);
    const b = await batchOf(s, 100);
    const problem = await refused(
      await receive(s, { batchId: b, quantity: 41, locationId: shop.loc("b") }),
      "totalOutturn",
    );
    expect(problem).toMatchObject({ totalOutturn: 540, received: 500, remaining: 40 });
    expect((await receive(s, { batchId: b, quantity: 40, locationId: shop.loc("b") })).status).toBe(200);
    // a bottle that came back is not a new one: the return goes through at the outturn
    expect(
      (await shop.change(s, { type: "return", locationId: shop.loc("a"), quantity: 1, reason: "came back" }))
        .status,
    ).toBe(200);
    expect((await shop.audit()).clean).toBe(true);
  });
});
