import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { describeTargets, type Target } from "../support/targets.ts";
import type { Params, SearchPage } from "./search-fixture.ts";
import { seedTarget, type withSearch } from "./search-fixture.ts";

/**
 * Properties over random combinations of query and filters on a 3,000-spirit catalog:
 * - every spirit on every page passes every filter, and the pages add up to `total` exactly (the
 *   in-memory totals and the SQL-ranked pages read the filters the same way);
 * - a price filter never lets through a spirit outside the range or in another currency;
 * - each facet count equals the total of the same search with that facet's filter set to that value
 *   (disjunctive: a facet's own selection does not narrow its own counts).
 * One suite on both targets (in-process on Bun, the Worker build in workerd over libSQL through HTTP); the
 * helpers below read the catalog of the target block being run.
 */

let app: ReturnType<typeof withSearch<Target>>;
let values: Record<string, string[]>;

const FACET_PARAM: Record<string, string> = {
  type: "type",
  region: "region",
  tags: "anyTags",
  caskType: "caskType",
  medals: "medals",
  ageBucket: "ageBucket",
  priceBucket: "priceBucket",
  status: "status",
  awards: "awards",
};
const FACETS = Object.keys(FACET_PARAM).join(",");
const WHISKY = ["whisky", "scotch", "bourbon", "rye", "irish", "japanese"];
const BRANDY = ["brandy", "cognac", "armagnac", "calvados"];

/** Present one time in five, so a combination of filters still finds something most of the time. */
const rarely = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const some = (facet: string, max = 2) =>
  rarely(fc.subarray(values[facet]!, { minLength: 1, maxLength: max }));

/** Random search parameters over values the catalog really has (plus a few words). */
const paramsArb = () =>
  fc
    .record({
      q: fc.constantFrom(
        undefined,
        undefined,
        "islay",
        "sherry",
        "peated",
        "glen",
        "smoke vanilla",
        "cask strength",
        "rum",
      ),
      type: some("type"),
      region: some("region"),
      anyTags: some("tags", 3),
      tags: some("tags", 1),
      caskType: some("caskType"),
      medals: some("medals", 2),
      ageBucket: some("ageBucket", 3),
      priceBucket: some("priceBucket", 3),
      limited: rarely(fc.boolean()),
      hasAwards: rarely(fc.constant(true)),
      minAge: rarely(fc.constantFrom(10, 18)),
      sort: fc.constantFrom(undefined, "price_asc", "age_desc", "rating", "newest", "release"),
      facets: fc.constant("type"),
    })
    .map((r) => {
      const p: Params = {};
      for (const [k, v] of Object.entries(r)) if (v !== undefined) p[k] = v;
      // A price order needs its currency; the generated catalog is priced in pounds.
      if (p.sort === "price_asc") p.currency = "GBP";
      return p;
    });

/** How many runs found something: a property over empty results proves little. */
const found = { runs: 0, nonEmpty: 0 };
const tally = (total: number | undefined) => {
  found.runs++;
  if (total) found.nonEmpty++;
};

const ageBucketOf = (age: number | null) =>
  age === null
    ? "nas"
    : age < 12
      ? "under-12"
      : age < 18
        ? "12-17"
        : age < 25
          ? "18-24"
          : age < 40
            ? "25-39"
            : "40-plus";
const priceBucketOf = (minor: number) => {
  const major = minor / 100;
  return major < 50
    ? "under-50"
    : major < 100
      ? "50-100"
      : major < 250
        ? "100-250"
        : major < 500
          ? "250-500"
          : major < 1000
            ? "500-1000"
            : "1000-plus";
};

function passes(s: SearchPage["items"][number], p: Params): boolean {
  const list = (k: string) => (p[k] as string[] | undefined) ?? [];
  const types = list("type").flatMap((t) => (t === "whisky" ? WHISKY : t === "brandy" ? BRANDY : [t]));
  if (types.length && !types.includes(s.type)) return false;
  if (list("region").length && !list("region").includes(s.region ?? "")) return false;
  if (list("anyTags").length && !list("anyTags").some((t) => s.tags.includes(t))) return false;
  if (!list("tags").every((t) => s.tags.includes(t))) return false;
  if (list("medals").length && !s.awards.some((a) => list("medals").includes(a.medal))) return false;
  if (list("ageBucket").length && !list("ageBucket").includes(ageBucketOf(s.ageYears))) return false;
  if (list("priceBucket").length && !list("priceBucket").includes(priceBucketOf(s.price.amountMinor)))
    return false;
  if (p.limited !== undefined && s.limitedEdition !== p.limited) return false;
  if (p.hasAwards && s.awards.length === 0) return false;
  if (p.minAge !== undefined && (s.ageYears === null || s.ageYears < (p.minAge as number))) return false;
  if (s.status === "archived") return false;
  return true;
}

