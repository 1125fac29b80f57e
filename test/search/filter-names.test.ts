/**
 * The award filters are named as their facets are (`medals`, `awards`), so a facet's values go straight
 * back as a filter of the same name. The old singular names still work and are marked deprecated, which
 * a client generated from the document shows (and can leave out).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import openapiTS, { astToString } from "openapi-typescript";
import { API_PREFIX } from "../../src/app.ts";
import { seededApp } from "./search-fixture.ts";

let app: Awaited<ReturnType<typeof seededApp>>;
let medals: { value: string; count: number }[];
let awards: { value: string; count: number }[];

beforeAll(async () => {
  app = await seededApp(600, 5);
  const all = await app.search({ facets: "medals,awards", facetLimit: 100, limit: 1 });
  medals = all.facets?.medals ?? [];
  awards = all.facets?.awards ?? [];
});
afterAll(() => app.t.close());

const ids = (page: { items: { id: string }[] }) => page.items.map((s) => s.id);

describe("medals and awards filters", () => {
  test("each facet value, sent back under the facet's own name, finds as many spirits as it counted", async () => {
    expect(medals.length).toBeGreaterThan(2);
    expect(awards.length).toBeGreaterThan(2);
    for (const { value, count } of medals) {
      expect((await app.search({ medals: value, limit: 1 })).total).toBe(count);
    }
    for (const { value, count } of awards.slice(0, 5)) {
      expect((await app.search({ awards: value, limit: 1 })).total).toBe(count);
    }
  });

  test("medals takes a comma list or repeats; awards repeats (names can hold commas)", async () => {
    const [a, b] = [medals[0]!.value, medals[1]!.value];
    const commas = await app.search({ medals: `${a},${b}`, limit: 100 });
    expect(commas.total).toBeGreaterThanOrEqual(Math.max(medals[0]!.count, medals[1]!.count));
    expect(commas.total).toBeLessThanOrEqual(medals[0]!.count + medals[1]!.count);
    for (const s of commas.items) expect(s.awards.some((w) => w.medal === a || w.medal === b)).toBe(true);
    expect(ids(await app.search({ medals: [a, b], limit: 100 }))).toEqual(ids(commas));
    const [x, y] = [awards[0]!.value, awards[1]!.value];
    const both = await app.search({ awards: [x, y], limit: 100 });
    for (const s of both.items) expect(s.awards.some((w) => w.name === x || w.name === y)).toBe(true);
    expect(both.total).toBeGreaterThanOrEqual(Math.max(awards[0]!.count, awards[1]!.count));
  });

  test("the deprecated names medal and award still work, with the same answers", async () => {
    const [a, b] = [medals[0]!.value, medals[2]!.value];
    const x = awards[0]!.value;
    for (const [now, old] of [
      [{ medals: `${a},${b}` }, { medal: `${a},${b}` }],
      [{ awards: x }, { award: x }],
      [
        { medals: a, awards: x, facets: "medals,awards" },
        { medal: a, award: x, facets: "medals,awards" },
      ],
    ]) {
      const [p, q] = [await app.search({ ...now, limit: 100 }), await app.search({ ...old, limit: 100 })];
      expect(p.total).toBeGreaterThan(0);
      expect(ids(q)).toEqual(ids(p));
      expect(q.facets).toEqual(p.facets);
    }
    // Both names at once: the values of either are alternatives, as within one list.
    const mixed = await app.search({ medals: a, medal: b, limit: 100 });
    expect(ids(mixed)).toEqual(ids(await app.search({ medals: `${a},${b}`, limit: 100 })));
  });

  test("a wrong medal is a 422 naming the parameter as it was sent", async () => {
    for (const name of ["medals", "medal"]) {
      const res = await app.t.call("GET", `${API_PREFIX}/spirits?${name}=tin`);
      expect(res.status).toBe(422);
      const { errors } = (await res.json()) as { errors: { path: string }[] };
      expect(errors.map((e) => e.path)).toEqual([name]);
    }
  });

  test("a customer's search history keeps the filter under its one name", async () => {
    const alice = await app.t.signIn("customer");
    await app.search({ medal: medals[0]!.value, award: awards[0]!.value }, alice.headers);
    let filters: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !filters; i++) {
      const res = await app.t.call("GET", `${API_PREFIX}/customers/me/search-history`, {
        headers: alice.headers,
      });
      filters = ((await res.json()) as { items: { filters: Record<string, unknown> }[] }).items[0]?.filters;
      if (!filters) await Bun.sleep(20);
    }
    expect(filters).toEqual({ medals: [medals[0]!.value], awards: [awards[0]!.value] });
  });
});

describe("in the OpenAPI document and a client generated from it", () => {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document is walked freely here.
  let doc: any;
  beforeAll(async () => {
    doc = await (await app.t.call("GET", `${API_PREFIX}/openapi.json`)).json();
  });
  const param = (name: string) =>
    (
      doc.paths[`${API_PREFIX}/spirits`].get.parameters as {
        name: string;
        deprecated?: boolean;
        style?: string;
        explode?: boolean;
      }[]
    ).find((p) => p.name === name);

  test("medals and awards are the filters; medal and award are deprecated aliases", () => {
    expect(param("medals")).toMatchObject({ in: "query", schema: { type: "array" } });
    expect(param("awards")).toMatchObject({ in: "query", schema: { type: "array" } });
    expect(param("medals")?.deprecated).toBeUndefined();
    expect(param("awards")?.deprecated).toBeUndefined();
    expect(param("medal")?.deprecated).toBe(true);
    expect(param("award")?.deprecated).toBe(true);
    expect(param("medal")).toMatchObject({
      style: param("medals")!.style,
      explode: param("medals")!.explode,
    });
    expect(param("award")).toMatchObject({
      style: param("awards")!.style,
      explode: param("awards")!.explode,
    });
  });

  test("the generated types mark the aliases @deprecated, and leave them out when asked to", async () => {
    const listQuery = (types: string) => {
      const op = types.slice(types.indexOf("listSpirits: {"));
      return op.slice(op.indexOf("query?: {"), op.indexOf("header?:"));
    };
    /** The JSDoc block just before a property of the listSpirits query. */
    const docOf = (query: string, name: string) => {
      const at = query.search(new RegExp(`\\n\\s*${name}\\?:`));
      expect(at).toBeGreaterThan(0);
      const before = query.slice(0, at);
      const start = before.lastIndexOf("/**");
      return start >= 0 && !before.slice(start).includes("?:") ? before.slice(start) : "";
    };
    const query = listQuery(astToString(await openapiTS(structuredClone(doc))));
    expect(docOf(query, "medal")).toContain("@deprecated");
    expect(docOf(query, "award")).toContain("@deprecated");
    expect(docOf(query, "medals")).not.toContain("@deprecated");
    expect(docOf(query, "awards")).not.toContain("@deprecated");

    const current = listQuery(
      astToString(await openapiTS(structuredClone(doc), { excludeDeprecated: true })),
    );
    expect(current).toMatch(/\n\s*medals\?:/);
    expect(current).toMatch(/\n\s*awards\?:/);
    expect(current).not.toMatch(/\n\s*medal\?:/);
    expect(current).not.toMatch(/\n\s*award\?:/);
  }, 60_000);
});
