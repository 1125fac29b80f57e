import { expect } from "bun:test";
import { eq } from "drizzle-orm";
import { customers, type Preferences } from "../../src/db/schema/accounts.ts";
import { RecommendationListSchema } from "../../src/modules/recommendations/recommendations.routes.ts";
import { openShop } from "../orders/shop.ts";
import type { TestApp } from "../support/test-app.ts";

/** A small catalog whose styles are plainly apart: smoky Islay, sherried Speyside, bourbon, rum, gin. */
export const CATALOG = {
  smoky1: {
    name: "Smoky One",
    type: "scotch",
    region: "Islay",
    distillery: "Peat Bay",
    flavourProfile: { smoky: 4, medicinal: 3, body: 3 },
    tags: ["peated", "islay"],
    price: 6000,
  },
  smoky2: {
    name: "Smoky Two",
    type: "scotch",
    region: "Islay",
    distillery: "Peat Bay",
    flavourProfile: { smoky: 4, medicinal: 4, body: 2 },
    tags: ["peated", "islay"],
    price: 7000,
  },
  smoky3: {
    name: "Smoky Three",
    type: "scotch",
    region: "Islay",
    distillery: "Kiln Point",
    flavourProfile: { smoky: 3, medicinal: 2, fruity: 1 },
    tags: ["peated", "islay"],
    price: 5500,
  },
  sherry1: {
    name: "Sherry Bomb",
    type: "scotch",
    region: "Speyside",
    distillery: "Glen Oloroso",
    flavourProfile: { winey: 4, fruity: 3, sweetness: 3, nutty: 2 },
    tags: ["sherry-cask"],
    price: 8000,
  },
  sherry2: {
    name: "Sherry Velvet",
    type: "scotch",
    region: "Speyside",
    distillery: "Glen Oloroso",
    flavourProfile: { winey: 3, fruity: 4, sweetness: 3, nutty: 3 },
    tags: ["sherry-cask"],
    price: 9000,
  },
  bourbon: {
    name: "Corn Sweet",
    type: "bourbon",
    region: "Kentucky",
    distillery: "Bluegrass",
    flavourProfile: { sweetness: 4, vanilla: 4, woody: 3 },
    tags: ["bourbon"],
    price: 4000,
  },
  rum: {
    name: "Island Rum",
    type: "rum",
    region: null,
    distillery: "Cane Works",
    flavourProfile: { sweetness: 3, fruity: 3, spicy: 2 },
    tags: ["rum"],
    price: 3500,
  },
  gin1: {
    name: "Garden Gin",
    type: "gin",
    region: null,
    distillery: "Botanic",
    flavourProfile: { floral: 4, herbal: 4, citrus: 3 },
    tags: ["botanical"],
    price: 3000,
  },
  gin2: {
    name: "Citrus Gin",
    type: "gin",
    region: null,
    distillery: "Botanic",
    flavourProfile: { citrus: 4, herbal: 3, floral: 2 },
    tags: ["botanical"],
    price: 3200,
  },
} as const;
export type Key = keyof typeof CATALOG;

/** Works over a TestApp or a target of test/support/targets.ts (fixtures go through the in-process services). */
export async function openRecommendationShop(t: Pick<TestApp, "signIn" | "call" | "deps" | "services">) {
  const shop = await openShop(t);
  const ids = {} as Record<Key, string>;
  for (const [key, s] of Object.entries(CATALOG) as [Key, (typeof CATALOG)[Key]][]) {
    ids[key] = await shop.spirit({
      name: s.name,
      type: s.type,
      region: s.region,
      distillery: s.distillery,
      flavourProfile: s.flavourProfile,
      tags: s.tags,
      price: { amountMinor: s.price, currency: "GBP" },
      status: "available",
    });
    await shop.receive(ids[key], 50);
  }
  const nameOf = Object.fromEntries(Object.entries(ids).map(([k, id]) => [id, CATALOG[k as Key].name]));

  async function setCustomer(
    id: string,
    fields: { preferences?: Preferences; dateOfBirth?: string; country?: string },
  ) {
    await t.deps.db.update(customers).set(fields).where(eq(customers.id, id));
  }

  /** Places and pays for an order of one bottle of each. */
  async function buy(who: { id: string; headers: Record<string, string> }, ...keys: Key[]) {
    const res = await shop.order(
      who,
      keys.map((k) => ({ spiritId: ids[k], quantity: 1 })),
    );
    if (res.status !== 201) throw new Error(`order: ${res.status} ${await res.text()}`);
    const orderId = ((await res.json()) as { id: string }).id;
    const confirmed = await shop.act(shop.staff, orderId, "confirm");
    if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${await confirmed.text()}`);
  }

  async function recs(who: { headers: Record<string, string> }, query = "") {
    const res = await t.call("GET", `/api/v1/recommendations${query}`, { headers: who.headers });
    expect(res.status).toBe(200);
    const body = RecommendationListSchema.parse(await res.json());
    for (const item of body.items) expect(item.reason.length).toBeGreaterThan(5);
    return { ...body, names: body.items.map((i) => nameOf[i.spirit.id] ?? i.spirit.id) };
  }

  const drain = () => t.services.recommendations.drain({ force: true });

  return { shop, ids, nameOf, setCustomer, buy, recs, drain };
}
