/**
 * Spirit validation through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd): the same 422s, field by field, and nothing stored.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { spirits } from "../../src/db/schema/catalog.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { createSpirit, paths, spiritBody, validationErrors } from "./fixtures.ts";

const without = (key: string) => {
  const body = spiritBody();
  delete body[key];
  return body;
};

const fiftyOne = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`attr-${i}`, i]));
const thirtyOne = Array.from({ length: 31 }, (_, i) => `tag-${i}`);

/** [what is wrong, body, the error path it must name]. */
const cases: [string, Record<string, unknown>, string][] = [
  ["name missing", without("name"), "name"],
  ["name empty after trimming", spiritBody({ name: "   " }), "name"],
  ["name too long", spiritBody({ name: "x".repeat(201) }), "name"],
  ["brand missing", without("brand"), "brand"],
  ["distillery not a string", spiritBody({ distillery: 42 }), "distillery"],
  ["type unknown", spiritBody({ type: "beer" }), "type"],
  ["country lower case", spiritBody({ country: "gb" }), "country"],
  ["country not ISO 3166", spiritBody({ country: "XX" }), "country"],
  ["country a name", spiritBody({ country: "Scotland" }), "country"],
  ["vintage in the future", spiritBody({ vintage: 3000, ageYears: null }), "vintage"],
  ["vintage before 1800", spiritBody({ vintage: 1750 }), "vintage"],
  ["vintage not a whole year", spiritBody({ vintage: 2010.5 }), "vintage"],
  ["ageYears negative", spiritBody({ ageYears: -1 }), "ageYears"],
  ["ageYears over 100", spiritBody({ ageYears: 101, vintage: null }), "ageYears"],
  ["ageYears fractional", spiritBody({ ageYears: 12.5 }), "ageYears"],
  ["abv zero", spiritBody({ abv: 0 }), "abv"],
  ["abv over 100", spiritBody({ abv: 100.1 }), "abv"],
  ["abv a string", spiritBody({ abv: "46%" }), "abv"],
  ["bottle too small", spiritBody({ bottleSizeMl: 49 }), "bottleSizeMl"],
  ["bottle too big", spiritBody({ bottleSizeMl: 6001 }), "bottleSizeMl"],
  ["bottle size fractional", spiritBody({ bottleSizeMl: 700.5 }), "bottleSizeMl"],
  ["tasting notes unknown part", spiritBody({ tastingNotes: { nose: "a", smell: "b" } }), "tastingNotes"],
  ["tasting note too long", spiritBody({ tastingNotes: { nose: "x".repeat(2001) } }), "tastingNotes.nose"],
  ["flavour dimension unknown", spiritBody({ flavourProfile: { smokey: 3 } }), "flavourProfile"],
  ["flavour score over 4", spiritBody({ flavourProfile: { smoky: 5 } }), "flavourProfile.smoky"],
  ["flavour score negative", spiritBody({ flavourProfile: { body: -1 } }), "flavourProfile.body"],
  ["flavour score fractional", spiritBody({ flavourProfile: { body: 2.5 } }), "flavourProfile.body"],
  ["flavour profile a list", spiritBody({ flavourProfile: [1, 2] }), "flavourProfile"],
  [
    "award medal unknown",
    spiritBody({ awards: [{ name: "A", year: 2020, medal: "tin" }] }),
    "awards.0.medal",
  ],
  [
    "award year in the future",
    spiritBody({ awards: [{ name: "A", year: 2999, medal: "gold" }] }),
    "awards.0.year",
  ],
  [
    "award without a name",
    spiritBody({ awards: [{ name: "", year: 2020, medal: "gold" }] }),
    "awards.0.name",
  ],
  ["price missing", without("price"), "price"],
  ["price negative", spiritBody({ price: { amountMinor: -1, currency: "GBP" } }), "price.amountMinor"],
  ["price fractional", spiritBody({ price: { amountMinor: 45.5, currency: "GBP" } }), "price.amountMinor"],
  ["price currency lower case", spiritBody({ price: { amountMinor: 1, currency: "gbp" } }), "price.currency"],
  [
    "price currency not ISO 4217",
    spiritBody({ price: { amountMinor: 1, currency: "XYZ" } }),
    "price.currency",
  ],
  ["price as a flat number", spiritBody({ price: 4500 }), "price"],
  ["release date impossible", spiritBody({ releaseDate: "2024-02-30" }), "releaseDate"],
  ["release date not ISO", spiritBody({ releaseDate: "01/02/2024" }), "releaseDate"],
  ["status unknown", spiritBody({ status: "deleted" }), "status"],
  ["limited edition without outturn", spiritBody({ limitedEdition: true }), "totalOutturn"],
  ["outturn without limited edition", spiritBody({ totalOutturn: 100 }), "totalOutturn"],
  ["outturn zero", spiritBody({ limitedEdition: true, totalOutturn: 0 }), "totalOutturn"],
  ["tag upper case", spiritBody({ tags: ["Peated"] }), "tags.0"],
  ["tag with spaces", spiritBody({ tags: ["ok", "cask strength"] }), "tags.1"],
  ["too many tags", spiritBody({ tags: thirtyOne }), "tags"],
  [
    "media over http",
    spiritBody({ media: [{ url: "http://x.example/a.jpg", kind: "image", alt: "" }] }),
    "media.0.url",
  ],
  [
    "media not a URL",
    spiritBody({ media: [{ url: "javascript:alert(1)", kind: "image", alt: "" }] }),
    "media.0.url",
  ],
  [
    "media kind unknown",
    spiritBody({ media: [{ url: "https://x.example/a", kind: "gif", alt: "" }] }),
    "media.0.kind",
  ],
  [
    "media without alt",
    spiritBody({ media: [{ url: "https://x.example/a", kind: "image" }] }),
    "media.0.alt",
  ],
  ["attribute nested object", spiritBody({ attributes: { casks: { a: 1 } } }), "attributes.casks"],
  ["attribute array", spiritBody({ attributes: { casks: [1, 2] } }), "attributes.casks"],
  ["attribute null", spiritBody({ attributes: { casks: null } }), "attributes.casks"],
  ["attribute name not a slug", spiritBody({ attributes: { "Cask Type": "x" } }), "attributes.Cask Type"],
  ["attribute value too long", spiritBody({ attributes: { note: "x".repeat(501) } }), "attributes.note"],
  ["too many attributes", spiritBody({ attributes: fiftyOne }), "attributes"],
  ["maxPerCustomer zero", spiritBody({ maxPerCustomer: 0 }), "maxPerCustomer"],
  ["holdMinutes zero", spiritBody({ holdMinutes: 0 }), "holdMinutes"],
  ["holdMinutes over a day", spiritBody({ holdMinutes: 1441 }), "holdMinutes"],
  ["preorderAllocation negative", spiritBody({ preorderAllocation: -1 }), "preorderAllocation"],
  ["unknown field", spiritBody({ prce: 1 }), "(root)"],
  ["read-only field", spiritBody({ id: "spr_mine" }), "(root)"],
  ["older than its vintage allows", spiritBody({ vintage: 2020, ageYears: 12 }), "ageYears"],
  [
    "released before its vintage",
    spiritBody({ vintage: 2010, ageYears: 5, releaseDate: "2009-01-01" }),
    "releaseDate",
  ],
  [
    "per-customer limit above the outturn",
    spiritBody({ limitedEdition: true, totalOutturn: 10, maxPerCustomer: 11 }),
    "maxPerCustomer",
  ],
  [
    "pre-order allocation above the outturn",
    spiritBody({ limitedEdition: true, totalOutturn: 10, preorderAllocation: 11 }),
    "preorderAllocation",
  ],
];

