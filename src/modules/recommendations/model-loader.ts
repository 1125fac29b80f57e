import type { Client } from "@libsql/client";
import type { FlavourProfile } from "../../db/schema/catalog.ts";
import { availableSql, stockVersionSql } from "../../stock/queries.ts";
import type { EngineSignal, EngineSpirit, SignalKind } from "./engine/types.ts";

/**
 * Reads what the model is trained on, in bulk and read-only: the catalog (with newest batch and stock),
 * the behaviour log, reviews and wishlists. Bulk SQL rather than other modules' one-at-a-time service
 * calls, because the model needs every row at once.
 */
const parse = <T>(v: unknown, fallback: T): T => {
  if (typeof v !== "string") return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
};

export async function loadSpirits(client: Client): Promise<EngineSpirit[]> {
  const rs = await client.execute(`SELECT s.id, s.name, s.type, s.region, s.distillery, s.cask_type, s.tags,
      s.flavour_profile, s.price_minor, s.currency, s.status,
      (SELECT max(b.created_at) FROM batches b WHERE b.spirit_id = s.id) AS newest_batch_at,
      ${availableSql("s.id")} AS available
    FROM spirits s ORDER BY s.id`);
  return rs.rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    type: String(r.type),
    region: r.region === null ? null : String(r.region),
    distillery: String(r.distillery),
    caskType: r.cask_type === null ? null : String(r.cask_type),
    tags: parse<string[]>(r.tags, []),
    flavour: parse<FlavourProfile>(r.flavour_profile, {}),
    priceMinor: Number(r.price_minor),
    currency: String(r.currency),
    offerable: r.status !== "archived",
    inStock: r.status === "available" && Number(r.available) > 0,
    newestBatchAt: r.newest_batch_at === null ? null : String(r.newest_batch_at),
  }));
}

export async function loadSignals(client: Client): Promise<EngineSignal[]> {
  const [log, reviews, wishlists] = await client.batch(
    [
      `SELECT customer_id, spirit_id, kind, occurred_at FROM interactions
        WHERE spirit_id IS NOT NULL AND kind IN ('view', 'click', 'add_to_wishlist', 'purchase', 'poll_interest')`,
      "SELECT customer_id, spirit_id, rating, updated_at FROM reviews",
      "SELECT customer_id, spirit_id, added_at FROM wishlist_items",
    ],
    "read",
  );
  const signals: EngineSignal[] = [];
  for (const r of log!.rows) {
    signals.push({
      customerId: String(r.customer_id),
      spiritId: String(r.spirit_id),
      kind: String(r.kind) as SignalKind,
      at: String(r.occurred_at),
    });
  }
  // A customer's own rating is their taste, whether or not the review text was approved for the public.
  for (const r of reviews!.rows) {
    signals.push({
      customerId: String(r.customer_id),
      spiritId: String(r.spirit_id),
      kind: "rating",
      value: Number(r.rating),
      at: String(r.updated_at),
    });
  }
  for (const r of wishlists!.rows) {
    signals.push({
      customerId: String(r.customer_id),
      spiritId: String(r.spirit_id),
      kind: "wishlist",
      at: String(r.added_at),
    });
  }
  return signals;
}

/** Changes whenever anything the model learns from changes; a rebuild happens only when it does. */
export async function loadFingerprint(client: Client): Promise<string> {
  const rs = await client.execute(`SELECT
      (SELECT coalesce(max(seq), 0) FROM interactions) AS a,
      (SELECT count(*) || ':' || coalesce(max(updated_at), '') FROM reviews) AS b,
      (SELECT count(*) || ':' || coalesce(max(added_at), '') FROM wishlist_items) AS c,
      (SELECT count(*) || ':' || coalesce(max(updated_at), '') FROM spirits) AS d,
      (SELECT count(*) || ':' || coalesce(max(created_at), '') FROM batches) AS e,
      ${stockVersionSql} AS f`);
  const r = rs.rows[0]!;
  return [r.a, r.b, r.c, r.d, r.e, r.f].map(String).join("|");
}

export type CustomerFacts = {
  id: string;
  preferences: {
    favouriteTypes?: string[];
    favouriteRegions?: string[];
    favouriteDistilleries?: string[];
    flavourProfile?: Record<string, number>;
    priceRange?: { minMinor?: number; maxMinor?: number; currency: string };
    avoidTags?: string[];
  };
  dateOfBirth: string | null;
  country: string | null;
  region: string | null;
};

export async function loadCustomers(client: Client, ids: string[]): Promise<Map<string, CustomerFacts>> {
  const out = new Map<string, CustomerFacts>();
  for (let k = 0; k < ids.length; k += 500) {
    const chunk = ids.slice(k, k + 500);
    const rs = await client.execute({
      sql: `SELECT id, preferences, date_of_birth, country, region FROM customers
            WHERE id IN (${chunk.map(() => "?").join(",")})`,
      args: chunk,
    });
    for (const r of rs.rows) {
      out.set(String(r.id), {
        id: String(r.id),
        preferences: parse(r.preferences, {}),
        dateOfBirth: r.date_of_birth === null ? null : String(r.date_of_birth),
        country: r.country === null ? null : String(r.country),
        region: r.region === null ? null : String(r.region),
      });
    }
  }
  return out;
}
