import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, like } from "drizzle-orm";
import { isConstraintError } from "../../src/db/constraint-errors.ts";
import { batches, spirits } from "../../src/db/schema/catalog.ts";
import { DomainError } from "../../src/domain-error.ts";
import { mergePatch } from "../../src/http/merge-patch.ts";
import { SpiritInputSchema, SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { describeReferences } from "../../src/modules/catalog/references.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { minimalSpiritBody } from "./fixtures.ts";

let t: TestApp;
const prices = [4200, 1500, 9900, 1500, 7000, 300];

beforeAll(async () => {
  t = await createTestApp();
  for (const [i, amountMinor] of prices.entries()) {
    await t.services.catalog.createSpirit(
      SpiritInputSchema.parse(
        minimalSpiritBody({ name: `Svc ${i}`, price: { amountMinor, currency: "GBP" } }),
      ),
    );
  }
});
afterAll(() => t.close());

describe("catalog service (what other modules call)", () => {
  test("findSpirit answers the API shape, or undefined", async () => {
    expect(await t.services.catalog.findSpirit("spr_missing")).toBeUndefined();
    const created = await t.services.catalog.createSpirit(SpiritInputSchema.parse(minimalSpiritBody()), {
      id: "usr_x",
    });
    const found = await t.services.catalog.findSpirit(created.id);
    expect(SpiritSchema.parse(found)).toEqual(created);
    await t.services.catalog.deleteSpirit(created.id);
  });

  test("listSpirits takes other sorts, paging exactly across equal values", async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.services.catalog.listSpirits({ limit: 2, cursor, sort: "price_asc" });
      seen.push(...page.items.map((s) => s.price.amountMinor));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...prices].sort((a, b) => a - b));
  });

  test("listSpirits takes extra conditions (the search module's hook)", async () => {
    const page = await t.services.catalog.listSpirits({ limit: 10, where: [like(spirits.name, "Svc 1%")] });
    expect(page.items.map((s) => s.name)).toEqual(["Svc 1"]);
  });

  test("a cursor from one sort is refused by another", async () => {
    const first = await t.services.catalog.listSpirits({ limit: 1, sort: "price_asc" });
    const err = await t.services.catalog
      .listSpirits({ limit: 1, sort: "newest", cursor: first.nextCursor! })
      .catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("validation");
  });

  test("deleteSpirit and patchSpirit throw not-found for unknown ids", async () => {
    for (const run of [
      () => t.services.catalog.deleteSpirit("spr_missing"),
      () => t.services.catalog.patchSpirit("spr_missing", { name: "x" }),
      () => t.services.catalog.listBatches("spr_missing", { limit: 5 }),
    ]) {
      const err = await run().catch((e) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe("not-found");
    }
  });
});

describe("merge patch (RFC 7396)", () => {
  test("the RFC's examples", () => {
    expect(mergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: "b" }, { b: "c" })).toEqual({ a: "b", b: "c" });
    expect(mergePatch({ a: "b" }, { a: null })).toEqual({});
    expect(mergePatch({ a: "b", b: "c" }, { a: null })).toEqual({ b: "c" });
    expect(mergePatch({ a: ["b"] }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: "c" }, { a: ["b"] })).toEqual({ a: ["b"] });
    expect(mergePatch({ a: { b: "c" } }, { a: { b: "d", c: null } })).toEqual({ a: { b: "d" } });
    expect(mergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch(["a", "b"], ["c", "d"])).toEqual(["c", "d"]);
    expect(mergePatch({ a: "b" }, ["c"])).toEqual(["c"]);
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: "b", c: null })).toEqual({ a: "b" });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  test("never writes to a prototype", () => {
    const merged = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

test("references are described in words", () => {
  expect(describeReferences({ batches: 2 })).toBe("2 batches");
  expect(describeReferences({ batches: 1, wishlist_items: 3 })).toBe("1 batch and 3 wishlist items");
  expect(describeReferences({ order_lines: 1, inventory_levels: 1, stock_entries: 1 })).toBe(
    "1 order line, 1 inventory level and 1 stock entry",
  );
});

test("real constraint failures are recognised, as the delete and batch fallbacks rely on it", async () => {
  const spirit = await t.services.catalog.createSpirit(SpiritInputSchema.parse(minimalSpiritBody()));
  await t.services.catalog.createBatch(spirit.id, { batchNumber: "U1" });
  const fk = await t.deps.db
    .delete(spirits)
    .where(eq(spirits.id, spirit.id))
    .catch((e: unknown) => e);
  expect(isConstraintError(fk, "FOREIGNKEY")).toBe(true);
  expect(isConstraintError(fk, "UNIQUE")).toBe(false);
  const now = new Date().toISOString();
  const unique = await t.deps.db
    .insert(batches)
    .values({
      id: "bat_dup",
      spiritId: spirit.id,
      batchNumber: "U1",
      caskNumbers: [],
      createdAt: now,
      updatedAt: now,
    })
    .catch((e: unknown) => e);
  expect(isConstraintError(unique, "UNIQUE")).toBe(true);
  expect(isConstraintError(new Error("something else"), "UNIQUE")).toBe(false);
});
