/**
 * The waitlist's claim on freed bottles, as a guard of every ordinary hold of the spirit. While entries
 * wait (or are being offered), a buyer's hold must leave at least their open demand unreserved: a fast
 * buyer after a cancellation finds the bottles earmarked, not free. The guard runs in the stock engine's
 * batch, after every earlier unit of that batch (one writer per spirit), on Bun and in the Durable Object
 * alike, so it is exact between the freeing and the offer. Only the offers' own orders pass without it.
 */
import type { Client } from "@libsql/client";
import type { Guard } from "../../stock/ledger.ts";

/** Entries whose bottles are owed but not yet held: waiting, or being offered right now. */
const OPEN_DEMAND = `(SELECT coalesce(sum(quantity), 0) FROM waitlist_entries
  WHERE spirit_id = ? AND status IN ('waiting', 'offering'))`;
/** A waitlist waits for the spirit's standard unit (levels without a variant): samples and gift boxes are sold apart. */
const FREE = `(SELECT coalesce(sum(on_hand - reserved), 0) FROM inventory_levels
  WHERE spirit_id = ? AND variant_key = '')`;
/** A hold that takes none of the standard unit leaves the line's bottles alone. */
const PASSES: Guard = { reason: "sold-out", sql: "1", args: [] };

/** Waitlist entry ids (newId("wle")): a grant naming one marks the entry's own offer order. */
export const isOfferGrant = (grant: string | undefined): grant is string =>
  Boolean(grant?.startsWith("wle_"));

/**
 * An ordinary hold taking `standard` bottles of the standard unit leaves the open demand untouched (no
 * demand: passes at once). Units of other variants (`_wanted` counts them too) are not the line's.
 */
export const earmarkGuard =
  (spiritId: string) =>
  (_wanted: number, standard: number): Guard =>
    standard === 0
      ? PASSES
      : {
          reason: "sold-out",
          sql: `NOT EXISTS (SELECT 1 FROM waitlist_entries WHERE spirit_id = ? AND status IN ('waiting', 'offering'))
      OR ${FREE} - ? >= ${OPEN_DEMAND}`,
          args: [spiritId, spiritId, standard, spiritId],
        };

/** Both guards in one: a refusal of either reads as sold out, as each one's alone does. */
export const bothGuards = (a: Guard, b: Guard): Guard => ({
  reason: "sold-out",
  sql: `(${a.sql}) AND (${b.sql})`,
  args: [...(a.args ?? []), ...(b.args ?? [])],
});

/** Bottles the waitlist has earmarked now (what a buyer cannot take). */
export async function openDemand(client: Client, spiritId: string): Promise<number> {
  const rs = await client.execute({ sql: `SELECT ${OPEN_DEMAND} AS n`, args: [spiritId] });
  return Number(rs.rows[0]?.n ?? 0);
}