describeTargets("search properties", (t) => {
  beforeAll(async () => {
    app = await seedTarget(t, 3000, 11);
    const all = await app.search({ facets: FACETS, facetLimit: 100, limit: 1 });
    values = Object.fromEntries(
      Object.entries(all.facets ?? {}).map(([f, vs]) => [f, vs.map((v) => v.value)]),
    );
  });

  describe("search properties", () => {
    test("every item passes every filter, pages add up to the total, nothing twice", async () => {
      await fc.assert(
        fc.asyncProperty(paramsArb(), async (p) => {
          const { items, first } = await app.searchAll({ ...p, limit: 100 });
          tally(first.total);
          expect(items.length).toBe(first.total ?? -1);
          expect(new Set(items.map((s) => s.id)).size).toBe(items.length);
          for (const s of items) expect(passes(s, p)).toBe(true);
        }),
        { numRuns: 60 },
      );
      expect(found.nonEmpty).toBeGreaterThan(found.runs / 3);
    });

    test("a price filter never lets a spirit outside the range through", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 150_000 }),
          fc.integer({ min: 0, max: 60_000 }),
          fc.constantFrom(undefined, "islay", "sherry", "rum"),
          fc.constantFrom(undefined, "price_desc", "price_asc"),
          async (min, width, q, sort) => {
            const max = min + width;
            const { items, first } = await app.searchAll({
              q,
              sort,
              currency: "GBP",
              minPrice: min,
              maxPrice: max,
              limit: 100,
            });
            // Without words or a sort this is the catalog's plain listing (no total); either way nothing leaks.
            if (first.total !== undefined) expect(items.length).toBe(first.total);
            for (const s of items) {
              expect(s.price.currency).toBe("GBP");
              expect(s.price.amountMinor).toBeGreaterThanOrEqual(min);
              expect(s.price.amountMinor).toBeLessThanOrEqual(max);
            }
            if (first.stats && first.total) {
              expect(first.stats?.price[0]?.min).toBeGreaterThanOrEqual(min);
              expect(first.stats?.price[0]?.max).toBeLessThanOrEqual(max);
            }
          },
        ),
        { numRuns: 40 },
      );
    });

    test("each facet count equals the total of the search with that facet's filter set to that value", async () => {
      await fc.assert(
        fc.asyncProperty(
          paramsArb(),
          fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
          async (p, picks) => {
            const page = await app.search({ ...p, facets: FACETS, facetLimit: 100, limit: 1 });
            const facets = Object.entries(page.facets ?? {}).filter(([, vs]) => vs.length > 0);
            if (!facets.length) return;
            for (const pick of picks) {
              const [facet, counted] = facets[pick % facets.length]!;
              const { value, count } = counted[Math.floor(pick / facets.length) % counted.length]!;
              const param = FACET_PARAM[facet]!;
              const narrowed = await app.search({ ...p, [param]: [value], limit: 1 });
              expect({ facet, value, count: narrowed.total }).toEqual({ facet, value, count });
            }
            // Without a type filter, the type facet accounts for every result exactly once (a family value
            // such as whisky counts its own spirits plus its members').
            if (!p.type) {
              const count = new Map((page.facets?.type ?? []).map((v) => [v.value, v.count]));
              const own = (family: string, members: string[]) =>
                (count.get(family) ?? 0) -
                members.filter((m) => m !== family).reduce((n, m) => n + (count.get(m) ?? 0), 0);
              const plain = [...count]
                .filter(([v]) => v !== "whisky" && v !== "brandy")
                .reduce((n, [, c]) => n + c, 0);
              expect(plain + own("whisky", WHISKY) + own("brandy", BRANDY)).toBe(page.total!);
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  });
});
