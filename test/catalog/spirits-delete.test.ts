/**
 * Deleting spirits through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd); references are made straight in the shared database file.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { wishlistItems } from "../../src/db/schema/accounts.ts";
import { auditLog } from "../../src/db/schema/http.ts";
import { SpiritArchivedSchema, SpiritListSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { createSpirit } from "./fixtures.ts";

describeTargets("deleting spirits", (t) => {
  let staff: Awaited<ReturnType<Target["signIn"]>>;
  let customer: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    staff = await t.signIn("staff");
    customer = await t.signIn("customer");
  });

  const del = (id: string) => t.call("DELETE", `/api/v1/spirits/${id}`, { headers: staff.headers });
  const auditActions = async (id: string) =>
    (await t.deps.db.select().from(auditLog)).filter((r) => r.subject === id).map((r) => r.action);

  describe("deleting a spirit", () => {
    test("a spirit nothing refers to is deleted for good: 204, then 404", async () => {
      const spirit = await createSpirit(t, staff);
      const res = await del(spirit.id);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
      expect((await t.call("GET", `/api/v1/spirits/${spirit.id}`)).status).toBe(404);
      expect((await del(spirit.id)).status).toBe(404);
      expect(await auditActions(spirit.id)).toEqual(["spirit.created", "spirit.deleted"]);
    });

    test("a spirit with a batch is archived instead: 200 with the spirit and why", async () => {
      const spirit = await createSpirit(t, staff);
      const batch = await t.call("POST", `/api/v1/spirits/${spirit.id}/batches`, {
        headers: staff.headers,
        body: { batchNumber: "B1" },
      });
      expect(batch.status).toBe(201);

      const res = await del(spirit.id);
      expect(res.status).toBe(200);
      const body = SpiritArchivedSchema.parse(await res.json());
      expect(body.outcome).toBe("archived");
      expect(body.references).toEqual({ batches: 1 });
      expect(body.detail).toBe(
        "The spirit is referred to by 1 batch, so it was archived instead of deleted.",
      );
      expect(body.spirit).toMatchObject({ id: spirit.id, status: "archived" });

      const read = await t.call("GET", `/api/v1/spirits/${spirit.id}`);
      expect((await read.json()).status).toBe("archived");
      const listed = SpiritListSchema.parse(await (await t.call("GET", "/api/v1/spirits?limit=100")).json());
      expect(listed.items.map((s) => s.id)).not.toContain(spirit.id);
      expect((await t.call("GET", `/api/v1/spirits/${spirit.id}/batches`)).status).toBe(200);
    });

    test("deleting an archived, still referred-to spirit again answers the same and logs nothing more", async () => {
      const spirit = await createSpirit(t, staff);
      await t.call("POST", `/api/v1/spirits/${spirit.id}/batches`, {
        headers: staff.headers,
        body: { batchNumber: "B1" },
      });
      expect((await del(spirit.id)).status).toBe(200);
      const again = await del(spirit.id);
      expect(again.status).toBe(200);
      expect(SpiritArchivedSchema.parse(await again.json()).spirit.status).toBe("archived");
      expect(await auditActions(spirit.id)).toEqual(["spirit.created", "spirit.archived"]);
    });

    test("a wishlist row referring to the spirit also archives it", async () => {
      const spirit = await createSpirit(t, staff);
      await t.deps.db
        .insert(wishlistItems)
        .values({ customerId: customer.id, spiritId: spirit.id, addedAt: new Date().toISOString() });
      const res = await del(spirit.id);
      expect(res.status).toBe(200);
      const body = SpiritArchivedSchema.parse(await res.json());
      expect(body.references).toEqual({ wishlist_items: 1 });
      expect(body.detail).toContain("1 wishlist item");
    });

    test("any table with a foreign key to spirits counts, including ones added after this module", async () => {
      await t.deps.client.execute(
        `CREATE TABLE test_bottle_reviews (
         id TEXT PRIMARY KEY,
         reviewed_spirit TEXT NOT NULL REFERENCES spirits(id)
       )`,
      );
      const spirit = await createSpirit(t, staff);
      for (const id of ["r1", "r2"]) {
        await t.deps.client.execute({
          sql: "INSERT INTO test_bottle_reviews (id, reviewed_spirit) VALUES (?, ?)",
          args: [id, spirit.id],
        });
      }
      await t.call("POST", `/api/v1/spirits/${spirit.id}/batches`, {
        headers: staff.headers,
        body: { batchNumber: "B9" },
      });
      const body = SpiritArchivedSchema.parse(await (await del(spirit.id)).json());
      expect(body.references).toEqual({ batches: 1, test_bottle_reviews: 2 });
      expect(body.detail).toBe(
        "The spirit is referred to by 1 batch and 2 test bottle reviews, so it was archived instead of deleted.",
      );
      const untouched = await createSpirit(t, staff);
      expect((await del(untouched.id)).status).toBe(204);
    });

    test("an archived spirit nothing refers to can still be deleted", async () => {
      const spirit = await createSpirit(t, staff);
      await t.call("PATCH", `/api/v1/spirits/${spirit.id}`, {
        headers: staff.headers,
        body: { status: "archived" },
      });
      expect((await del(spirit.id)).status).toBe(204);
    });
  });
});
