/**
 * Listing spirits through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd); ties between spirits made at the same instant need the TestClock, so that test runs on Bun only.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { type Spirit, SpiritListSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";
import { createTestApp } from "../support/test-app.ts";
import { createSpirit, minimalSpiritBody, paths, validationErrors } from "./fixtures.ts";

type Row = [name: string, type: string, country: string, status: string, amount: number, currency: string];
const ROWS: Row[] = [
  ["Islay A", "scotch", "GB", "available", 5000, "GBP"],
  ["Islay B", "scotch", "GB", "sold_out", 9000, "GBP"],
  ["Bourbon A", "bourbon", "US", "available", 4000, "USD"],
  ["Rye A", "rye", "US", "announced", 6000, "USD"],
  ["Whisky A", "whisky", "TW", "available", 12000, "GBP"],
  ["Cognac A", "cognac", "FR", "available", 15000, "EUR"],
  ["Brandy A", "brandy", "ES", "available", 3000, "EUR"],
  ["Gin A", "gin", "GB", "available", 3500, "GBP"],
  ["Old One", "scotch", "GB", "archived", 20000, "GBP"],
  ["Rum A", "rum", "JM", "available", 7000, "GBP"],
];

const names = (items: Spirit[]) => items.map((s) => s.name);

describeTargets("listing spirits", (t) => {
  let staff: Awaited<ReturnType<Target["signIn"]>>;
  let customer: Awaited<ReturnType<Target["signIn"]>>;
  const made: Spirit[] = [];

  /** GETs the list, checks the body with the route's schema, and answers it. */
  async function list(query: string, headers: Record<string, string> = {}) {
    const res = await t.call("GET", `/api/v1/spirits${query}`, { headers });
    expect(res.status).toBe(200);
    return SpiritListSchema.parse(await res.json());
  }

  beforeAll(async () => {
    staff = await t.signIn("staff");
    customer = await t.signIn("customer");
    for (const [name, type, country, status, amountMinor, currency] of ROWS) {
      await letTimePass(t, 1000);
      made.push(
        await createSpirit(
          t,
          staff,
          minimalSpiritBody({ name, type, country, status, price: { amountMinor, currency } }),
        ),
      );
    }
  });

  describe("listing spirits", () => {
    test("newest first, archived left out, with a null cursor on the last page", async () => {
      const page = await list("");
      expect(names(page.items)).toEqual(
        ROWS.filter((r) => r[3] !== "archived")
          .map((r) => r[0])
          .reverse(),
      );
      expect(page.nextCursor).toBeNull();
    });

    test("filter by type; a family type (whisky, brandy) finds its members", async () => {
      expect(names((await list("?type=scotch")).items).sort()).toEqual(["Islay A", "Islay B"]);
      expect(names((await list("?type=whisky")).items).sort()).toEqual([
        "Bourbon A",
        "Islay A",
        "Islay B",
        "Rye A",
        "Whisky A",
      ]);
      expect(names((await list("?type=brandy")).items).sort()).toEqual(["Brandy A", "Cognac A"]);
      expect((await list("?type=vodka")).items).toEqual([]);
    });

    test("filter by country and by status", async () => {
      expect(names((await list("?country=US")).items).sort()).toEqual(["Bourbon A", "Rye A"]);
      expect(names((await list("?status=sold_out")).items)).toEqual(["Islay B"]);
      expect(names((await list("?status=announced&country=US")).items)).toEqual(["Rye A"]);
    });

    test("filter by price range within a currency, bounds inclusive", async () => {
      expect(names((await list("?currency=GBP&minPrice=5000&maxPrice=9000")).items).sort()).toEqual([
        "Islay A",
        "Islay B",
        "Rum A",
      ]);
      expect(names((await list("?currency=USD&maxPrice=4000")).items)).toEqual(["Bourbon A"]);
      expect(names((await list("?currency=EUR")).items).sort()).toEqual(["Brandy A", "Cognac A"]);
    });

    test("a price bound without a currency, or an upside-down range, is 422", async () => {
      const noCurrency = await t.call("GET", "/api/v1/spirits?minPrice=100");
      expect(paths(await validationErrors(noCurrency))).toEqual(["currency"]);
      const upsideDown = await t.call("GET", "/api/v1/spirits?currency=GBP&minPrice=500&maxPrice=100");
      expect(paths(await validationErrors(upsideDown))).toEqual(["maxPrice"]);
    });

    test("a price sort without a currency is a 422 problem naming `currency`, list and search alike", async () => {
      for (const query of [
        "?sort=price_asc",
        "?sort=price_desc",
        "?sort=price_asc&q=islay",
        "?sort=price_desc&type=scotch&facets=type",
      ]) {
        const res = await t.call("GET", `/api/v1/spirits${query}`);
        expect(res.status).toBe(422);
        expect(res.headers.get("Content-Type")).toStartWith("application/problem+json");
        const { errors } = (await res.json()) as { errors: { path: string; message: string }[] };
        expect(errors).toEqual([
          {
            path: "currency",
            message: expect.stringContaining("price_asc and price_desc"),
          },
        ]);
      }
      // Sorts that are not by price need no currency.
      expect((await t.call("GET", "/api/v1/spirits?sort=newest")).status).toBe(200);
    });

    test("a price sort with a currency orders by the price in it and leaves the others out", async () => {
      const priced = (currency: string) =>
        ROWS.filter((r) => r[5] === currency && r[3] !== "archived").sort((a, b) => a[4] - b[4]);
      for (const currency of ["GBP", "EUR", "USD"]) {
        const asc = await list(`?sort=price_asc&currency=${currency}`);
        expect(names(asc.items)).toEqual(priced(currency).map((r) => r[0]));
        expect(asc.items.every((s) => s.price.currency === currency)).toBe(true);
        const desc = await list(`?sort=price_desc&currency=${currency}&limit=2`);
        expect(names(desc.items)).toEqual(
          priced(currency)
            .reverse()
            .slice(0, 2)
            .map((r) => r[0]),
        );
      }
      // Across all three currencies the raw amounts interleave (3000 EUR < 3500 GBP < 4000 USD), so an
      // order over all of them would put amounts of different money side by side.
      const scotch = await list("?sort=price_desc&currency=GBP&q=islay");
      expect(names(scotch.items)).toEqual(["Islay B", "Islay A"]);
    });

    test("bad filter values are 422 naming the parameter", async () => {
      for (const [query, path] of [
        ["?type=beer", "type"],
        ["?country=gb", "country"],
        ["?status=gone", "status"],
        ["?limit=0", "limit"],
        ["?limit=101", "limit"],
        ["?limit=ten", "limit"],
        ["?currency=GBP&minPrice=-1", "minPrice"],
        ["?currency=GBP&minPrice=1.5", "minPrice"],
      ]) {
        const res = await t.call("GET", `/api/v1/spirits${query}`);
        expect(paths(await validationErrors(res))).toContain(path!);
      }
    });

    test("archived spirits are listed only when staff ask for them", async () => {
      expect(names((await list("?status=archived", staff.headers)).items)).toEqual(["Old One"]);
      expect((await t.call("GET", "/api/v1/spirits?status=archived")).status).toBe(401);
      const asCustomer = await t.call("GET", "/api/v1/spirits?status=archived", {
        headers: customer.headers,
      });
      expect(asCustomer.status).toBe(403);
      expect(names((await list("", staff.headers)).items)).not.toContain("Old One");
    });
  });

  describe("cursor pagination", () => {
    test("walks every page with no duplicates and no gaps, for every page size", async () => {
      const all = names((await list("?limit=100")).items);
      expect(all).toHaveLength(9);
      for (const limit of [1, 2, 3, 4, 8, 9, 10]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
          const page = await list(query);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...names(page.items));
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        expect(seen).toEqual(all);
        expect(pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
      }
    });

    test("filters apply across pages", async () => {
      const first = await list("?country=GB&limit=2");
      expect(first.items).toHaveLength(2);
      const second = await list(`?country=GB&limit=2&cursor=${first.nextCursor}`);
      expect([...names(first.items), ...names(second.items)].sort()).toEqual(["Gin A", "Islay A", "Islay B"]);
      expect(second.nextCursor).toBeNull();
    });

    test("a rubbish or tampered cursor is 422 on `cursor`", async () => {
      const page = await list("?limit=2");
      const tampered = Buffer.from(JSON.stringify({ s: "price_asc", v: [1, "x"] })).toString("base64url");
      for (const cursor of ["not-a-cursor", "e30", tampered, `${page.nextCursor}xx`]) {
        const res = await t.call("GET", `/api/v1/spirits?cursor=${encodeURIComponent(cursor)}`);
        expect(paths(await validationErrors(res))).toEqual(["cursor"]);
      }
    });
  });
});

// Spirits made at the same instant: only the in-process app's TestClock stands still.
describe("listing spirits (Bun only)", () => {
  test("spirits created at the same instant still page in a total order (id breaks ties)", async () => {
    const t2 = await createTestApp();
    try {
      const s = await t2.signIn("staff");
      for (let i = 0; i < 7; i++) await createSpirit(t2, s, minimalSpiritBody({ name: `Same ${i}` }));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t2.call("GET", `/api/v1/spirits?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        const page = SpiritListSchema.parse(await res.json());
        seen.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(7);
      expect(seen).toEqual([...seen].sort().reverse());
    } finally {
      t2.close();
    }
  });
});
