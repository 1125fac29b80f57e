/**
 * Puts a generated population into a real app's libSQL file the way the shop would hold it: the catalog,
 * accounts and customers, the behaviour log (views, clicks, purchases), reviews and wishlists, and every
 * customer queued for a refresh, so the background job then trains and caches through the service path.
 */
import type { Client } from "@libsql/client";
import type { EngineSignal } from "../src/modules/recommendations/engine/types.ts";
import type { Population } from "./recommendations-population.ts";

/** Multi-row INSERTs under SQLite's parameter limit, 50 statements per batch. */
async function insert(client: Client, table: string, columns: string[], rows: unknown[][]) {
  const per = Math.floor(2000 / columns.length);
  const statements = [];
  for (let k = 0; k < rows.length; k += per) {
    const chunk = rows.slice(k, k + per);
    statements.push({
      sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}`,
      args: chunk.flat() as never[],
    });
  }
  for (let k = 0; k < statements.length; k += 50) await client.batch(statements.slice(k, k + 50), "write");
}

const SPIRIT_COLUMNS = [
  "id",
  "name",
  "brand",
  "distillery",
  "type",
  "country",
  "region",
  "abv",
  "cask_type",
  "bottle_size_ml",
  "tasting_notes",
  "flavour_profile",
  "awards",
  "price_minor",
  "currency",
  "status",
  "tags",
  "media",
  "attributes",
  "created_at",
  "updated_at",
];
const REVIEW_COLUMNS = [
  "id",
  "spirit_id",
  "customer_id",
  "rating",
  "body",
  "status",
  "verified_purchase",
  "created_at",
  "updated_at",
];
const LOG_COLUMNS = [
  "id",
  "customer_id",
  "kind",
  "spirit_id",
  "source",
  "dedupe_key",
  "occurred_at",
  "recorded_at",
];

/** Loads the shop and `events` (what the model may learn from); answers how many rows of each went in. */
export async function loadShop(
  client: Client,
  pop: Pick<Population, "spirits" | "customers" | "preferences">,
  events: Iterable<EngineSignal>,
) {
  const now = new Date().toISOString();
  await insert(
    client,
    "spirits",
    SPIRIT_COLUMNS,
    pop.spirits.map((s) => [
      s.id,
      s.name,
      s.distillery,
      s.distillery,
      s.type,
      "GB",
      s.region,
      46,
      s.caskType,
      700,
      JSON.stringify({ nose: "", palate: "", finish: "" }),
      JSON.stringify(s.flavour),
      "[]",
      s.priceMinor,
      s.currency,
      s.offerable ? (s.inStock ? "available" : "sold_out") : "archived",
      JSON.stringify(s.tags),
      "[]",
      "{}",
      now,
      now,
    ]),
  );
  await insert(
    client,
    "accounts",
    ["id", "email", "role", "created_at", "updated_at"],
    pop.customers.map((id) => [id, `${id}@bench.test`, "customer", now, now]),
  );
  await insert(
    client,
    "customers",
    ["id", "name", "preferences", "date_of_birth", "country", "region", "created_at", "updated_at"],
    pop.customers.map((id) => [
      id,
      id,
      JSON.stringify(pop.preferences.get(id) ?? {}),
      "1980-01-01",
      "GB",
      "GB-SCT",
      now,
      now,
    ]),
  );
  let seq = 0;
  const log: unknown[][] = [];
  // One review and one wishlist row per customer and spirit, as the shop keeps them: the last one wins.
  const reviews = new Map<string, unknown[]>();
  const wishes = new Map<string, unknown[]>();
  for (const e of events) {
    if (e.kind === "rating") {
      reviews.set(`${e.customerId}|${e.spiritId}`, [
        `rev_${++seq}`,
        e.spiritId,
        e.customerId,
        e.value,
        "A bench review long enough to pass.",
        "approved",
        1,
        e.at,
        e.at,
      ]);
    } else if (e.kind === "wishlist") {
      wishes.set(`${e.customerId}|${e.spiritId}`, [e.customerId, e.spiritId, e.at]);
    } else {
      log.push([
        `int_${++seq}`,
        e.customerId,
        e.kind,
        e.spiritId,
        "server",
        e.kind === "purchase" ? `bench:${seq}` : null,
        e.at,
        e.at,
      ]);
    }
  }
  await insert(client, "interactions", LOG_COLUMNS, log);
  await insert(client, "reviews", REVIEW_COLUMNS, [...reviews.values()]);
  await insert(client, "wishlist_items", ["customer_id", "spirit_id", "added_at"], [...wishes.values()]);
  await client.execute({
    sql: "INSERT INTO recommendation_queue (customer_id, reason, enqueued_at, generation, attempts) SELECT id, 'bench', ?, 0, 0 FROM customers",
    args: [now],
  });
  return { log: log.length, reviews: reviews.size, wishes: wishes.size };
}
