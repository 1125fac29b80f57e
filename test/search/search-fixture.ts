import { expect } from "bun:test";
import { loadGeneratedCatalog } from "../../src/db/seed/load-catalog.ts";
import { SpiritSearchResultSchema } from "../../src/modules/search/search.schemas.ts";
import type { Target } from "../support/targets.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

export type Params = Record<string, string | number | boolean | (string | number)[] | undefined>;

/** A query string from parameters; arrays become repeated parameters. */
export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
  }
  const s = search.toString();
  return s ? `?${s}` : "";
}

export type SearchPage = ReturnType<typeof SpiritSearchResultSchema.parse>;

/** An app over a generated catalog (seeded, so every run sees the same spirits). */
export async function seededApp(count = 3000, seed = 7) {
  const clock = new TestClock();
  const t = await createTestApp({ clock });
  await loadGeneratedCatalog(t.deps.client, { count, seed, currency: "GBP", now: clock.now() });
  return { ...withSearch(t), clock };
}

/**
 * A target of test/support/targets.ts (Bun or the Worker build) over the same generated catalog, written
 * straight into its database file.
 */
export async function seedTarget(t: Target, count = 3000, seed = 7) {
  await loadGeneratedCatalog(t.deps.client, { count, seed, currency: "GBP", now: t.deps.clock.now() });
  return withSearch(t);
}

/** Search helpers over any caller of the API: a TestApp, or a target of test/support/targets.ts. */
export function withSearch<T extends Pick<TestApp, "call">>(t: T) {
  /** GET /spirits with the parameters; a 200 checked against the route's own schema. */
  async function search(params: Params, headers: Record<string, string> = {}): Promise<SearchPage> {
    const res = await t.call("GET", `/api/v1/spirits${queryString(params)}`, { headers });
    if (res.status !== 200)
      throw new Error(`GET /spirits${queryString(params)}: ${res.status} ${await res.text()}`);
    return SpiritSearchResultSchema.parse(await res.json());
  }

  /** Every page of a search, following the cursors. */
  async function searchAll(params: Params, headers: Record<string, string> = {}) {
    const items: SearchPage["items"] = [];
    let cursor: string | undefined;
    let first: SearchPage | undefined;
    for (let pages = 0; pages < 2000; pages++) {
      const page = await search({ ...params, cursor }, headers);
      first ??= page;
      items.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(first).toBeDefined();
    return { items, first: first! };
  }

  return { t, search, searchAll };
}

/** All the words of a spirit a shopper could have searched for, lower case. */
export function textOf(s: SearchPage["items"][number]): string {
  return [
    s.name,
    s.distillery,
    s.brand,
    s.region ?? "",
    s.caskType ?? "",
    s.description,
    s.tastingNotes.nose,
    s.tastingNotes.palate,
    s.tastingNotes.finish,
    s.tags.join(" "),
    s.awards.map((a) => a.name).join(" "),
  ]
    .join(" ")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}
