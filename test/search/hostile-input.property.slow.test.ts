import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { describeTargets, type Target } from "../support/targets.ts";
import { seedTarget, type withSearch } from "./search-fixture.ts";

/**
 * Whatever is typed, the answer is a page (200) or a problem saying what was wrong (422): never a 500. One
 * suite on both targets (in-process on Bun, the Worker build in workerd over libSQL through HTTP).
 */

const FTS_SYNTAX = [
  '"',
  "*",
  "(",
  ")",
  ":",
  "^",
  "{",
  "}",
  "-",
  "+",
  "NEAR",
  "NEAR(",
  "AND",
  "OR",
  "NOT",
  "'",
  "\\",
  ",",
  "name:",
  "{name distillery}:",
  "rank",
  "MATCH",
  ";",
  "--",
  "/*",
  "%",
  "_",
  "\u0000",
  "\u{1F943}",
  "ß",
  "İ",
  "e\u0301",
];
const WORDS = [
  "islay",
  "glen",
  "peated",
  "sherry",
  "lagavullin",
  "under",
  "300",
  "£",
  "$",
  "€",
  "18yo",
  "over",
  "k",
];

const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.constantFrom(...FTS_SYNTAX, ...WORDS, " "), { maxLength: 15 }).map((parts) => parts.join("")),
  fc.array(fc.constantFrom(...FTS_SYNTAX, ...WORDS), { maxLength: 12 }).map((parts) => parts.join(" ")),
);

describeTargets("hostile search input", (t) => {
  let app: ReturnType<typeof withSearch<Target>>;
  beforeAll(async () => {
    app = await seedTarget(t, 400, 9);
  });

  async function status(q: string, extra = "") {
    const res = await app.t.call("GET", `/api/v1/spirits?q=${encodeURIComponent(q)}${extra}`);
    if (res.status !== 200) {
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
    return res.status;
  }

  describe("hostile search text", () => {
    test("known nasties", async () => {
      for (const q of [
        '"',
        '""',
        '"islay',
        "islay*",
        "*",
        "NEAR(islay peated, 2)",
        "islay OR",
        "OR AND NOT",
        "name: islay",
        "{name}: glen",
        "^glen",
        "islay - peated",
        "islay)",
        "((((",
        "'; DROP TABLE spirits; --",
        "\u0000",
        "glen\u0000farrach",
        "a".repeat(200),
        "é".repeat(100),
        "🥃 islay",
        "under £",
        "under 99999999999",
        "£1k-2k",
        "over 0",
      ]) {
        expect([200, 422]).toContain(await status(q));
      }
      expect(await status("a".repeat(201))).toBe(422);
      // A page really comes back for the ones with words, whatever surrounds them.
      expect((await app.search({ q: '"islay' })).total).toBeGreaterThan(0);
      expect((await app.search({ q: "NEAR(islay peated, 2)" })).total).toBeGreaterThan(0);
    });

    test("any text, with any sort and facets, is a 200 or a 422", async () => {
      await fc.assert(
        fc.asyncProperty(
          hostile,
          fc.constantFrom(
            "",
            "&facets=type,tags",
            "&sort=price_asc&currency=GBP",
            "&sort=relevance&type=scotch",
            "&limit=3",
          ),
          async (q, extra) => {
            const s = await status(q, extra);
            expect([200, 422]).toContain(s);
          },
        ),
        { numRuns: 400 },
      );
    });

    test("hostile values in the other parameters are 422 problems naming the parameter", async () => {
      for (const [query, path] of [
        ["type=beer", "type"],
        ["type=scotch,beer", "type"],
        ["country=gb", "country"],
        ["region=", "region"],
        ["tags=Not A Slug", "tags"],
        ["facets=type,colour", "facets"],
        ["facetLimit=0", "facetLimit"],
        ["sort=random", "sort"],
        ["minAge=-1", "minAge"],
        ["minAge=20&maxAge=10", "maxAge"],
        ["minAbv=abc", "minAbv"],
        ["releasedFrom=yesterday", "releasedFrom"],
        ["inStock=maybe", "inStock"],
        ["minPrice=100", "currency"],
        ["medals=tin", "medals"],
        ["medal=tin", "medal"],
        ["caskType=plastic", "caskType"],
        [`anyTags=${Array.from({ length: 31 }, (_, i) => `t${i}`).join(",")}`, "anyTags"],
      ]) {
        const res = await app.t.call("GET", `/api/v1/spirits?${query}`);
        expect(res.status).toBe(422);
        const body = (await res.json()) as { errors: { path: string }[] };
        expect(body.errors.map((e) => e.path)).toContain(path!);
      }
    });
  });
});
