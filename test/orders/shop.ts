import { eq } from "drizzle-orm";
import { customers } from "../../src/db/schema/accounts.ts";
import type { TestApp } from "../support/test-app.ts";

/** A street address for test orders; the country and region come with each order. */
export const TEST_ADDRESS = {
  name: "Isla Campbell",
  lines: ["12 Rose Street"],
  city: "Edinburgh",
  postalCode: "EH2 2PR",
};

/** The parcel staff ship in tests: the whole order, with a carrier and tracking number. */
export const TEST_PARCEL = { carrier: "Royal Mail", trackingNumber: "RM123456785GB" };

export type Caller = { id: string; email?: string; headers: Record<string, string> };

/** What the helpers need: a TestApp, or a target of test/support/targets.ts (Bun or the Worker build). */
export type ShopHost = Pick<TestApp, "signIn" | "call" | "deps"> & Partial<Pick<TestApp, "services">>;

/** Helpers over the HTTP API for order and inventory tests: spirits, stock, customers, orders. */
export async function openShop(t: ShopHost) {
  const staff = await t.signIn("staff");
  let n = 0;
  /** Every caller made here, so their tokens can be renewed when a test moves the clock past their expiry. */
  const callers: (Caller & { role: "staff" | "customer" })[] = [{ ...staff, role: "staff" }];
  callers[0]!.headers = staff.headers;
  const now = () => t.deps.clock.now().getTime();
  let issuedAt = now();

  /** New tokens for everyone (headers objects are updated in place); needs the app's own token service. */
  async function renewTokens() {
    if (!t.services) return;
    for (const c of callers) {
      const { token } = await t.services.tokens.issueAccessToken(c.id, c.role, c.email ?? "");
      c.headers.Authorization = `Bearer ${token}`;
    }
    issuedAt = now();
  }
  async function fresh() {
    if (now() - issuedAt > 10 * 60_000 || now() < issuedAt) await renewTokens();
  }

  /**
   * The shop's locations, made through the locations API: Edinburgh ships to GB and the EU, London only to
   * England, A and B anywhere.
   */
  const places: Record<
    string,
    { name: string; kind: string; country: string; region: string | null; shipsTo: string[] }
  > = {
    edinburgh: {
      name: "Edinburgh warehouse",
      kind: "warehouse",
      country: "GB",
      region: "GB-SCT",
      shipsTo: ["GB", "EU"],
    },
    london: { name: "London shop", kind: "retail", country: "GB", region: "GB-ENG", shipsTo: ["GB-ENG"] },
    a: { name: "Store A", kind: "warehouse", country: "GB", region: null, shipsTo: ["*"] },
    b: { name: "Store B", kind: "warehouse", country: "GB", region: null, shipsTo: ["*"] },
  };
  const locationIds = new Map<string, { id: string; name: string }>();
  for (const [key, body] of Object.entries(places)) {
    const res = await t.call("POST", "/api/v1/locations", { headers: staff.headers, body });
    if (res.status !== 201) throw new Error(`location: ${res.status} ${await res.text()}`);
    locationIds.set(key, { id: ((await res.json()) as { id: string }).id, name: body.name });
  }
  /** The id of one of the shop's locations. */
  function loc(key: string): string {
    const l = locationIds.get(key);
    if (!l) throw new Error(`no location ${key}`);
    return l.id;
  }
  /** Its name, as the inventory shows it. */
  const locName = (key: string) => locationIds.get(key)?.name ?? null;

  async function spirit(fields: Record<string, unknown> = {}): Promise<string> {
    await fresh();
    const res = await t.call("POST", "/api/v1/spirits", {
      headers: staff.headers,
      body: {
        name: `Test Malt ${++n}`,
        brand: "Test",
        distillery: "Test Distillery",
        type: "scotch",
        country: "GB",
        abv: 46,
        bottleSizeMl: 700,
        price: { amountMinor: 12000, currency: "GBP" },
        ...fields,
      },
    });
    if (res.status !== 201) throw new Error(`spirit: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  async function batch(spiritId: string, batchNumber = `B${++n}`): Promise<string> {
    await fresh();
    const res = await t.call("POST", `/api/v1/spirits/${spiritId}/batches`, {
      headers: staff.headers,
      body: { batchNumber, caskNumbers: [] },
    });
    if (res.status !== 201) throw new Error(`batch: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  async function change(spiritId: string, body: Record<string, unknown>) {
    await fresh();
    return t.call("PATCH", `/api/v1/inventory/${spiritId}`, { headers: staff.headers, body });
  }

  async function receive(
    spiritId: string,
    quantity: number,
    locationId = loc("edinburgh"),
    extra: Record<string, unknown> = {},
  ) {
    const res = await change(spiritId, { type: "receive", locationId, quantity, ...extra });
    if (res.status !== 200) throw new Error(`receive: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** A customer of age with a shipping profile. */
  async function customer(profile: { dateOfBirth?: string | null; country?: string; region?: string } = {}) {
    await fresh();
    const c = await t.signIn("customer");
    callers.push({ ...c, role: "customer" });
    callers.at(-1)!.headers = c.headers;
    await t.deps.db
      .update(customers)
      .set({
        dateOfBirth: profile.dateOfBirth === undefined ? "1980-04-01" : profile.dateOfBirth,
        country: profile.country ?? "GB",
        region: profile.region ?? "GB-SCT",
      })
      .where(eq(customers.id, c.id));
    return c;
  }

  async function order(
    who: Caller,
    items: { spiritId: string; quantity: number; batchId?: string; variantId?: string }[],
    shipping: { country: string; region?: string } = { country: "GB", region: "GB-SCT" },
    headers: Record<string, string> = {},
  ) {
    await fresh();
    return t.call("POST", "/api/v1/orders", {
      headers: { ...who.headers, ...headers },
      body: { items, shipping: { ...TEST_ADDRESS, ...shipping } },
    });
  }

  async function act(who: Caller, orderId: string, action: "confirm" | "cancel" | "ship") {
    await fresh();
    const body = action === "ship" ? TEST_PARCEL : undefined;
    return t.call("POST", `/api/v1/orders/${orderId}/${action}`, { headers: who.headers, body });
  }

  async function inventory(spiritId: string, who: Caller | undefined = staff) {
    await fresh();
    const res = await t.call("GET", `/api/v1/inventory/${spiritId}`, { headers: who?.headers ?? {} });
    return (await res.json()) as {
      available: number;
      byLocation: { locationId: string; available: number }[];
      version?: number;
      levels?: {
        levelId: string;
        locationId: string;
        batchId: string | null;
        variantId?: string | null;
        onHand: number;
        reserved: number;
        version: number;
      }[];
    };
  }

  async function audit() {
    await fresh();
    const res = await t.call("POST", "/api/v1/inventory/audits", { headers: staff.headers });
    return (await res.json()) as { clean: boolean; discrepancies: unknown[]; levelsChecked: number };
  }

  /** GET with a caller's (renewed) token. */
  async function get(who: Caller, path: string) {
    await fresh();
    return t.call("GET", path, { headers: who.headers });
  }

  return {
    staff,
    loc,
    locName,
    spirit,
    batch,
    change,
    receive,
    customer,
    order,
    act,
    inventory,
    audit,
    get,
    renewTokens,
  };
}

export type Shop = Awaited<ReturnType<typeof openShop>>;
