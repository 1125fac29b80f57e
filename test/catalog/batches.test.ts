/** Batches of a spirit through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in workerd). */
import { beforeAll, describe, expect, test } from "bun:test";
import { auditLog } from "../../src/db/schema/http.ts";
import { BatchListSchema, BatchSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";
import { createSpirit, paths, validationErrors } from "./fixtures.ts";

describeTargets("batches", (t) => {
  let staff: Awaited<ReturnType<Target["signIn"]>>;
  let customer: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    staff = await t.signIn("staff");
    customer = await t.signIn("customer");
  });

  const batchBody = (overrides: Record<string, unknown> = {}) => ({
    batchNumber: "B-2025-01",
    caskNumbers: ["101", "102"],
    bottlingDate: "2025-03-01",
    bottleCount: 600,
    notes: "Darker than usual.",
    ...overrides,
  });

  async function addBatch(spiritId: string, body: Record<string, unknown> = batchBody()) {
    const res = await t.call("POST", `/api/v1/spirits/${spiritId}/batches`, { headers: staff.headers, body });
    expect(res.status).toBe(201);
    return { res, batch: BatchSchema.parse(await res.json()) };
  }

  describe("batches", () => {
    test("staff record a batch: 201 with Location; it reads back the same", async () => {
      const spirit = await createSpirit(t, staff);
      const { res, batch } = await addBatch(spirit.id);
      expect(batch).toMatchObject({ spiritId: spirit.id, ...batchBody() });
      expect(batch.id).toMatch(/^bat_/);
      expect(res.headers.get("Location")).toBe(`/api/v1/spirits/${spirit.id}/batches/${batch.id}`);
      const read = await t.call("GET", res.headers.get("Location")!);
      expect(read.status).toBe(200);
      expect(BatchSchema.parse(await read.json())).toEqual(batch);
    });

    test("only the batch number is required", async () => {
      const spirit = await createSpirit(t, staff);
      const { batch } = await addBatch(spirit.id, { batchNumber: "ONLY" });
      expect(batch).toMatchObject({ caskNumbers: [], bottlingDate: null, bottleCount: null, notes: "" });
    });

    test("PUT replaces a batch; fields left out are cleared", async () => {
      const spirit = await createSpirit(t, staff);
      const { batch } = await addBatch(spirit.id);
      await letTimePass(t, 1000);
      const res = await t.call("PUT", `/api/v1/spirits/${spirit.id}/batches/${batch.id}`, {
        headers: staff.headers,
        body: { batchNumber: "B-2025-01R", bottleCount: 590 },
      });
      expect(res.status).toBe(200);
      const replaced = BatchSchema.parse(await res.json());
      expect(replaced).toMatchObject({
        id: batch.id,
        batchNumber: "B-2025-01R",
        bottleCount: 590,
        caskNumbers: [],
        bottlingDate: null,
        notes: "",
        createdAt: batch.createdAt,
      });
      expect(replaced.updatedAt).not.toBe(batch.updatedAt);
    });

    test("a batch number is unique per spirit: 409 problem on create and on replace", async () => {
      const spirit = await createSpirit(t, staff);
      const { batch: first } = await addBatch(spirit.id, batchBody({ batchNumber: "A" }));
      await addBatch(spirit.id, batchBody({ batchNumber: "B" }));

      const dup = await t.call("POST", `/api/v1/spirits/${spirit.id}/batches`, {
        headers: staff.headers,
        body: batchBody({ batchNumber: "B" }),
      });
      expect(dup.status).toBe(409);
      expect(dup.headers.get("Content-Type")).toBe("application/problem+json");
      const problem = await dup.json();
      expect(problem.type).toContain("duplicate-batch-number");
      expect(problem.errors).toEqual([{ path: "batchNumber", message: expect.any(String) }]);

      const renameClash = await t.call("PUT", `/api/v1/spirits/${spirit.id}/batches/${first.id}`, {
        headers: staff.headers,
        body: batchBody({ batchNumber: "B" }),
      });
      expect(renameClash.status).toBe(409);
      const keep = await t.call("PUT", `/api/v1/spirits/${spirit.id}/batches/${first.id}`, {
        headers: staff.headers,
        body: batchBody({ batchNumber: "A", notes: "same number, new notes" }),
      });
      expect(keep.status).toBe(200);

      const other = await createSpirit(t, staff);
      await addBatch(other.id, batchBody({ batchNumber: "B" }));
      const list = BatchListSchema.parse(
        await (await t.call("GET", `/api/v1/spirits/${spirit.id}/batches`)).json(),
      );
      expect(list.items.map((b) => b.batchNumber).sort()).toEqual(["A", "B"]);
    });

    test("lists page by cursor in the order recorded", async () => {
      const spirit = await createSpirit(t, staff);
      for (let i = 1; i <= 5; i++) {
        await letTimePass(t, 1000);
        await addBatch(spirit.id, batchBody({ batchNumber: `N${i}` }));
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await t.call("GET", `/api/v1/spirits/${spirit.id}/batches${q}`);
        expect(res.status).toBe(200);
        const page = BatchListSchema.parse(await res.json());
        seen.push(...page.items.map((b) => b.batchNumber));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(["N1", "N2", "N3", "N4", "N5"]);
    });

    test("unknown spirits and batches are 404; a batch is not reachable through another spirit", async () => {
      const spirit = await createSpirit(t, staff);
      const other = await createSpirit(t, staff);
      const { batch } = await addBatch(spirit.id);
      const h = { headers: staff.headers };
      expect((await t.call("GET", "/api/v1/spirits/spr_nope/batches")).status).toBe(404);
      expect(
        (await t.call("POST", "/api/v1/spirits/spr_nope/batches", { ...h, body: batchBody() })).status,
      ).toBe(404);
      expect((await t.call("GET", `/api/v1/spirits/spr_nope/batches/${batch.id}`)).status).toBe(404);
      expect((await t.call("GET", `/api/v1/spirits/${spirit.id}/batches/bat_nope`)).status).toBe(404);
      expect((await t.call("GET", `/api/v1/spirits/${other.id}/batches/${batch.id}`)).status).toBe(404);
      const put = await t.call("PUT", `/api/v1/spirits/${other.id}/batches/${batch.id}`, {
        ...h,
        body: batchBody(),
      });
      expect(put.status).toBe(404);
      expect((await put.json()).detail).toContain(batch.id);
    });

    test("validation: 422 naming the field, nothing stored", async () => {
      const spirit = await createSpirit(t, staff);
      for (const [body, path] of [
        [{ batchNumber: "" }, "batchNumber"],
        [{}, "batchNumber"],
        [batchBody({ batchNumber: "x".repeat(65) }), "batchNumber"],
        [batchBody({ bottleCount: 0 }), "bottleCount"],
        [batchBody({ bottleCount: 1.5 }), "bottleCount"],
        [batchBody({ bottlingDate: "2025-13-01" }), "bottlingDate"],
        [batchBody({ caskNumbers: "101" }), "caskNumbers"],
        [batchBody({ caskNumbers: [""] }), "caskNumbers.0"],
        [batchBody({ colour: "amber" }), "(root)"],
      ] as const) {
        const res = await t.call("POST", `/api/v1/spirits/${spirit.id}/batches`, {
          headers: staff.headers,
          body,
        });
        expect(paths(await validationErrors(res))).toContain(path);
      }
      const list = BatchListSchema.parse(
        await (await t.call("GET", `/api/v1/spirits/${spirit.id}/batches`)).json(),
      );
      expect(list.items).toEqual([]);
    });

    test("customers cannot write batches (403), anonymous callers get 401; both may read", async () => {
      const spirit = await createSpirit(t, staff);
      const { batch } = await addBatch(spirit.id);
      const url = `/api/v1/spirits/${spirit.id}/batches`;
      expect((await t.call("POST", url, { headers: customer.headers, body: batchBody() })).status).toBe(403);
      expect((await t.call("POST", url, { body: batchBody() })).status).toBe(401);
      expect(
        (await t.call("PUT", `${url}/${batch.id}`, { headers: customer.headers, body: batchBody() })).status,
      ).toBe(403);
      expect((await t.call("GET", url, { headers: customer.headers })).status).toBe(200);
      expect((await t.call("GET", `${url}/${batch.id}`)).status).toBe(200);
    });

    test("batch changes are audited", async () => {
      const spirit = await createSpirit(t, staff);
      const { batch } = await addBatch(spirit.id);
      await t.call("PUT", `/api/v1/spirits/${spirit.id}/batches/${batch.id}`, {
        headers: staff.headers,
        body: batchBody({ notes: "fixed" }),
      });
      const rows = (await t.deps.db.select().from(auditLog)).filter((r) => r.subject === batch.id);
      expect(rows.map((r) => [r.action, r.actorId])).toEqual([
        ["batch.created", staff.id],
        ["batch.replaced", staff.id],
      ]);
    });
  });
});
