/** `GET /api/v1/events`: staff and admins read the outbox's log, in order, by page, by type and subject. */
import { beforeAll, expect, test } from "bun:test";
import { EventListSchema } from "../../src/modules/events/events.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets("the event log", (t) => {
  let shop: Shop;
  let spirits: string[];
  beforeAll(async () => {
    shop = await openShop(t);
    spirits = [await shop.spirit(), await shop.spirit(), await shop.spirit()];
    await t.call("PATCH", `/api/v1/spirits/${spirits[0]}`, {
      headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
      body: { price: { amountMinor: 100, currency: "GBP" } },
    });
  });
  const list = async (query: string, headers: Record<string, string> = shop.staff.headers) =>
    t.call("GET", `/api/v1/events${query}`, { headers });

  test("only staff and admins read it: anonymous 401, customers 403", async () => {
    expect((await list("", {})).status).toBe(401);
    expect((await list("", (await shop.customer()).headers)).status).toBe(403);
    expect((await list("")).status).toBe(200);
    expect((await list("", (await t.signIn("admin")).headers)).status).toBe(200);
  });

  test("pages follow the log oldest first, without repeats or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const body = EventListSchema.parse(await res.json());
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((e) => e.id));
      cursor = body.nextCursor;
    } while (cursor);
    const all = EventListSchema.parse(await (await list("?limit=500")).json()).items;
    expect(seen).toEqual(all.map((e) => e.id));
    expect(new Set(seen).size).toBe(seen.length);
    const created = all.filter((e) => e.type === "spirit.created").map((e) => e.subject);
    expect(created).toEqual(expect.arrayContaining(spirits));
  });

  test("filters by types (a comma list) and by subject", async () => {
    const res = await list(`?type=spirit.price_changed,spirit.updated&subject=${spirits[0]}`);
    const body = EventListSchema.parse(await res.json());
    expect(body.items.map((e) => e.type)).toEqual(["spirit.updated", "spirit.price_changed"]);
    expect(body.items[1]!.payload).toMatchObject({ price: { amount: 100, currency: "GBP" } });
    const created = EventListSchema.parse(
      await (await list(`?type=spirit.created&subject=${spirits[1]}`)).json(),
    );
    expect(created.items).toHaveLength(1);
  });

  test("an unknown type or a bad cursor is 422 naming the parameter", async () => {
    const bad = await list("?type=spirit.created,spirit.exploded");
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0]).toMatchObject({ path: "type" });
    const cursor = await list("?cursor=nonsense");
    expect(cursor.status).toBe(422);
    expect((await cursor.json()).errors[0]).toMatchObject({ path: "cursor" });
  });
});
