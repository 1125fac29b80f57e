/**
 * How many bottles of a spirit can be sold now, and the stock status that says so in a word: one
 * derivation for the inventory read of one spirit and for a page of listed spirits, so the two agree.
 */
import { z } from "@hono/zod-openapi";
import type { Client, InStatement } from "@libsql/client";
import { num, str } from "./ledger.ts";

/**
 * `in_stock`: some bottles are on hand and not held. `sold_out`: the spirit has stock levels, but every
 * bottle is sold or held for an order (a hold that lapses puts bottles back). `not_stocked`: no stock was
 * ever received at any location. About bottles only: whether the spirit is on sale is its catalog status.
 */
export const STOCK_STATUSES = ["in_stock", "sold_out", "not_stocked"] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

/** The one description of the stock status, shared by the inventory read and the spirit listings. */
export const StockStatusSchema = z.enum(STOCK_STATUSES).openapi("StockStatus", {
  description:
    "`in_stock`: bottles are on hand and not held for anyone. `sold_out`: stock was received, but every bottle is sold or held for an order (a lapsing hold puts bottles back). `not_stocked`: no stock was ever received. About bottles only: whether the spirit is on sale is its catalog `status`.",
});

export type Availability = { available: number; stockStatus: StockStatus };

export function stockStatusOf(levels: number, available: number): StockStatus {
  if (available > 0) return "in_stock";
  return levels > 0 ? "sold_out" : "not_stocked";
}

/**
 * One statement for any number of spirits: their levels summed per spirit, lapsed holds the reaper has not
 * released yet counted as released, as the inventory read counts them (snapshotReads). It answers a single
 * text value, `index levels available` for each spirit that has levels (`index` into `spiritIds`), read by
 * `availabilityFromPage`. Why this shape: each spirit is one index search of its levels (and of its holds)
 * in the order given, with no grouping step, and one value crosses into JavaScript instead of three per
 * spirit; that took the statement from about 40 µs to 25 µs for a page of 20 (bench/reads.ts header).
 */
export function availabilityRead(spiritIds: string[], now: string): InStatement {
  return {
    sql: `SELECT group_concat(j.key || ' ' || (
              SELECT count(*) || ' ' || (sum(l.on_hand - l.reserved)
                + coalesce((SELECT sum(h.quantity) FROM stock_holds h
                            WHERE h.spirit_id = j.value AND h.status = 'active' AND h.expires_at <= ?1), 0))
              FROM inventory_levels l WHERE l.spirit_id = j.value), ' ') AS page
          FROM json_each(?2) j`,
    args: [now, JSON.stringify(spiritIds)],
  };
}

/** Reads `availabilityRead`'s one value back; a spirit without levels is `not_stocked`. */
export function availabilityFromPage(spiritIds: string[], page: unknown): Map<string, Availability> {
  const byIndex: (Availability | undefined)[] = [];
  const figures = typeof page === "string" && page ? page.split(" ") : [];
  for (let i = 0; i + 2 < figures.length; i += 3) {
    const available = Number(figures[i + 2]);
    byIndex[Number(figures[i])] = {
      available,
      stockStatus: stockStatusOf(Number(figures[i + 1]), available),
    };
  }
  return new Map(
    spiritIds.map((id, i) => [id, byIndex[i] ?? { available: 0, stockStatus: stockStatusOf(0, 0) }]),
  );
}

/** The availability of each of the spirits, in one query; a spirit without levels is `not_stocked`. */
export async function readAvailability(
  client: Client,
  spiritIds: string[],
  now: string,
): Promise<Map<string, Availability>> {
  if (!spiritIds.length) return new Map();
  const rs = await client.execute(availabilityRead(spiritIds, now));
  return availabilityFromPage(spiritIds, rs.rows[0]?.page);
}

/**
 * The availability of each of a spirit's variants, in one query, keyed by variant id; the standard unit
 * (levels without a variant) under "". A variant without levels is `not_stocked`.
 */
export async function readVariantAvailability(
  client: Client,
  spiritId: string,
  variantIds: string[],
  now: string,
): Promise<Map<string, Availability>> {
  const rs = await client.execute({
    sql: `SELECT l.variant_key, count(*) AS levels,
            sum(l.on_hand - l.reserved
                + coalesce((SELECT sum(h.quantity) FROM stock_holds h
                            WHERE h.spirit_id = ?2 AND h.status = 'active' AND h.expires_at <= ?1
                              AND h.level_id = l.id), 0)) AS available
          FROM inventory_levels l WHERE l.spirit_id = ?2 GROUP BY l.variant_key`,
    args: [now, spiritId],
  });
  const found = new Map<string, Availability>();
  for (const r of rs.rows) {
    const available = num(r.available);
    found.set(str(r.variant_key), { available, stockStatus: stockStatusOf(num(r.levels), available) });
  }
  return new Map(
    ["", ...variantIds].map((id) => [
      id,
      found.get(id) ?? { available: 0, stockStatus: stockStatusOf(0, 0) },
    ]),
  );
}
