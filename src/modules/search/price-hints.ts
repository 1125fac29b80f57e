/** Prices read from the search words ("under 300"): which currency they mean, and the filters they become. */
import type { DocumentStore } from "./document-store.ts";
import { type PriceHint, toMinorUnits } from "./query-text.ts";
import type { QueryReport } from "./search.context.ts";
import type { SearchFilters } from "./search-filters.ts";

/** The currency a bare "under 300" means: the one asked for, the one written, or the catalog's usual one. */
function dominantCurrency(store: DocumentStore): string {
  const counts = new Map<number, number>();
  const step = Math.max(1, Math.floor(store.size / 2000));
  for (let p = 0; p < store.size; p += step) {
    if (store.alive[p]) counts.set(store.currency[p]!, (counts.get(store.currency[p]!) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best ? store.currencies.values[best[0]]! : "GBP";
}

/** Adds the hint's prices to `filters` (unless the caller set them); what was understood, for the answer. */
export function applyPriceHint(
  store: DocumentStore,
  filters: SearchFilters,
  hint: PriceHint | undefined,
): QueryReport["understood"] {
  if (!hint) return undefined;
  const currency = filters.currency ?? hint.currency ?? dominantCurrency(store);
  if (filters.currency && hint.currency && filters.currency !== hint.currency) return undefined;
  const understood: NonNullable<QueryReport["understood"]> = { currency };
  filters.currency = currency;
  if (hint.min !== undefined && filters.minPrice === undefined) {
    filters.minPrice = understood.minPrice = toMinorUnits(hint.min, currency);
  }
  if (hint.max !== undefined && filters.maxPrice === undefined) {
    filters.maxPrice = understood.maxPrice = toMinorUnits(hint.max, currency);
  }
  return understood;
}
