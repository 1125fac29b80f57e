import type { SpiritStatus } from "../../db/schema/catalog.ts";
import type { DocumentStore } from "./document-store.ts";
import {
  AGE_BUCKETS,
  COLUMN_FACETS,
  type ColumnFacet,
  dayOf,
  expandTypes,
  type FacetName,
  PRICE_BUCKETS,
  type SearchFilters,
  statusesOf,
  TERM_FACETS,
  type TermFacet,
  type TermKind,
  TYPE_FAMILIES,
} from "./search-filters.ts";

/**
 * Filters, totals, disjunctive facet counts and numeric stats over the in-memory document columns, in
 * one pass. A document that fails exactly one facet's filter still counts toward that facet (that is
 * what makes a facet's own selection not shrink its own counts, as Algolia and Meilisearch do).
 */

export type FacetValue = { value: string; count: number };
export type NumericStats = { min: number; max: number } | null;
export type SearchStats = {
  ageYears: NumericStats;
  vintage: NumericStats;
  abv: NumericStats;
  rating: NumericStats;
  price: { currency: string; min: number; max: number }[];
};

export type EvaluateOptions = {
  filters: SearchFilters;
  /** Statuses the caller may see at all (staff: every one); the status facet counts over these. */
  callerStatuses: SpiritStatus[];
  /** Positions the text query matched, or null for no text query: only these are looked at. */
  textMatch: Int32Array | null;
  /** Positions in stock (1), when the in-stock filter is on. */
  inStock: Uint8Array | null;
  facets: FacetName[];
  facetLimit: number;
  /** Keep the matching positions (for sorting in memory, or for the relevance pass mask). */
  collect: boolean;
  /**
   * Where to write them: a buffer the caller reuses between searches, so a search over 100,000 spirits
   * does not leave a 400 KB array behind each time. Valid until the caller's next evaluation.
   */
  scratch?: Int32Array;
  stats: boolean;
};

export type Evaluation = {
  total: number;
  /** The matching positions (the first `total`), when collected. */
  positions: Int32Array;
  facets: Partial<Record<FacetName, FacetValue[]>>;
  stats: SearchStats | undefined;
};

type Check = (p: number) => boolean;
type Disjunctive = { facet: FacetName; check: Check; relaxed?: Check };

function maskOf(size: number, codes: number[]): Uint8Array {
  const m = new Uint8Array(size);
  for (const c of codes) if (c >= 0) m[c] = 1;
  return m;
}

function columnCheck(store: DocumentStore, facet: ColumnFacet, values: string[]): Check {
  const dict = store.dicts[facet];
  const mask = maskOf(
    dict.size,
    values.map((v) => dict.find(v)),
  );
  const codes = store.codes[facet];
  return (p) => mask[codes[p]!] === 1;
}

function termCheck(store: DocumentStore, kind: TermKind, values: string[]): Check {
  const mask = maskOf(
    store.termDict.size,
    values.map((v) => store.termCode(kind, v)),
  );
  return (p) => {
    const t = store.terms[p];
    if (!t) return false;
    for (let i = 0; i < t.length; i++) if (mask[t[i]!] === 1) return true;
    return false;
  };
}

const range = (column: Float64Array, min: number | undefined, max: number | undefined): Check | undefined => {
  if (min === undefined && max === undefined) return undefined;
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  // NaN (no value) fails both comparisons, so a range never matches a spirit without that value.
  return (p) => column[p]! >= lo && column[p]! <= hi;
};

