/** Cursor pages of searches, one suite on both targets (in-process on Bun, the Worker build in workerd). */
import { beforeAll, describe, expect, test } from "bun:test";
import { describeTargets, type Target } from "../support/targets.ts";
import { type Params, type SearchPage, seedTarget, type withSearch } from "./search-fixture.ts";

describeTargets("search pages", (t) => {
  let app: ReturnType<typeof withSearch<Target>>;
  beforeAll(async () => {
    app = await seedTarget(t, 1500, 3);
  });

  type Item = SearchPage["items"][number];

  /** Checks that consecutive items are in the sort's order (equal values allowed; ids break ties). */
  const ORDER: Record<string, (a: Item, b: Item) => boolean> = {
    newest: (a, b) => a.createdAt >= b.createdAt,
    price_asc: (a, b) => a.price.amountMinor <= b.price.amountMinor,
    price_desc: (a, b) => a.price.amountMinor >= b.price.amountMinor,
    age_desc: (a, b) => (a.ageYears ?? -1) >= (b.ageYears ?? -1) || b.ageYears === null,
    age_asc: (a, b) =>
      a.ageYears === null ? b.ageYears === null : b.ageYears === null || a.ageYears <= b.ageYears,
    rating: (a, b) => (a.rating.average ?? -1) >= (b.rating.average ?? -1),
    release: (a, b) => (a.releaseDate ?? "") >= (b.releaseDate ?? ""),
  };

  describe("cursor pages", () => {
    for (const [label, params] of [
      ["relevance", { q: "islay" }],
      ["relevance with filters", { q: "sherry", type: "scotch", minAge: 12 }],
      ["newest", { type: "rum,cognac", facets: "type" }],
      ["price_asc", { q: "smoke", sort: "price_asc", currency: "GBP" }],
      ["price_desc", { region: "Speyside", sort: "price_desc", currency: "GBP" }],
      ["age_desc", { q: "glen", sort: "age_desc" }],
      ["age_asc", { region: ["Islay", "Islands"], sort: "age_asc" }],
      ["rating", { type: "scotch", sort: "rating" }],
      ["release", { type: "bourbon,rye", sort: "release" }],
    ] as [string, Params][]) {
      test(`${label}: every page size walks each result once, in order, adding up to the total`, async () => {
        const whole = await app.searchAll({ ...params, limit: 100 });
        expect(whole.items.length).toBe(whole.first.total ?? -1);
        expect(whole.items.length).toBeGreaterThan(20);
        const check = ORDER[label];
        if (check)
          for (let i = 1; i < whole.items.length; i++)
            expect(check(whole.items[i - 1]!, whole.items[i]!)).toBe(true);
        for (const limit of whole.items.length <= 250 ? [1, 7, 33] : [7, 33]) {
          const paged = await app.searchAll({ ...params, limit });
          expect(paged.items.map((s) => s.id)).toEqual(whole.items.map((s) => s.id));
        }
      });
    }

    test("relevance ranks best first", async () => {
      const { items } = await app.searchAll({ q: "lagavullan", limit: 100 });
      // The distillery's own bottlings (the name says it) come before ones that only mention it.
      const firstOther = items.findIndex((s) => !s.name.includes("Lagavullan"));
      if (firstOther >= 0)
        expect(items.slice(firstOther).every((s) => !s.name.includes("Lagavullan"))).toBe(true);
    });

    test("a cursor only works with the search that gave it out", async () => {
      const page = await app.search({ q: "islay", limit: 5 });
      expect(page.nextCursor).toBeString();
      for (const other of [
        { q: "speyside", limit: 5 },
        { q: "islay", type: "rum", limit: 5 },
        { q: "islay", sort: "price_asc", currency: "GBP", limit: 5 },
        { type: "scotch", limit: 5 },
      ]) {
        const res = await app.t.call(
          "GET",
          `/api/v1/spirits?${new URLSearchParams({ ...Object.fromEntries(Object.entries(other).map(([k, v]) => [k, String(v)])), cursor: page.nextCursor! })}`,
        );
        expect(res.status).toBe(422);
        expect(((await res.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("cursor");
      }
      // The same search with another page size keeps going from where it was.
      const next = await app.search({ q: "islay", limit: 9, cursor: page.nextCursor! });
      const straight = await app.search({ q: "islay", limit: 14 });
      expect(next.items.map((s) => s.id)).toEqual(straight.items.slice(5).map((s) => s.id));
    });

    test("a forged cursor is a 422, never a 500", async () => {
      for (const cursor of [
        "x",
        "eyJzIjoicmVsZXZhbmNlIn0",
        btoa('{"s":"relevance","v":[null,1],"f":"x"}'),
        "%%%",
      ]) {
        const res = await app.t.call("GET", `/api/v1/spirits?q=islay&cursor=${encodeURIComponent(cursor)}`);
        expect(res.status).toBe(422);
      }
    });
  });
});