describeTargets("spirit validation", (t) => {
  let staff: Awaited<ReturnType<Target["signIn"]>>;
  beforeAll(async () => {
    staff = await t.signIn("staff");
  });

  describe("spirit validation: 422 with the failing field, and nothing stored", () => {
    for (const [what, body, path] of cases) {
      test(what, async () => {
        const before = (await t.deps.db.select().from(spirits)).length;
        const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body });
        const errors = await validationErrors(res);
        expect(paths(errors)).toContain(path);
        for (const e of errors) expect(e.message.length).toBeGreaterThan(3);
        expect((await t.deps.db.select().from(spirits)).length).toBe(before);
      });
    }

    test("a missing field says it is required, not a zod type message", async () => {
      const errors = await validationErrors(
        await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body: without("brand") }),
      );
      expect(errors).toContainEqual({ path: "brand", message: "is required" });
    });

    test("an unknown flavour dimension lists the known ones", async () => {
      const errors = await validationErrors(
        await t.call("POST", "/api/v1/spirits", {
          headers: staff.headers,
          body: spiritBody({ flavourProfile: { smokey: 3 } }),
        }),
      );
      expect(errors[0]?.message).toContain('"smokey"');
      expect(errors[0]?.message).toContain("smoky");
    });

    test("every invalid field is reported at once", async () => {
      const errors = await validationErrors(
        await t.call("POST", "/api/v1/spirits", {
          headers: staff.headers,
          body: spiritBody({ abv: 0, bottleSizeMl: 10, country: "gb" }),
        }),
      );
      expect(paths(errors).sort()).toEqual(["abv", "bottleSizeMl", "country"]);
    });

    test("edge values are accepted: abv 100, bottle 50 and 6000 ml, age 0 and 100, hold 1440, price 0", async () => {
      for (const body of [
        spiritBody({ abv: 100 }),
        spiritBody({ bottleSizeMl: 50 }),
        spiritBody({ bottleSizeMl: 6000 }),
        spiritBody({ ageYears: 0 }),
        spiritBody({ ageYears: 100, vintage: null }),
        spiritBody({ holdMinutes: 1440, price: { amountMinor: 0, currency: "JPY" } }),
        spiritBody({ tags: thirtyOne.slice(0, 30) }),
      ]) {
        await createSpirit(t, staff, body);
      }
    });

    test("PUT validates the same way and leaves the spirit as it was", async () => {
      const spirit = await createSpirit(t, staff);
      const res = await t.call("PUT", `/api/v1/spirits/${spirit.id}`, {
        headers: staff.headers,
        body: spiritBody({ abv: 0 }),
      });
      expect(paths(await validationErrors(res))).toEqual(["abv"]);
      const read = await (await t.call("GET", `/api/v1/spirits/${spirit.id}`)).json();
      expect(read).toEqual(spirit);
    });

    test("malformed JSON is 400 and a non-JSON body 415, both problem+json", async () => {
      const bad = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body: "{ nope" });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("Content-Type")).toBe("application/problem+json");
      const xml = await t.call("POST", "/api/v1/spirits", {
        headers: { ...staff.headers, "Content-Type": "application/xml" },
        body: "<spirit/>",
      });
      expect(xml.status).toBe(415);
    });
  });
});
