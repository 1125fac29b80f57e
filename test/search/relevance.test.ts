/** Relevance of searches over a generated catalog, one suite on both targets (in-process on Bun, the Worker build in workerd). */
import { beforeAll, describe, expect, test } from "bun:test";
import { describeTargets, type Target } from "../support/targets.ts";
import { seedTarget, textOf, type withSearch } from "./search-fixture.ts";

describeTargets("search relevance", (t) => {
  let app: ReturnType<typeof withSearch<Target>>;
  beforeAll(async () => {
    app = await seedTarget(t, 3000, 7);
  });

  describe("relevance on a generated catalog of 3,000 spirits", () => {
    test("an Islay peated query brings peated Islay whiskies to the top", async () => {
      const page = await app.search({ q: "islay peated", limit: 20 });
      expect(page.query?.matchingStrategy).toBe("all");
      expect(page.total).toBeGreaterThan(50);
      for (const s of page.items.slice(0, 10)) {
        expect(s.region).toBe("Islay");
        expect(s.tags).toContain("peated");
      }
      // Word order does not matter, and the rest of the results still mention both words.
      const reversed = await app.search({ q: "peated islay", limit: 20 });
      expect(reversed.total).toBe(page.total);
      for (const s of page.items) expect(textOf(s)).toMatch(/islay[\s\S]*peated|peated[\s\S]*islay/);
    });

    test("a misspelled distillery still finds it, and says what it tried", async () => {
      for (const [typed, distillery] of [
        ["lagavullin", "Lagavullan Distillery"],
        ["laphroig", "Laphrohaig Distillery"],
        ["glenfidick", "Glenfiddock Distillery"],
        ["bruichlagan", "Bruichlaggan Distillery"],
        ["springle", "Springlea Distillery"],
      ] as const) {
        const page = await app.search({ q: `${typed} `, limit: 10 });
        expect(page.total).toBeGreaterThan(0);
        expect(page.items.slice(0, 5).every((s) => s.distillery === distillery)).toBe(true);
        const corrected = distillery.split(" ")[0]!.toLowerCase();
        expect(page.query?.terms[0]?.corrections).toContain(corrected);
      }
    });

    test("two typos are forgiven in a long word, one in a short one, none in a very short one", async () => {
      expect((await app.search({ q: "glenfarach " })).total).toBeGreaterThan(0); // one deletion, 10 letters
      expect((await app.search({ q: "glenfaracj " })).total).toBeGreaterThan(0); // two edits, 10 letters
      expect((await app.search({ q: "jurahc " })).total).toBeGreaterThan(0); // a swap is one edit
      expect((await app.search({ q: "rye " })).query?.terms[0]?.corrections).toEqual([]);
    });

    test("the word being typed matches as a prefix: glen finds Glen…", async () => {
      const page = await app.search({ q: "glen", limit: 50 });
      expect(page.total).toBeGreaterThan(100);
      expect(page.query?.terms[0]?.prefix).toBe(true);
      for (const s of page.items) expect(textOf(s)).toMatch(/\bglen/);
      expect(page.items.some((s) => /^Glen[a-z]/.test(s.name))).toBe(true);
      expect(page.items.some((s) => /^Glen /.test(s.name))).toBe(true);
      // Typing on narrows it down.
      const narrower = await app.search({ q: "glenfarr" });
      expect(narrower.total).toBeLessThan(page.total!);
      expect(narrower.items[0]?.distillery).toBe("Glenfarrach Distillery");
      // A finished word (followed by a space) is not a prefix.
      expect((await app.search({ q: "glen " })).query?.terms[0]?.prefix).toBe(false);
    });

    test("a quoted phrase matches the words together and in order", async () => {
      const phrase = await app.search({ q: '"sea spray"', limit: 100 });
      expect(phrase.total).toBeGreaterThan(0);
      for (const s of phrase.items) expect(textOf(s)).toContain("sea spray");
      const loose = await app.search({ q: "sea spray" });
      expect(loose.total).toBeGreaterThanOrEqual(phrase.total!);
      const reversed = await app.search({ q: '"spray sea"' });
      expect(reversed.total).toBe(0);
    });

    test("matches are highlighted, as escaped HTML with <mark>", async () => {
      const page = await app.search({ q: "lagavullan sherry", limit: 5 });
      const hit = page.items[0]!;
      expect(hit.highlights?.name).toContain("<mark>Lagavullan</mark>");
      expect(hit.highlights?.snippet ?? "").toMatch(/<mark>[^<]*<\/mark>/i);
      const prefix = await app.search({ q: "glenfar", limit: 1 });
      expect(prefix.items[0]!.highlights?.name).toMatch(/^<mark>Glenfarrach<\/mark>/);
    });

    test("price words are understood: sherry cask under 300", async () => {
      const page = await app.search({ q: "sherry cask under 300", limit: 100 });
      expect(page.query?.understood).toEqual({ currency: "GBP", maxPrice: 30000 });
      expect(page.total).toBeGreaterThan(0);
      for (const s of page.items) {
        expect(s.price.amountMinor).toBeLessThanOrEqual(30000);
        expect(textOf(s)).toContain("sherry");
      }
      const range = await app.search({ q: "rum £50-100", limit: 100 });
      expect(range.query?.understood).toEqual({ currency: "GBP", minPrice: 5000, maxPrice: 10000 });
      for (const s of range.items) expect(s.price.amountMinor).toBeGreaterThanOrEqual(5000);
      // An explicit price filter wins over the words.
      const explicit = await app.search({ q: "islay under 300", currency: "GBP", maxPrice: 8000 });
      expect(explicit.items.every((s) => s.price.amountMinor <= 8000)).toBe(true);
    });

    test("when all the words together find nothing, any of them will do", async () => {
      const page = await app.search({ q: "lagavullan mezcal" });
      expect(page.query?.matchingStrategy).toBe("any");
      expect(page.total).toBeGreaterThan(0);
    });

    test("common words are left out unless they are all there is", async () => {
      const page = await app.search({ q: "the islay and peated" });
      expect(page.query?.ignored).toEqual(["the", "and"]);
      expect(page.total).toBe((await app.search({ q: "islay peated" })).total);
    });

    test("text with nothing to search for is a 422 on q, and an empty q is a plain listing", async () => {
      const res = await app.t.call("GET", "/api/v1/spirits?q=%22%2A%28%29%3A%5E");
      expect(res.status).toBe(422);
      const body = (await res.json()) as { errors: { path: string }[] };
      expect(body.errors.map((e) => e.path)).toEqual(["q"]);
      const empty = await app.search({ q: "   ", facets: "type" });
      expect(empty.total).toBeGreaterThan(2000);
    });
  });

  describe("relevance tiers", () => {
    test("spirits whose name, distillery or brand hold every word come before those that only mention them", async () => {
      const { items } = await app.searchAll({ q: "oloroso cask ", limit: 100 });
      const strong = (s: (typeof items)[number]) =>
        /oloroso/i.test(`${s.name} ${s.distillery} ${s.brand}`) &&
        /\bcask/i.test(`${s.name} ${s.distillery} ${s.brand}`);
      const firstWeak = items.findIndex((s) => !strong(s));
      expect(firstWeak).toBeGreaterThan(0);
      expect(items.slice(firstWeak).some(strong)).toBe(false);
      // The two tiers together hold every match, each once.
      expect(items.length).toBe((await app.search({ q: "oloroso cask " })).total!);
    });
  });
});
