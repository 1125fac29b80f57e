/**
 * Search history through the HTTP API, one suite on both targets (in-process on Bun, the Worker build in
 * workerd, where the history is written after the answer too).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SearchHistoryListSchema } from "../../src/modules/search/search.schemas.ts";
import { describeTargets, letTimePass, type Target } from "../support/targets.ts";
import { createTestApp, silentLogger, type TestApp } from "../support/test-app.ts";
import { waitFor } from "../support/wait-for.ts";
import { seedTarget, type withSearch } from "./search-fixture.ts";

describeTargets("search history", (t) => {
  let app: ReturnType<typeof withSearch<Target>>;
  let alice: Awaited<ReturnType<Target["signIn"]>>;
  let bob: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    app = await seedTarget(t, 300, 13);
    alice = await app.t.signIn("customer");
    bob = await app.t.signIn("customer");
  });

  async function history(path: string, headers: Record<string, string>) {
    const res = await app.t.call("GET", path, { headers });
    expect(res.status).toBe(200);
    return SearchHistoryListSchema.parse(await res.json());
  }

  /** Recording runs after the answer: reads the history until it has `count` entries (or 3 s pass). */
  async function historyOnceWritten(path: string, headers: Record<string, string>, count: number) {
    const enough = async () => {
      const page = await history(path, headers);
      return page.items.length >= count && page;
    };
    return (
      (await waitFor(enough, { what: `${count} searches in the history` }).catch(() => undefined)) ??
      history(path, headers)
    );
  }

  describe("search history", () => {
    test("a signed-in customer's searches are kept: words, filters, sort, how many it found, when", async () => {
      const first = await app.search(
        { q: "islay peated", type: "scotch", minAge: 12, facets: "region" },
        alice.headers,
      );
      await letTimePass(t, 1000);
      const second = await app.search(
        { region: ["Speyside", "Highlands"], sort: "price_asc", currency: "GBP" },
        alice.headers,
      );
      const { items } = await historyOnceWritten("/api/v1/customers/me/search-history", alice.headers, 2);
      expect(
        items.map(({ query, filters, sort, resultCount }) => ({ query, filters, sort, resultCount })),
      ).toEqual([
        {
          query: "",
          filters: { region: ["Speyside", "Highlands"], currency: "GBP" },
          sort: "price_asc",
          resultCount: second.total!,
        },
        {
          query: "islay peated",
          filters: { type: ["scotch"], minAge: 12 },
          sort: "relevance",
          resultCount: first.total!,
        },
      ]);
      expect(Date.parse(items[0]!.at)).toBeGreaterThan(Date.parse(items[1]!.at));
    });

    test("only first pages of real searches count, and only for customers", async () => {
      const before = (await history("/api/v1/customers/me/search-history?limit=100", bob.headers)).items
        .length;
      const page = await app.search({ q: "sherry", limit: 2 }, bob.headers);
      await app.search({ q: "sherry", limit: 2, cursor: page.nextCursor! }, bob.headers);
      await app.search({}, bob.headers); // the plain catalog listing is browsing, not a search
      const staff = await app.t.signIn("staff");
      await app.search({ q: "staff looking" }, staff.headers);
      await app.search({ q: "anonymous looking" });
      // A last search that does count: once it is written, so would be any written wrongly before it.
      await letTimePass(t, 1000);
      await app.search({ q: "last word" }, bob.headers);
      const after = (
        await historyOnceWritten("/api/v1/customers/me/search-history?limit=100", bob.headers, before + 2)
      ).items;
      expect(after.length).toBe(before + 2);
      expect(after.map((e) => e.query).slice(0, 2)).toEqual(["last word", "sherry"]);
    });

    test("cursor pages, newest first", async () => {
      for (const q of ["one", "two", "three", "four", "five"]) {
        await letTimePass(t, 1000);
        await app.search({ q }, bob.headers);
      }
      await historyOnceWritten("/api/v1/customers/me/search-history?limit=100", bob.headers, 6);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await history(
          `/api/v1/customers/me/search-history?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          bob.headers,
        );
        seen.push(...page.items.map((i) => i.query));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.slice(0, 5)).toEqual(["five", "four", "three", "two", "one"]);
      expect(new Set(seen).size).toBe(seen.length);
    });

    test("a customer sees only their own history; staff see anyone's; nobody anonymous", async () => {
      const asBob = await app.t.call("GET", `/api/v1/customers/${alice.id}/search-history`, {
        headers: bob.headers,
      });
      expect(asBob.status).toBe(404);
      expect((await app.t.call("GET", "/api/v1/customers/me/search-history")).status).toBe(401);
      const staff = await app.t.signIn("staff");
      const seen = await history(`/api/v1/customers/${alice.id}/search-history`, staff.headers);
      expect(seen.items.length).toBeGreaterThanOrEqual(2);
      const mine = await history(`/api/v1/customers/${alice.id}/search-history`, alice.headers);
      expect(mine.items).toEqual(seen.items);
      const bad = await app.t.call("GET", "/api/v1/customers/me/search-history?cursor=nonsense", {
        headers: alice.headers,
      });
      expect(bad.status).toBe(422);
    });
  });
});

// The in-process service and its logger: what the Bun app does when a write fails, on Bun only.
describe("search history, in-process service (Bun only)", () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await createTestApp();
  });
  afterAll(() => local.close());

  test("a history write that fails is logged, and the search it belongs to still answered", async () => {
    silentLogger.lines.length = 0;
    await local.services.search.recordSearch("cus_does_not_exist", {
      query: "x",
      filters: {},
      sort: "relevance",
      resultCount: 0,
    });
    expect(silentLogger.lines.some((l) => l.msg === "search history was not recorded")).toBe(true);
  });
});