/** The conjunctive checks (every one must pass) and the disjunctive ones (one per facet filter). */
export function compileFilters(
  store: DocumentStore,
  o: Pick<EvaluateOptions, "filters" | "callerStatuses" | "inStock">,
) {
  const f = o.filters;
  const all: Check[] = [];
  const disjunctive: Disjunctive[] = [];
  if (o.inStock) {
    const m = o.inStock;
    all.push((p) => m[p] === 1);
  }
  const push = (c: Check | undefined) => c && all.push(c);
  push(range(store.age, f.minAge, f.maxAge));
  push(range(store.vintage, f.minVintage, f.maxVintage));
  push(range(store.abv, f.minAbv, f.maxAbv));
  if (f.currency) {
    const code = store.currencies.find(f.currency);
    all.push((p) => store.currency[p] === code);
  }
  push(range(store.price, f.minPrice, f.maxPrice));
  push(
    range(
      store.releaseDay,
      f.releasedFrom ? dayOf(f.releasedFrom) : undefined,
      f.releasedTo ? dayOf(f.releasedTo) : undefined,
    ),
  );
  if (f.limited !== undefined) {
    const want = f.limited ? 1 : 0;
    all.push((p) => store.limited[p] === want);
  }
  if (f.hasAwards !== undefined) {
    const want = f.hasAwards;
    const awardKind: TermKind = "award";
    all.push((p) => {
      const t = store.terms[p];
      let has = false;
      if (t) for (let i = 0; i < t.length && !has; i++) has = store.termKind[t[i]!] === awardKind;
      return has === want;
    });
  }
  for (const tag of f.tags ?? []) all.push(termCheck(store, "tag", [tag]));

  for (const facet of Object.keys(COLUMN_FACETS) as ColumnFacet[]) {
    if (facet === "status") continue;
    const values = f[COLUMN_FACETS[facet].filter] as string[] | undefined;
    if (!values?.length) continue;
    disjunctive.push({
      facet,
      check: columnCheck(store, facet, facet === "type" ? expandTypes(values as never) : values),
    });
  }
  for (const facet of Object.keys(TERM_FACETS) as TermFacet[]) {
    const values = f[TERM_FACETS[facet].filter] as string[] | undefined;
    if (values?.length) disjunctive.push({ facet, check: termCheck(store, TERM_FACETS[facet].term, values) });
  }
  // Status always applies (archived is left out unless asked for); its facet counts over what the
  // caller may see at all.
  disjunctive.push({
    facet: "status",
    check: columnCheck(store, "status", statusesOf(f)),
    relaxed: columnCheck(store, "status", o.callerStatuses),
  });
  return { all, disjunctive };
}

const BUCKET_ORDER: Partial<Record<FacetName, readonly string[]>> = {
  ageBucket: AGE_BUCKETS,
  priceBucket: PRICE_BUCKETS,
};

export function evaluate(store: DocumentStore, o: EvaluateOptions): Evaluation {
  const { all, disjunctive } = compileFilters(store, o);
  // Family values (whisky, brandy) need codes before the count arrays are sized.
  if (o.facets.includes("type"))
    for (const family of Object.keys(TYPE_FAMILIES)) store.dicts.type.code(family);
  const columnFacets = o.facets.filter((f): f is ColumnFacet => f in COLUMN_FACETS);
  const colCodes = columnFacets.map((f) => store.codes[f]);
  const colCounts = columnFacets.map((f) => new Uint32Array(store.dicts[f].size));
  const termFacets = o.facets.filter((f): f is TermFacet => f in TERM_FACETS);
  const countTerms = termFacets.length > 0;
  const termCounts = new Uint32Array(countTerms ? store.termDict.size : 0);
  const kinds = termKindIndex(store);
  // For each disjunctive filter: where its facet's counts live (column index, or term kind + 1 as negative).
  const target = disjunctive.map((d) => {
    const ci = columnFacets.indexOf(d.facet as ColumnFacet);
    if (ci >= 0) return ci;
    return termFacets.includes(d.facet as TermFacet)
      ? -(KIND_INDEX[TERM_FACETS[d.facet as TermFacet].term] + 1)
      : NONE;
  });

  const stats = o.stats ? new StatsAccumulator(store) : undefined;
  const positions = !o.collect
    ? new Int32Array(0)
    : o.scratch && o.scratch.length >= store.size
      ? o.scratch
      : new Int32Array(store.size);
  let total = 0;
  // With a text query only its matches are looked at; without one, every document.
  const candidates = o.textMatch;
  const n = candidates ? candidates.length : store.size;
  const nAll = all.length;
  const nDis = disjunctive.length;
  const nCol = colCodes.length;
  const alive = store.alive;
  const terms = store.terms;
  for (let j = 0; j < n; j++) {
    const p = candidates ? candidates[j]! : j;
    if (alive[p] !== 1) continue;
    let ok = true;
    for (let i = 0; i < nAll && ok; i++) ok = all[i]!(p);
    if (!ok) continue;
    let failed = -1;
    let fails = 0;
    for (let i = 0; i < nDis; i++) {
      const d = disjunctive[i]!;
      if (d.check(p)) continue;
      if (d.relaxed && !d.relaxed(p)) {
        fails = 2;
        break;
      }
      failed = i;
      if (++fails > 1) break;
    }
    if (fails === 0) {
      if (o.collect) positions[total] = p;
      total++;
      for (let k = 0; k < nCol; k++) colCounts[k]![colCodes[k]![p]!]!++;
      if (countTerms) {
        const t = terms[p];
        if (t) for (let i = 0; i < t.length; i++) termCounts[t[i]!]!++;
      }
      stats?.add(p);
    } else if (fails === 1) {
      const where = target[failed]!;
      if (where >= 0) colCounts[where]![colCodes[where]![p]!]!++;
      else if (where !== NONE) {
        const kind = -where - 1;
        const t = terms[p];
        if (t) for (let i = 0; i < t.length; i++) if (kinds[t[i]!] === kind) termCounts[t[i]!]!++;
      }
    }
  }

  const facets: Partial<Record<FacetName, FacetValue[]>> = {};
  columnFacets.forEach((facet, k) => {
    const counts = colCounts[k]!;
    const dict = store.dicts[facet];
    if (facet === "type") addFamilies(counts, dict);
    const values: FacetValue[] = [];
    for (let c = 1; c < counts.length; c++)
      if (counts[c]! > 0) values.push({ value: dict.values[c]!, count: counts[c]! });
    facets[facet] = shapeFacet(
      values,
      new Set(selectedValues(o.filters, facet)),
      o.facetLimit,
      BUCKET_ORDER[facet],
    );
  });
  for (const facet of termFacets) {
    const kind = KIND_INDEX[TERM_FACETS[facet].term];
    const values: FacetValue[] = [];
    for (let c = 1; c < termCounts.length; c++) {
      if (termCounts[c]! > 0 && kinds[c] === kind)
        values.push({ value: store.termValue(c), count: termCounts[c]! });
    }
    facets[facet] = shapeFacet(values, new Set(selectedValues(o.filters, facet)), o.facetLimit, undefined);
  }
  return { total, positions, facets, stats: stats?.result() };
}

