/**
 * Spirit list and search items carry `available` and `stockStatus`, the figures the inventory read gives
 * for the same spirit, read for the whole page in one query.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { keptRowsFor, ledgerPortFor } from "../../src/db/ledger-port.ts";
import { SpiritListSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { availabilityOf } from "../../src/modules/inventory/kept-availability.ts";
import { SpiritSearchResultSchema } from "../../src/modules/search/search.schemas.ts";
import { readAvailability } from "../../src/stock/availability.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { createTestApp, type TestApp, type TestClock } from "../support/test-app.ts";

let t: TestApp;
let shop: Shop;
let stocked: string;
let soldOut: string;
let never: string;

beforeAll(async () => {
  t = await createTestApp();
  shop = await openShop(t);
  stocked = await shop.spirit({ name: "Availability Malt Stocked" });
  soldOut = await shop.spirit({ name: "Availability Malt Gone" });
  never = await shop.spirit({ name: "Availability Malt Never" });
  await shop.receive(stocked, 6, shop.loc("edinburgh"));
  await shop.receive(stocked, 4, shop.loc("a"));
  await shop.receive(soldOut, 2);
  const buyer = await shop.customer();
  expect((await shop.order(buyer, [{ spiritId: stocked, quantity: 3 }])).status).toBe(201);
  expect((await shop.order(buyer, [{ spiritId: soldOut, quantity: 2 }])).status).toBe(201);
});
afterAll(() => t.close());

type Item = { id: string; available: number; stockStatus: string };

async function listed(path: string): Promise<Map<string, Item>> {
  const res = await t.call("GET", path);
  expect(res.status).toBe(200);
  const body = SpiritSearchResultSchema.parse(await res.json());
  return new Map(body.items.map((i) => [i.id, i]));
}

async function inventoryOf(id: string) {
  const res = await t.call("GET", `/api/v1/inventory/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { available: number; stockStatus: string };
}

const READS = {
  "the plain listing": "/api/v1/spirits?limit=50",
  "a search": "/api/v1/spirits?q=availability%20malt&limit=50",
};

describe("availability on list and search items", () => {
  for (const [what, path] of Object.entries(READS)) {
    test(`${what}: counts and statuses, equal to the inventory read of each spirit`, async () => {
      const items = await listed(path);
      expect(items.get(stocked)).toMatchObject({ available: 7, stockStatus: "in_stock" });
      expect(items.get(soldOut)).toMatchObject({ available: 0, stockStatus: "sold_out" });
      expect(items.get(never)).toMatchObject({ available: 0, stockStatus: "not_stocked" });
      for (const id of [stocked, soldOut, never]) {
        const { available, stockStatus } = items.get(id)!;
        expect({ available, stockStatus }).toEqual({
          available: (await inventoryOf(id)).available,
          stockStatus: (await inventoryOf(id)).stockStatus,
        });
      }
    });
  }

  test("holds that lapsed but were not reaped yet count as released, as the inventory read counts them", async () => {
    (t.deps.clock as TestClock).advance(3 * 60 * 60_000);
    await shop.renewTokens();
    for (const path of Object.values(READS)) {
      const items = await listed(path);
      expect(items.get(stocked)).toMatchObject({ available: 10, stockStatus: "in_stock" });
      expect(items.get(soldOut)).toMatchObject({ available: 2, stockStatus: "in_stock" });
      for (const id of [stocked, soldOut, never]) {
        const inventory = await inventoryOf(id);
        expect(items.get(id)!.available).toBe(inventory.available);
        expect(items.get(id)!.stockStatus).toBe(inventory.stockStatus);
      }
    }
  });

  test("the page's availability is one query, whatever the page's size", async () => {
    // Through the client or, on the embedded file, on a kept statement (src/modules/inventory/kept-availability.ts).
    const statements: string[] = [];
    const execute = t.deps.client.execute.bind(t.deps.client);
    t.deps.client.execute = ((stmt: Parameters<typeof execute>[0]) => {
      statements.push(typeof stmt === "string" ? stmt : (stmt as { sql: string }).sql);
      return execute(stmt);
    }) as typeof execute;
    const port = ledgerPortFor(t.deps.client);
    const rows = port.rows;
    if (rows) {
      port.rows = (sql, args) => {
        statements.push(sql);
        return rows(sql, args);
      };
    }
    try {
      const res = await t.call("GET", "/api/v1/spirits?limit=50");
      expect(SpiritListSchema.parse(await res.json()).items.length).toBe(3);
    } finally {
      t.deps.client.execute = execute;
      port.rows = rows;
    }
    expect(statements.filter((s) => s.includes("inventory_levels"))).toHaveLength(1);
  });

  test("the kept statement's figures are the client's", async () => {
    const ids = [stocked, soldOut, never, "spr_missing"];
    const now = t.deps.clock.now().toISOString();
    expect(keptRowsFor(t.deps.client)).toBeDefined();
    expect(await availabilityOf(t.deps.client, ids, now)).toEqual(
      await readAvailability(t.deps.client, ids, now),
    );
    expect(await availabilityOf(t.deps.client, [], now)).toEqual(new Map());
  });
});
