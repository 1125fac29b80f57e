/**
 * The search index follows catalog writes made through the HTTP API, one suite on both targets (in-process
 * on Bun, the Worker build in workerd over libSQL through HTTP); the index is inspected over the same file.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { loadGeneratedCatalog } from "../../src/db/seed/load-catalog.ts";
import { wordsOf } from "../../src/modules/search/query-text.ts";
import { createSpirit, spiritBody } from "../catalog/fixtures.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { withSearch } from "./search-fixture.ts";

describeTargets("the search index", (t) => {
  let app: ReturnType<typeof withSearch<Target>>;
  let staff: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    await loadGeneratedCatalog(t.deps.client, {
      count: 300,
      seed: 5,
      currency: "GBP",
      now: t.deps.clock.now(),
    });
    app = withSearch(t);
    staff = await t.signIn("staff");
  });

  const body = (overrides: Record<string, unknown> = {}) =>
    spiritBody({
      name: "Quorndale 15 Year Old",
      brand: "Quorndale",
      distillery: "Quorndale Distillery",
      region: "Lowlands",
      tags: ["lowlands", "quorn-test"],
      ...overrides,
    });

  const regionCount = async (region: string, headers: Record<string, string> = {}) =>
    (await app.search({ facets: "region", facetLimit: 100, limit: 1 }, headers)).facets?.region?.find(
      (v) => v.value === region,
    )?.count ?? 0;

  describe("the search index follows the catalog, through the HTTP API", () => {
    test("a created spirit is found by the next search, by name, typo, tag and facet", async () => {
      const lowlandsBefore = await regionCount("Lowlands");
      const created = await createSpirit(t, staff, body());
      const found = await app.search({ q: "quorndale" });
      expect(found.items.map((s) => s.id)).toEqual([created.id]);
      expect((await app.search({ q: "quorndal " })).items.map((s) => s.id)).toEqual([created.id]);
      expect((await app.search({ tags: "quorn-test" })).total).toBe(1);
      expect(await regionCount("Lowlands")).toBe(lowlandsBefore + 1);
    });

    test("a changed spirit is found by its new words and no longer by its old ones", async () => {
      const s = await createSpirit(
        t,
        staff,
        body({ name: "Vellacott 12 Year Old", brand: "Vellacott", distillery: "Vellacott Distillery" }),
      );
      const res = await t.call("PATCH", `/api/v1/spirits/${s.id}`, {
        headers: staff.headers,
        body: {
          name: "Zanzibarra Reserve",
          brand: "Zanzibarra",
          distillery: "Zanzibarra Distillery",
          region: "Islay",
          price: { amountMinor: 123456 },
        },
      });
      expect(res.status).toBe(200);
      expect((await app.search({ q: "vellacott" })).total).toBe(0);
      expect((await app.search({ q: "zanzibarra" })).items.map((x) => x.id)).toEqual([s.id]);
      const priced = await app.search({
        q: "zanzibarra",
        currency: "GBP",
        minPrice: 123456,
        maxPrice: 123456,
      });
      expect(priced.total).toBe(1);
      expect((await app.search({ q: "zanzibarra", region: "Lowlands" })).total).toBe(0);
      expect((await app.search({ q: "zanzibarra", region: "Islay" })).total).toBe(1);
    });

    test("an archived spirit is no longer found, except by staff asking for archived ones", async () => {
      const s = await createSpirit(
        t,
        staff,
        body({ name: "Penhallow Cask 9", brand: "Penhallow", distillery: "Penhallow Distillery" }),
      );
      // A batch refers to it, so a delete archives it.
      const batch = await t.call("POST", `/api/v1/spirits/${s.id}/batches`, {
        headers: staff.headers,
        body: { batchNumber: "P1" },
      });
      expect(batch.status).toBe(201);
      const lowlands = await regionCount("Lowlands");
      const del = await t.call("DELETE", `/api/v1/spirits/${s.id}`, { headers: staff.headers });
      expect(del.status).toBe(200);
      expect((await app.search({ q: "penhallow" })).total).toBe(0);
      expect((await app.search({ q: "penhallow" }, staff.headers)).total).toBe(0);
      expect(await regionCount("Lowlands")).toBe(lowlands - 1);
      const archived = await app.search({ q: "penhallow", status: "archived" }, staff.headers);
      expect(archived.items.map((x) => x.id)).toEqual([s.id]);
      expect(archived.items[0]!.status).toBe("archived");
    });

    test("a deleted spirit leaves the index, and sold out moves between status counts", async () => {
      const s = await createSpirit(
        t,
        staff,
        body({ name: "Tregarrow Single Cask", brand: "Tregarrow", distillery: "Tregarrow Distillery" }),
      );
      const statuses = async () =>
        Object.fromEntries(
          ((await app.search({ q: "tregarrow", facets: "status" })).facets?.status ?? []).map((v) => [
            v.value,
            v.count,
          ]),
        );
      expect(await statuses()).toEqual({ available: 1 });
      await t.call("PATCH", `/api/v1/spirits/${s.id}`, {
        headers: staff.headers,
        body: { status: "sold_out" },
      });
      expect(await statuses()).toEqual({ sold_out: 1 });
      expect((await t.call("DELETE", `/api/v1/spirits/${s.id}`, { headers: staff.headers })).status).toBe(
        204,
      );
      expect((await app.search({ q: "tregarrow" })).total).toBe(0);
    });

    test("the index tables stay consistent with the spirits table", async () => {
      const rs = await t.deps.client.execute(
        `SELECT (SELECT count(*) FROM spirits) AS spirits, (SELECT count(*) FROM search_documents) AS docs,
              (SELECT count(*) FROM search_documents d LEFT JOIN spirits s ON s.id = d.spirit_id WHERE s.id IS NULL) AS orphans`,
      );
      const row = rs.rows[0]!;
      expect(Number(row.docs)).toBe(Number(row.spirits));
      expect(Number(row.orphans)).toBe(0);
      await t.deps.client.execute("INSERT INTO spirits_fts (spirits_fts) VALUES ('integrity-check')");
    });

    test("the full-text index holds exactly the words of each spirit's current text, after all those writes", async () => {
      // FTS5's own content check cannot read the content view, so compare every (document, term) pair.
      await t.deps.client.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_instances USING fts5vocab('main', 'spirits_fts', 'instance')",
      );
      const indexed = await t.deps.client.execute("SELECT DISTINCT doc, term FROM temp.search_instances");
      const actual = new Set(indexed.rows.map((r) => `${r.doc} ${r.term}`));
      const text = await t.deps.client.execute(
        "SELECT doc_id, name, distillery, brand, facts, awards, tags, notes, description FROM search_text",
      );
      const expected = new Set<string>();
      for (const r of text.rows) {
        const words = wordsOf(
          [r.name, r.distillery, r.brand, r.facts, r.awards, r.tags, r.notes, r.description].join(" "),
        );
        for (const w of words) expected.add(`${r.doc_id} ${w}`);
      }
      expect(actual.size).toBeGreaterThan(1000);
      expect([...actual].filter((x) => !expected.has(x))).toEqual([]);
      expect([...expected].filter((x) => !actual.has(x))).toEqual([]);
    });
  });
});