const NONE = Number.MIN_SAFE_INTEGER;
const KIND_INDEX: Record<TermKind, number> = { tag: 0, award: 1, medal: 2, cask: 3 };

function termKindIndex(store: DocumentStore): Uint8Array {
  const kinds = new Uint8Array(store.termDict.size).fill(255);
  store.termKind.forEach((k, c) => {
    if (k) kinds[c] = KIND_INDEX[k];
  });
  return kinds;
}

/** A family value (whisky) counts its own spirits and all of its members' (scotch, bourbon...). */
function addFamilies(counts: Uint32Array, dict: DocumentStore["dicts"]["type"]) {
  for (const [family, members] of Object.entries(TYPE_FAMILIES)) {
    const fc = dict.find(family);
    if (fc < 0 || fc >= counts.length) continue;
    for (const m of members ?? []) {
      const mc = dict.find(m);
      if (m !== family && mc >= 0 && mc < counts.length) counts[fc]! += counts[mc]!;
    }
  }
}

/** The values a filter selects for a facet: shown even when they count nothing. */
function selectedValues(f: SearchFilters, facet: FacetName): string[] {
  const key =
    facet in COLUMN_FACETS
      ? COLUMN_FACETS[facet as ColumnFacet].filter
      : TERM_FACETS[facet as TermFacet].filter;
  return (f[key] as string[] | undefined) ?? [];
}

function shapeFacet(
  values: FacetValue[],
  selected: Set<string>,
  limit: number,
  order: readonly string[] | undefined,
): FacetValue[] {
  if (order) {
    return values.sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value));
  }
  values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const shown = values.slice(0, limit);
  const present = new Set(shown.map((v) => v.value));
  for (const v of values.slice(limit)) if (selected.has(v.value)) shown.push(v);
  for (const s of selected)
    if (!present.has(s) && !values.some((v) => v.value === s)) shown.push({ value: s, count: 0 });
  return shown;
}

class StatsAccumulator {
  private readonly mins = [Infinity, Infinity, Infinity, Infinity];
  private readonly maxs = [-Infinity, -Infinity, -Infinity, -Infinity];
  private readonly prices = new Map<number, [number, number]>();
  private readonly columns: Float64Array[];

  constructor(private readonly store: DocumentStore) {
    this.columns = [store.age, store.vintage, store.abv, store.rating];
  }

  add(p: number) {
    for (let i = 0; i < 4; i++) {
      const v = this.columns[i]![p]!;
      if (v < this.mins[i]!) this.mins[i] = v;
      if (v > this.maxs[i]!) this.maxs[i] = v;
    }
    const c = this.store.currency[p]!;
    const v = this.store.price[p]!;
    const m = this.prices.get(c);
    if (!m) this.prices.set(c, [v, v]);
    else {
      if (v < m[0]) m[0] = v;
      if (v > m[1]) m[1] = v;
    }
  }

  result(): SearchStats {
    const at = (i: number): NumericStats =>
      this.mins[i] === Infinity ? null : { min: this.mins[i]!, max: this.maxs[i]! };
    return {
      ageYears: at(0),
      vintage: at(1),
      abv: at(2),
      rating: at(3),
      price: [...this.prices]
        .map(([c, [min, max]]) => ({ currency: this.store.currencies.values[c]!, min, max }))
        .sort((a, b) => (a.currency < b.currency ? -1 : 1)),
    };
  }
}
