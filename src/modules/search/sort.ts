import type { DocumentStore } from "./document-store.ts";

/**
 * Orders for search results. Relevance is ranked by FTS5 in SQL (it needs bm25); the others sort the
 * in-memory columns. Every order ends on the spirit id, so it is total and cursors are exact; spirits
 * without a value (no age statement, no rating) come last in both directions.
 */
export const SEARCH_SORTS = [
  "relevance",
  "newest",
  "release",
  "price_asc",
  "price_desc",
  "age_desc",
  "age_asc",
  "rating",
] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Sorts by amount: amounts only compare within one currency, so these need one. */
export const PRICE_SORTS: readonly SearchSort[] = ["price_asc", "price_desc"];
export type MemorySort = Exclude<SearchSort, "relevance">;

export type SortValue = string | number;

/**
 * Numeric keys, then the spirit id in the direction of the first key. `newestLast`: positions mostly
 * follow this order (documents are numbered as they are added), so walking them backwards fills the
 * page with the best candidates first and lets the rest be skipped at a glance.
 */
export type SortKeys = { columns: Float64Array[]; dirs: (1 | -1)[]; ids: string[]; newestLast?: boolean };

export function sortKeys(store: DocumentStore, sort: MemorySort): SortKeys {
  const ids = store.spiritId;
  switch (sort) {
    case "newest":
      return { columns: [store.createdMs], dirs: [-1], ids, newestLast: true };
    case "release":
      return { columns: [store.releaseDay], dirs: [-1], ids };
    case "price_asc":
      return { columns: [store.price], dirs: [1], ids };
    case "price_desc":
      return { columns: [store.price], dirs: [-1], ids };
    case "age_desc":
      return { columns: [store.age], dirs: [-1], ids };
    case "age_asc":
      return { columns: [store.age], dirs: [1], ids };
    case "rating":
      return { columns: [store.rating, store.ratingCount], dirs: [-1, -1], ids };
  }
}

/** NaN (no value) becomes the far end of the order, so it sorts last whichever way the order runs. */
const keyOf = (v: number, dir: 1 | -1) =>
  Number.isNaN(v) ? (dir === 1 ? Number.MAX_VALUE : -Number.MAX_VALUE) : v;

/** The cursor values of a position: each numeric key (NaN written as its far end), then the id. */
export function valuesAt(keys: SortKeys, p: number): SortValue[] {
  return [...keys.columns.map((c, i) => keyOf(c[p]!, keys.dirs[i]!)), keys.ids[p]!];
}

/**
 * The page after `after` (a cursor's values), `limit` long, plus whether more follow. A bounded heap
 * keeps it O(n log limit): a page over 100,000 spirits costs a few milliseconds.
 */
export function pageOf(
  positions: Int32Array,
  count: number,
  keys: SortKeys,
  limit: number,
  after: SortValue[] | undefined,
): { page: number[]; more: boolean } {
  const { columns, dirs, ids } = keys;
  const n = columns.length;
  const idDir = dirs[0]!;
  const compare = (a: number, b: number) => {
    for (let i = 0; i < n; i++) {
      const d = dirs[i]!;
      const x = keyOf(columns[i]![a]!, d);
      const y = keyOf(columns[i]![b]!, d);
      if (x !== y) return x < y ? -d : d;
    }
    const ia = ids[a]!;
    const ib = ids[b]!;
    return ia === ib ? 0 : ia < ib ? -idDir : idDir;
  };
  const isAfter = (p: number) => {
    if (!after) return true;
    for (let i = 0; i < n; i++) {
      const d = dirs[i]!;
      const x = keyOf(columns[i]![p]!, d);
      const y = after[i] as number;
      if (x !== y) return (x < y ? -d : d) > 0;
    }
    const id = ids[p]!;
    const last = after[n] as string;
    return id !== last && (id < last ? -idDir : idDir) > 0;
  };
  const k = limit + 1;
  // A max-heap of the k best so far: its root is the worst of them.
  const heap: number[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[i]!, heap[parent]!) <= 0) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && compare(heap[l]!, heap[top]!) > 0) top = l;
      if (r < heap.length && compare(heap[r]!, heap[top]!) > 0) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  const backwards = keys.newestLast === true;
  for (let step = 0; step < count; step++) {
    const p = positions[backwards ? count - 1 - step : step]!;
    if (heap.length === k && compare(p, heap[0]!) >= 0) continue;
    if (!isAfter(p)) continue;
    if (heap.length < k) {
      heap.push(p);
      up(heap.length - 1);
    } else {
      heap[0] = p;
      down(0);
    }
  }
  heap.sort(compare);
  return { page: heap.slice(0, limit), more: heap.length > limit };
}
