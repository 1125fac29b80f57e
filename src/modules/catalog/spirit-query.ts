import { eq, gte, inArray, lte, ne, type SQL } from "drizzle-orm";
import type { Sort } from "../../db/keyset.ts";
import { type SpiritRow, type SpiritStatus, type SpiritType, spirits } from "../../db/schema/catalog.ts";

/**
 * Asking for a family type also finds its members: `whisky` finds scotch, bourbon and the rest, as a
 * shopper expects; asking for `scotch` finds only scotch.
 */
export const SPIRIT_TYPE_FAMILIES: Partial<Record<SpiritType, SpiritType[]>> = {
  whisky: ["whisky", "scotch", "bourbon", "rye", "irish", "japanese"],
  brandy: ["brandy", "cognac", "armagnac", "calvados"],
};

export type SpiritFilters = {
  type?: SpiritType | undefined;
  country?: string | undefined;
  /** Without a status, archived spirits are left out. */
  status?: SpiritStatus | undefined;
  currency?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
};

/** The WHERE conditions of the simple filters; the search module adds its own beside these. */
export function spiritFilterConditions(f: SpiritFilters): SQL[] {
  const where: SQL[] = [];
  if (f.type) {
    const family = SPIRIT_TYPE_FAMILIES[f.type];
    where.push(family ? inArray(spirits.type, family) : eq(spirits.type, f.type));
  }
  if (f.country) where.push(eq(spirits.country, f.country));
  where.push(f.status ? eq(spirits.status, f.status) : ne(spirits.status, "archived"));
  if (f.currency) where.push(eq(spirits.currency, f.currency));
  if (f.minPrice !== undefined) where.push(gte(spirits.priceMinor, f.minPrice));
  if (f.maxPrice !== undefined) where.push(lte(spirits.priceMinor, f.maxPrice));
  return where;
}

const byId = (direction: "asc" | "desc") => ({
  column: spirits.id,
  direction,
  value: (r: SpiritRow) => r.id,
});

/** Orders a list can take; each ends on the id so the order is total and cursors are exact. */
export const SPIRIT_SORTS = {
  newest: {
    name: "newest",
    keys: [{ column: spirits.createdAt, direction: "desc", value: (r) => r.createdAt }, byId("desc")],
  },
  oldest: {
    name: "oldest",
    keys: [{ column: spirits.createdAt, direction: "asc", value: (r) => r.createdAt }, byId("asc")],
  },
  price_asc: {
    name: "price_asc",
    keys: [{ column: spirits.priceMinor, direction: "asc", value: (r) => r.priceMinor }, byId("asc")],
  },
  price_desc: {
    name: "price_desc",
    keys: [{ column: spirits.priceMinor, direction: "desc", value: (r) => r.priceMinor }, byId("desc")],
  },
  name: {
    name: "name",
    keys: [{ column: spirits.name, direction: "asc", value: (r) => r.name }, byId("asc")],
  },
} satisfies Record<string, Sort<SpiritRow>>;

export type SpiritSortName = keyof typeof SPIRIT_SORTS;
