import { eq } from "drizzle-orm";
import { customers } from "../../src/db/schema/accounts.ts";
import type { TestApp } from "../support/test-app.ts";

export type Caller = { id: string; headers: Record<string, string> };

/** Helpers over the HTTP API for order and inventory tests: spirits, stock, customers, orders. */
export async function openShop(t: TestApp) {
  const staff = await t.signIn("staff");
  let n = 0;

  async function spirit(fields: Record<string, unknown> = {}): Promise<string> {
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
    const res = await t.call("POST", `/api/v1/spirits/${spiritId}/batches`, {
      headers: staff.headers,
      body: { batchNumber, caskNumbers: [] },
    });
    if (res.status !== 201) throw new Error(`batch: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  async function change(spiritId: string, body: Record<string, unknown>) {
    return t.call("PATCH", `/api/v1/inventory/${spiritId}`, { headers: staff.headers, body });
  }

  async function receive(
    spiritId: string,
    quantity: number,
    locationId = "loc_edinburgh",
    extra: Record<string, unknown> = {},
  ) {
    const res = await change(spiritId, { type: "receive", locationId, quantity, ...extra });
    if (res.status !== 200) throw new Error(`receive: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** A customer of age with a shipping profile. */
  async function customer(profile: { dateOfBirth?: string | null; country?: string; region?: string } = {}) {
    const c = await t.signIn("customer");
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

  function order(
    who: Caller,
    items: { spiritId: string; quantity: number; batchId?: string }[],
    shipping: { country: string; region?: string } = { country: "GB", region: "GB-SCT" },
    headers: Record<string, string> = {},
  ) {
    return t.call("POST", "/api/v1/orders", {
      headers: { ...who.headers, ...headers },
      body: { items, shipping },
    });
  }

  const act = (who: Caller, orderId: string, action: "confirm" | "cancel" | "ship") =>
    t.call("POST", `/api/v1/orders/${orderId}/${action}`, { headers: who.headers });

  async function inventory(spiritId: string, who: Caller | undefined = staff) {
    const res = await t.call("GET", `/api/v1/inventory/${spiritId}`, { headers: who?.headers ?? {} });
    return (await res.json()) as {
      available: number;
      byLocation: { locationId: string; available: number }[];
      version?: number;
      levels?: {
        levelId: string;
        locationId: string;
        batchId: string | null;
        onHand: number;
        reserved: number;
        version: number;
      }[];
    };
  }

  async function audit() {
    const res = await t.call("POST", "/api/v1/inventory/audits", { headers: staff.headers });
    return (await res.json()) as { clean: boolean; discrepancies: unknown[]; levelsChecked: number };
  }

  return { staff, spirit, batch, change, receive, customer, order, act, inventory, audit };
}

export type Shop = Awaited<ReturnType<typeof openShop>>;
