/**
 * A first start with the demo catalog also has somewhere to ship from and bottles to sell: a newcomer's
 * first order goes through. Both targets, each on a freshly seeded database.
 */
import { beforeAll, expect, test } from "bun:test";
import { DEMO_CATALOG } from "../../src/db/seed/demo-catalog.ts";
import { seedDemoStock } from "../../src/db/seed/demo-stock.ts";
import { demoBatchId, demoSpiritId } from "../../src/modules/catalog/catalog-seed.ts";
import { prepareDatabase } from "../../src/startup.ts";
import { TEST_ADDRESS } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

describeTargets(
  "demo stock",
  (t) => {
    let staff: { headers: Record<string, string> };
    beforeAll(async () => {
      staff = await t.signIn("staff");
    });

    test("a newcomer signs up and orders an available demo spirit to GB: 201, and the audit is clean", async () => {
      const email = `newcomer-${crypto.randomUUID()}@example.com`;
      const password = "correct horse battery staple";
      expect((await t.call("POST", "/api/v1/auth/register", { body: { email, password } })).status).toBe(202);
      const login = await t.call("POST", "/api/v1/auth/login", { body: { email, password } });
      expect(login.status).toBe(200);
      const headers = {
        Authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`,
      };
      const profile = await t.call("PATCH", "/api/v1/customers/me", {
        headers: { ...headers, "Content-Type": "application/merge-patch+json" },
        body: { dateOfBirth: "1985-06-01", country: "GB" },
      });
      expect(profile.status).toBe(200);

      const spiritId = demoSpiritId("kilbrannan-10");
      const spirit = (await (await t.call("GET", `/api/v1/spirits/${spiritId}`)).json()) as {
        status: string;
      };
      expect(spirit.status).toBe("available");
      const order = await t.call("POST", "/api/v1/orders", {
        headers,
        body: {
          items: [{ spiritId, quantity: 1 }],
          shipping: { ...TEST_ADDRESS, country: "GB", region: "GB-ENG" },
        },
      });
      expect(order.status).toBe(201);

      const audit = await t.call("POST", "/api/v1/inventory/audits", { headers: staff.headers });
      expect(((await audit.json()) as { clean: boolean }).clean).toBe(true);
    });

    test("every available demo spirit has stock, received through the ledger; batches carry bottle numbers", async () => {
      for (const entry of DEMO_CATALOG) {
        const id = demoSpiritId(entry.key);
        const inventory = (await (await t.call("GET", `/api/v1/inventory/${id}`)).json()) as {
          available: number;
        };
        if (entry.status === "available") expect(inventory.available).toBeGreaterThan(0);
        else expect(inventory.available).toBe(0);
      }
      const limited = DEMO_CATALOG.find((e) => e.batches?.length && e.status === "available")!;
      const res = await t.call(
        "GET",
        `/api/v1/inventory/${demoSpiritId(limited.key)}/movements?kind=receive`,
        {
          headers: staff.headers,
        },
      );
      const { items } = (await res.json()) as { items: { batchId: string | null; actorId: string | null }[] };
      expect(items.length).toBe(3);
      for (const m of items) expect(m).toMatchObject({ batchId: demoBatchId(limited.key, 1), actorId: null });
      const serials = await t.deps.client.execute({
        sql: "SELECT MIN(number) AS lo, MAX(number) AS hi, COUNT(*) AS n FROM bottle_serials WHERE batch_id = ?",
        args: [demoBatchId(limited.key, 1)],
      });
      expect(serials.rows[0]).toMatchObject({ lo: 1, hi: 22, n: 22 });
    });
  },
  { seedDemo: true },
);

test("a second start seeds no more locations or stock", async () => {
  const { createTestApp } = await import("../support/test-app.ts");
  const app = await createTestApp({ seedDemo: true });
  try {
    const count = async (sql: string) => Number((await app.deps.client.execute(sql)).rows[0]!.n);
    const before = [
      await count("SELECT COUNT(*) AS n FROM locations"),
      await count("SELECT COUNT(*) AS n FROM stock_movements"),
    ];
    expect(before[0]).toBe(3);
    await prepareDatabase(app.deps, app.services);
    expect(await seedDemoStock(app.services, DEMO_CATALOG)).toBe(0);
    expect([
      await count("SELECT COUNT(*) AS n FROM locations"),
      await count("SELECT COUNT(*) AS n FROM stock_movements"),
    ]).toEqual(before);
  } finally {
    app.close();
  }
});
