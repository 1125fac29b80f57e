import { describe, expect, test } from "bun:test";
import { batches, spirits } from "../../src/db/schema/catalog.ts";
import { DEMO_CATALOG, DEMO_SPIRIT_COUNT } from "../../src/db/seed/demo-catalog.ts";
import { SpiritListSchema, SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { prepareDatabase } from "../../src/startup.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { createSpirit } from "./fixtures.ts";

const counts = async (t: TestApp) => ({
  spirits: (await t.deps.db.select().from(spirits)).length,
  batches: (await t.deps.db.select().from(batches)).length,
});

describe("demo catalog", () => {
  test("loads on first start when SEED_DEMO is on, and a second start adds nothing", async () => {
    const t = await createTestApp({ seedDemo: true });
    try {
      const first = await counts(t);
      expect(first.spirits).toBe(DEMO_SPIRIT_COUNT);
      expect(DEMO_SPIRIT_COUNT).toBeGreaterThanOrEqual(20);
      expect(first.batches).toBeGreaterThan(0);

      expect(await t.services.catalog.seedIfEmpty(DEMO_CATALOG)).toBe(0);
      await prepareDatabase(t.deps, t.services);
      expect(await counts(t)).toEqual(first);
    } finally {
      t.close();
    }
  });

  test("every demo spirit is valid in the API shape, and the catalog is varied", async () => {
    const t = await createTestApp({ seedDemo: true });
    try {
      const res = await t.call("GET", "/api/v1/spirits?limit=100");
      const { items } = SpiritListSchema.parse(await res.json());
      const all = items.map((s) => SpiritSchema.parse(s));
      expect(all.length).toBe(DEMO_SPIRIT_COUNT);
      const types = new Set(all.map((s) => s.type));
      for (const type of ["scotch", "bourbon", "rum", "cognac", "mezcal", "gin", "japanese"]) {
        expect(types).toContain(type as never);
      }
      expect(new Set(all.map((s) => s.price.currency))).toEqual(new Set(["GBP", "EUR", "USD"]));
      expect(new Set(all.map((s) => s.country)).size).toBeGreaterThanOrEqual(8);
      const limited = all.filter((s) => s.limitedEdition);
      expect(limited.length).toBeGreaterThanOrEqual(3);
      for (const s of limited) expect(s.totalOutturn).toBeGreaterThan(0);
      const peatedIslay = all.filter((s) => s.region === "Islay" && (s.flavourProfile.smoky ?? 0) >= 3);
      expect(peatedIslay.length).toBeGreaterThanOrEqual(2);

      const withBatches = all.find((s) => s.id === "spr_demo_port_ardnahoe_12_cs")!;
      const batchList = await (await t.call("GET", `/api/v1/spirits/${withBatches.id}/batches`)).json();
      expect(batchList.items.length).toBe(2);
    } finally {
      t.close();
    }
  });

  test("seeds only an empty catalog", async () => {
    const t = await createTestApp();
    try {
      const staff = await t.signIn("staff");
      await createSpirit(t, staff);
      expect(await t.services.catalog.seedIfEmpty(DEMO_CATALOG)).toBe(0);
      expect((await counts(t)).spirits).toBe(1);
    } finally {
      t.close();
    }
  });

  test("two seeds racing on one empty database still make one catalog", async () => {
    const t = await createTestApp();
    try {
      const added = await Promise.all([
        t.services.catalog.seedIfEmpty(DEMO_CATALOG),
        t.services.catalog.seedIfEmpty(DEMO_CATALOG),
      ]);
      expect(added[0]! + added[1]!).toBe(DEMO_SPIRIT_COUNT);
      expect((await counts(t)).spirits).toBe(DEMO_SPIRIT_COUNT);
    } finally {
      t.close();
    }
  });
});
