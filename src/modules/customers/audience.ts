/**
 * Who a piece of news is for, read from profiles and wishlists (targeted notifications ask here, never
 * broadcast). Plain SQL over the JSON preferences: one statement per question, whatever the audience's size.
 * Disabled accounts are never in an audience.
 */
import type { Deps } from "../../deps.ts";

/** What a spirit is, for matching it against preferences. */
export type SpiritProfile = {
  type: string;
  region: string | null;
  distillery: string;
  price: { amountMinor: number; currency: string };
  tags: string[];
};

type Db = Pick<Deps, "client">;

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => String(r.id));

/** Customers with the spirit on their wishlist. */
export async function wishersOf({ client }: Db, spiritId: string): Promise<string[]> {
  const rs = await client.execute({
    sql: `SELECT w.customer_id AS id FROM wishlist_items w JOIN accounts a ON a.id = w.customer_id
          WHERE w.spirit_id = ? AND a.disabled = 0`,
    args: [spiritId],
  });
  return ids(rs.rows);
}

/**
 * Customers whose preferences match the spirit: one of their favourite types, regions or distilleries
 * (regions and distilleries compared without case), at a price inside their price range when they gave
 * one in the spirit's currency (a range in another currency cannot be compared and does not exclude), and
 * none of the tags they avoid.
 */
export async function matchingPreferences({ client }: Db, spirit: SpiritProfile): Promise<string[]> {
  const range = (bound: string) => `json_extract(c.preferences, '$.priceRange.${bound}')`;
  const rs = await client.execute({
    sql: `SELECT c.id AS id FROM customers c JOIN accounts a ON a.id = c.id
          WHERE a.disabled = 0
            AND (
              EXISTS (SELECT 1 FROM json_each(c.preferences, '$.favouriteTypes') j WHERE j.value = :type)
              OR EXISTS (SELECT 1 FROM json_each(c.preferences, '$.favouriteRegions') j
                         WHERE :region IS NOT NULL AND lower(j.value) = lower(:region))
              OR EXISTS (SELECT 1 FROM json_each(c.preferences, '$.favouriteDistilleries') j
                         WHERE lower(j.value) = lower(:distillery))
            )
            AND (
              ${range("currency")} IS NULL OR ${range("currency")} <> :currency
              OR ((${range("minMinor")} IS NULL OR ${range("minMinor")} <= :price)
                  AND (${range("maxMinor")} IS NULL OR ${range("maxMinor")} >= :price))
            )
            AND NOT EXISTS (SELECT 1 FROM json_each(c.preferences, '$.avoidTags') j
                            WHERE j.value IN (SELECT value FROM json_each(:tags)))`,
    args: {
      type: spirit.type,
      region: spirit.region,
      distillery: spirit.distillery,
      currency: spirit.price.currency,
      price: spirit.price.amountMinor,
      tags: JSON.stringify(spirit.tags),
    },
  });
  return ids(rs.rows);
}

/** The sign-in e-mail of each customer (of those that exist and are enabled). */
export async function emailsOf({ client }: Db, customerIds: string[]): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (let i = 0; i < customerIds.length; i += 1000) {
    const rs = await client.execute({
      sql: `SELECT a.id, a.email FROM accounts a
            WHERE a.id IN (SELECT value FROM json_each(?)) AND a.disabled = 0`,
      args: [JSON.stringify(customerIds.slice(i, i + 1000))],
    });
    for (const r of rs.rows) emails.set(String(r.id), String(r.email));
  }
  return emails;
}
