/**
 * Wishlists through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd). A target's database lives for the whole file, so each test has customers and a spirit of its own.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { inArray } from "drizzle-orm";
import { wishlistItems } from "../../src/db/schema/accounts.ts";
import { WishlistItemSchema, WishlistSchema } from "../../src/modules/customers/customers.schemas.ts";
import { createSpirit, spiritBody } from "../catalog/fixtures.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";

type Caller = Awaited<ReturnType<Target["signIn"]>>;
let n = 0;
const unique = (name: string) => `${name}-${++n}-${Date.now()}@example.com`;

describeTargets("wishlists", (t) => {
  let ada: Caller;
  let bea: Caller;
  let staff: Caller;
  let spiritId: string;
  beforeEach(async () => {
    ada = await t.signIn("customer", unique("ada"));
    bea = await t.signIn("customer", unique("bea"));
    staff ??= await t.signIn("staff");
    spiritId = (await createSpirit(t, staff)).id;
  });

  const list = (who: Caller, id = "me", query = "") =>
    t.call("GET", `/api/v1/customers/${id}/wishlist${query}`, { headers: who.headers });
  const add = (who: Caller, body: unknown, id = "me") =>
    t.call("POST", `/api/v1/customers/${id}/wishlist`, { headers: who.headers, body });
  const remove = (who: Caller, spirit: string, id = "me") =>
    t.call("DELETE", `/api/v1/customers/${id}/wishlist/${spirit}`, { headers: who.headers });
  // This test's rows only (the database is shared by the file's tests).
  const rows = () =>
    t.deps.db
      .select()
      .from(wishlistItems)
      .where(inArray(wishlistItems.customerId, [ada.id, bea.id]));

  describe("wishlist", () => {
    test("starts empty", async () => {
      const res = await list(ada);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ items: [], nextCursor: null });
    });

    test("adding answers 201 with a summary of the spirit; adding again is a harmless 200", async () => {
      const before = t.deps.clock.now().toISOString();
      const res = await add(ada, { spiritId });
      expect(res.status).toBe(201);
      const item = WishlistItemSchema.parse(await res.json());
      // The target's clock: the Bun target's TestClock stands still, the Worker's is real time.
      expect(item.addedAt >= before && item.addedAt <= t.deps.clock.now().toISOString()).toBe(true);
      expect(item).toEqual({
        spiritId,
        addedAt: item.addedAt,
        spirit: {
          id: spiritId,
          name: "Test Distillery 12 Year Old",
          brand: "Test Distillery",
          type: "scotch",
          status: "available",
          price: { amountMinor: 4500, currency: "GBP" },
          imageUrl: "https://cdn.example.com/t.jpg",
        },
      });

      await letTimePass(t, 60_000);
      const again = await add(ada, { spiritId });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(item);
      expect(await rows()).toHaveLength(1);

      const listed = WishlistSchema.parse(await (await list(ada)).json());
      expect(listed).toEqual({ items: [item], nextCursor: null });
    });

    test("removing answers 204, and again 204", async () => {
      await add(ada, { spiritId });
      const res = await remove(ada, spiritId);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
      expect((await remove(ada, spiritId)).status).toBe(204);
      expect((await remove(ada, "spr_never_there")).status).toBe(204);
      expect((await (await list(ada)).json()).items).toEqual([]);
    });

    test("a spirit that does not exist, or is archived, cannot be added (422)", async () => {
      const missing = await add(ada, { spiritId: "spr_nothing" });
      expect(missing.status).toBe(422);
      expect((await missing.json()).errors).toEqual([
        { path: "spiritId", message: "names no spirit in the catalog" },
      ]);

      const archived = await createSpirit(t, staff, spiritBody({ name: "Old Bottling", status: "archived" }));
      const res = await add(ada, { spiritId: archived.id });
      expect(res.status).toBe(422);
      expect((await res.json()).errors[0].message).toContain("archived");
      expect(await rows()).toEqual([]);
    });

    test("lists newest first, one page at a time", async () => {
      const ids = [spiritId];
      for (let i = 0; i < 2; i++)
        ids.push((await createSpirit(t, staff, spiritBody({ name: `Bottling ${i}` }))).id);
      for (const id of ids) {
        await letTimePass(t, 1000);
        expect((await add(ada, { spiritId: id })).status).toBe(201);
      }
      const first = await (await list(ada, "me", "?limit=2")).json();
      expect(first.items.map((i: { spiritId: string }) => i.spiritId)).toEqual([ids[2], ids[1]]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await (await list(ada, "me", `?limit=2&cursor=${first.nextCursor}`)).json();
      expect(second.items.map((i: { spiritId: string }) => i.spiritId)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeNull();
    });

    test("a customer never reaches another's wishlist: 404 for reading, adding and removing, and nothing changes", async () => {
      await add(bea, { spiritId });
      for (const res of [
        await list(ada, bea.id),
        await add(ada, { spiritId }, bea.id),
        await remove(ada, spiritId, bea.id),
      ]) {
        expect(res.status).toBe(404);
        expect((await res.json()).detail).toBe("Customer was not found.");
      }
      expect((await (await list(bea)).json()).items).toHaveLength(1);
      expect(await rows()).toEqual([expect.objectContaining({ customerId: bea.id })]);
    });

    test("staff read and change any customer's wishlist; unknown customers are 404", async () => {
      expect((await add(staff, { spiritId }, ada.id)).status).toBe(201);
      expect((await (await list(staff, ada.id)).json()).items).toHaveLength(1);
      expect((await remove(staff, spiritId, ada.id)).status).toBe(204);
      expect((await list(staff, "cus_nobody")).status).toBe(404);
      expect((await add(staff, { spiritId }, "cus_nobody")).status).toBe(404);
      expect((await remove(staff, spiritId, "cus_nobody")).status).toBe(404);
    });

    test("anonymous callers get 401", async () => {
      expect((await t.call("GET", `/api/v1/customers/${ada.id}/wishlist`)).status).toBe(401);
      expect((await t.call("POST", "/api/v1/customers/me/wishlist", { body: { spiritId } })).status).toBe(
        401,
      );
      expect((await t.call("DELETE", `/api/v1/customers/me/wishlist/${spiritId}`)).status).toBe(401);
    });

    test.each([
      ["no spiritId", {}, "spiritId"],
      ["an empty spiritId", { spiritId: "" }, "spiritId"],
      ["a spiritId that is not text", { spiritId: 12 }, "spiritId"],
      ["an extra field", { spiritId: "spr_x", note: "birthday" }, "(root)"],
    ])("adding with %s is 422", async (_what, body, path) => {
      const res = await add(ada, body);
      expect(res.status).toBe(422);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await rows()).toEqual([]);
    });

    test.each(["?limit=0", "?limit=101", "?cursor=nope"])("listing with %s is 422", async (query) => {
      expect((await list(ada, "me", query)).status).toBe(422);
    });

    test("a spirit on a wishlist is archived rather than deleted, and stays listed with its status", async () => {
      await add(ada, { spiritId });
      const deleted = await t.call("DELETE", `/api/v1/spirits/${spiritId}`, { headers: staff.headers });
      expect(deleted.status).toBe(200);
      const listed = await (await list(ada)).json();
      expect(listed.items[0].spirit.status).toBe("archived");
    });
  });
});
