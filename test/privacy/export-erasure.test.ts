/**
 * GDPR through the HTTP API, on both targets: a customer with data in every table the data map names
 * exports all of it (counted against the database table by table, no secrets), and erasure leaves no
 * trace of them in any table of the database, keeps their orders without name, address or phone, and
 * refuses their sign-in and tokens.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { eq, getTableName } from "drizzle-orm";
import { accounts, customers } from "../../src/db/schema/accounts.ts";
import { spirits } from "../../src/db/schema/catalog.ts";
import { orderLines, orders } from "../../src/db/schema/orders.ts";
import { HOLDINGS } from "../../src/modules/privacy/personal-data.ts";
import {
  customerWithPassword,
  freshEmail,
  login,
  loginStatus,
  meStatus,
  PASSWORD,
  problemCode,
  refreshStatus,
} from "../auth/lifecycle-support.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";

const HOUR = 3_600_000;
let n = 0;

/** Counts the customer's rows in `table` with plain SQL, apart from the data map's own conditions. */
async function rowsIn(t: Target, table: string, customerId: string): Promise<number> {
  const columns = (
    await t.deps.client.execute({ sql: "SELECT name FROM pragma_table_info(?)", args: [table] })
  ).rows.map((r) => String(r.name));
  const where =
    table === "accounts" || table === "customers"
      ? "id = ?1"
      : table === "audit_log"
        ? "subject = ?1 OR actor_id = ?1 OR json_extract(detail, '$.customerId') = ?1"
        : columns.includes("customer_id")
          ? "customer_id = ?1"
          : columns.includes("account_id")
            ? "account_id = ?1"
            : "order_id IN (SELECT id FROM orders WHERE customer_id = ?1)";
  const rs = await t.deps.client.execute({
    sql: `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
    args: [customerId],
  });
  return Number(rs.rows[0]!.n);
}

/** Every row of every table of the database, as lower-cased JSON, for hunting personal data. */
async function everyTable(t: Target): Promise<Map<string, string>> {
  const tables = await t.deps.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  const dump = new Map<string, string>();
  for (const row of tables.rows) {
    const name = String(row.name);
    const rs = await t.deps.client.execute(`SELECT * FROM "${name}"`);
    dump.set(name, JSON.stringify(rs.rows, (_k, v) => (v instanceof ArrayBuffer ? "" : v)).toLowerCase());
  }
  return dump;
}

const ratingCountOf = async (t: Target, id: string) =>
  (await t.deps.db.query.spirits.findFirst({ where: eq(spirits.id, id) }))!.ratingCount;

describeTargets("GDPR export and erasure", (t) => {
  let shop: Shop;
  let spiritId: string;
  let admin: Awaited<ReturnType<Target["signIn"]>>;

  beforeAll(async () => {
    shop = await openShop(t);
    spiritId = await shop.spirit({ name: "Erasure Probe Malt" });
    await shop.receive(spiritId, 50, shop.loc("a"));
    admin = await t.signIn("admin");
  });

  /** A customer with rows in (almost) every table of the data map, each holding a findable probe. */
  async function populated() {
    const probe = `zqprobe${++n}x${Date.now() % 100000}`;
    const person = {
      email: freshEmail(probe),
      name: `Morag ${probe}`,
      displayName: `Mo ${probe}`,
      // Unique per customer, so a trace of this one cannot be another fixture's.
      dateOfBirth: `19${50 + n}-03-07`,
      street: `${probe} Lane 7`,
      city: `Kirk${probe}`,
      postalCode: `KY${n}5 7QZ`,
      phone: `+44770090${String(1000 + n).slice(-4)}`,
    };
    const c = await customerWithPassword(t, person.email);
    const session = await login(t, c.email);
    const h = session.headers;
    const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await t.call(method, `/api/v1${path}`, { headers: { ...h, ...extra }, body });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
      return res;
    };
    await call("PATCH", "/customers/me", {
      name: person.name,
      displayName: person.displayName,
      dateOfBirth: person.dateOfBirth,
      country: "GB",
      region: "GB-SCT",
      preferences: { favouriteTypes: ["scotch"] },
    });
    await call("POST", "/auth/verify-email/resend");
    await call("POST", "/customers/me/wishlist", { spiritId });
    await call("POST", "/customers/me/interactions", { events: [{ kind: "view", spiritId }] });
    await call("GET", `/spirits?q=${probe}`);
    const shipping = {
      name: person.name,
      lines: [person.street],
      city: person.city,
      postalCode: person.postalCode,
      phone: person.phone,
      country: "GB",
      region: "GB-SCT",
    };
    const items = [{ spiritId, quantity: 1 }];
    // With an Idempotency-Key: the stored first answer holds the address too.
    const placed = (await (
      await call("POST", "/orders", { items, shipping }, { "Idempotency-Key": `erase-${probe}` })
    ).json()) as { id: string };
    expect((await shop.act(shop.staff, placed.id, "confirm")).status).toBe(200);
    expect((await shop.act(shop.staff, placed.id, "ship")).status).toBe(200);
    const second = (await (await call("POST", "/orders", { items, shipping })).json()) as { id: string };
    await call("POST", `/orders/${second.id}/cancel`);
    await call("POST", `/spirits/${spiritId}/reviews`, {
      rating: 5,
      body: `Peat smoke and iodine up front, then smoked pear and sea salt: ${probe}. A long, drying finish.`,
    });
    const now = t.deps.clock.now().getTime();
    const poll = await t.call("POST", "/api/v1/polls", {
      headers: shop.staff.headers,
      body: {
        title: "Erasure probe",
        question: "What should we bottle next?",
        kind: "text",
        options: [],
        subjectType: "theme",
        theme: "winter",
        audience: {},
        opensAt: new Date(now - HOUR).toISOString(),
        closesAt: new Date(now + HOUR).toISOString(),
      },
    });
    expect(poll.status).toBe(201);
    const pollId = ((await poll.json()) as { id: string }).id;
    await call("PUT", `/polls/${pollId}/answer`, { text: `More peat please ${probe}` });
    await t.services.recommendations.drain({ force: true });
    return { ...c, person, probe, session, orderIds: [placed.id, second.id] };
  }

  describe("export", () => {
    test("everything the map names, counted table by table, and no secrets", async () => {
      const c = await populated();
      // An admin's export is audited: the audit log then has an entry about the customer too.
      const byAdmin = await t.call("GET", `/api/v1/customers/${c.id}/export`, { headers: admin.headers });
      expect(byAdmin.status).toBe(200);
      const res = await t.call("GET", "/api/v1/customers/me/export", { headers: c.session.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="angelshare-${c.id}.json"`);
      const text = await res.text();
      const doc = JSON.parse(text) as Record<string, unknown>;
      expect(doc.format).toBe("angelshare.customer-export.v1");
      expect(doc.customerId).toBe(c.id);

      const counts: Record<string, [number, number]> = {};
      for (const h of HOLDINGS) {
        if (!h.section) continue;
        const member = doc[h.section];
        const exported = h.one ? (member ? 1 : 0) : (member as unknown[]).length;
        counts[h.section] = [exported, await rowsIn(t, getTableName(h.table), c.id)];
      }
      const mismatched = Object.entries(counts).filter(([, [a, b]]) => a !== b);
      expect(mismatched).toEqual([]);
      // The fixture reaches these tables; an export that misses one is caught here as well.
      const reached = [
        "account",
        "profile",
        "sessions",
        "emailLinks",
        "orders",
        "orderLines",
        "orderStatusHistory",
        "shipments",
        "payments",
        "stockHolds",
        "purchaseTotals",
        "wishlist",
        "reviews",
        "interactions",
        "searchHistory",
        "pollAnswers",
        "recommendations",
        "auditLog",
      ];
      expect(reached.filter((s) => counts[s]![0] === 0)).toEqual([]);

      const profile = doc.profile as Record<string, unknown>;
      expect(profile).toMatchObject({ name: c.person.name, dateOfBirth: c.person.dateOfBirth });
      expect((doc.orders as { shippingPhone: string }[])[0]!.shippingPhone).toBe(c.person.phone);
      expect((doc.account as Record<string, unknown>).email).toBe(c.email);
      expect(text).not.toMatch(/\$argon2id\$|\$pbkdf2-sha256\$|passwordHash|tokenHash/);
      expect((doc.notExported as { table: string }[]).map((x) => x.table)).toContain("stock_movements");
    });

    test("the customer themselves or an admin: another customer 404, staff 403, anonymous 401", async () => {
      const c = await customerWithPassword(t);
      const other = await shop.customer();
      const path = `/api/v1/customers/${c.id}/export`;
      expect((await t.call("GET", path, { headers: other.headers })).status).toBe(404);
      expect((await t.call("GET", path, { headers: shop.staff.headers })).status).toBe(403);
      expect((await t.call("GET", path)).status).toBe(401);
      expect(
        (await t.call("GET", "/api/v1/customers/cus_nobody/export", { headers: admin.headers })).status,
      ).toBe(404);
    });
  });

  describe("erasure", () => {
    const erase = (headers: Record<string, string>, id: string, body: unknown) =>
      t.call("POST", `/api/v1/customers/${id}/erase`, { headers, body });

    test("no trace of the person in any table; orders kept anonymised; sign-in and tokens refused", async () => {
      const c = await populated();
      const ratedBefore = await ratingCountOf(t, spiritId);
      expect(ratedBefore).toBeGreaterThan(0);
      const before = await everyTable(t);
      const needles = [
        c.email,
        c.person.name,
        c.person.street,
        c.person.city,
        c.person.postalCode,
        c.person.phone,
      ];
      // The fixture really left the person in the database, in more than one table.
      expect([...before.values()].filter((json) => json.includes(c.probe)).length).toBeGreaterThan(5);

      expect((await erase(c.session.headers, "me", {})).status).toBe(422);
      const wrong = await erase(c.session.headers, "me", { password: "not my password at all" });
      expect(wrong.status).toBe(403);
      expect(await problemCode(wrong)).toBe("wrong-password");

      const res = await erase(c.session.headers, "me", { password: PASSWORD });
      expect(res.status, await res.clone().text()).toBe(200);
      const receipt = (await res.json()) as {
        by: string;
        rows: Record<string, number>;
        kept: { table: string }[];
      };
      expect(receipt.by).toBe("self");
      expect(receipt.rows).toMatchObject({ accounts: 1, customers: 1, orders: 2, wishlist_items: 1 });
      expect(receipt.kept.map((k) => k.table)).toContain("order_lines");

      const after = await everyTable(t);
      const traces: string[] = [];
      for (const [table, json] of after) {
        for (const needle of [...needles, c.probe, c.person.dateOfBirth]) {
          if (json.includes(needle.toLowerCase())) traces.push(`${table}: ${needle}`);
        }
      }
      expect(traces).toEqual([]);

      // Orders stay for the accounts: total, lines and the destination's country and region.
      const kept = await t.deps.db.query.orders.findMany({ where: eq(orders.customerId, c.id) });
      expect(kept.length).toBe(2);
      for (const o of kept) {
        expect(o).toMatchObject({
          shippingName: null,
          shippingLines: null,
          shippingCity: null,
          shippingPostalCode: null,
          shippingPhone: null,
          shippingCountry: "GB",
          shippingRegion: "GB-SCT",
          currency: "GBP",
        });
        expect(o.totalMinor).toBe(12000);
        const lines = await t.deps.db.query.orderLines.findMany({ where: eq(orderLines.orderId, o.id) });
        expect(lines.map((l) => [l.spiritId, l.quantity, l.unitPriceMinor])).toEqual([[spiritId, 1, 12000]]);
      }
      const account = (await t.deps.db.query.accounts.findFirst({ where: eq(accounts.id, c.id) }))!;
      expect(account).toMatchObject({ email: `${c.id}@erased.invalid`, passwordHash: null, disabled: true });
      const profile = (await t.deps.db.query.customers.findFirst({ where: eq(customers.id, c.id) }))!;
      expect(profile).toMatchObject({
        name: "",
        displayName: null,
        dateOfBirth: null,
        country: null,
        region: null,
      });
      for (const h of HOLDINGS.filter((x) => x.erasure === "delete")) {
        expect([getTableName(h.table), await rowsIn(t, getTableName(h.table), c.id)]).toEqual([
          getTableName(h.table),
          0,
        ]);
      }
      // Its review no longer counts in the spirit's rating.
      expect(await ratingCountOf(t, spiritId)).toBe(ratedBefore - 1);

      expect(await loginStatus(t, c.email)).toBe(401);
      expect(await meStatus(t, c.session.headers)).toBe(401);
      expect(await refreshStatus(t, c.session.refreshToken)).toBe(401);

      // The audit log says who erased whom, and how many rows: nothing of what they held.
      const audit = await t.deps.client.execute({
        sql: "SELECT actor_id, detail FROM audit_log WHERE action = 'customer.erased' AND subject = ?",
        args: [c.id],
      });
      expect(audit.rows.length).toBe(1);
      expect(String(audit.rows[0]!.actor_id)).toBe(c.id);
      expect(JSON.parse(String(audit.rows[0]!.detail))).toMatchObject({ by: "self", rows: { orders: 2 } });

      // The address is free again: a new registration makes a new account.
      const reg = await t.call("POST", "/api/v1/auth/register", {
        body: { email: c.email, password: PASSWORD },
      });
      expect(reg.status).toBe(202);
      expect(await loginStatus(t, c.email)).toBe(200);
    });

    test("a purchase not yet in the behaviour log does not come back as an interaction afterwards", async () => {
      const c = await customerWithPassword(t);
      const session = await login(t, c.email);
      await t.deps.db
        .update(customers)
        .set({ dateOfBirth: "1980-04-01", country: "GB", region: "GB-SCT" })
        .where(eq(customers.id, c.id));
      const placed = await shop.order({ id: c.id, headers: session.headers }, [{ spiritId, quantity: 1 }]);
      const order = (await placed.json()) as { id: string };
      expect((await shop.act(shop.staff, order.id, "confirm")).status).toBe(200);
      expect((await shop.act(shop.staff, order.id, "ship")).status).toBe(200);
      expect((await erase(session.headers, "me", { password: PASSWORD })).status).toBe(200);
      await t.services.interactions.syncServerSignals();
      expect(await rowsIn(t, "interactions", c.id)).toBe(0);
      expect(await rowsIn(t, "recommendation_queue", c.id)).toBe(0);
    });

    test("refused while an order is open, naming it; nothing changes", async () => {
      const c = await customerWithPassword(t);
      const session = await login(t, c.email);
      await t.deps.db
        .update(customers)
        .set({ dateOfBirth: "1980-04-01", country: "GB", region: "GB-SCT" })
        .where(eq(customers.id, c.id));
      const placed = await shop.order({ id: c.id, headers: session.headers }, [{ spiritId, quantity: 1 }]);
      expect(placed.status).toBe(201);
      const order = (await placed.json()) as { id: string };
      const res = await erase(session.headers, "me", { password: PASSWORD });
      expect(res.status).toBe(409);
      const problem = (await res.json()) as { code: string; orders: { id: string; orderStatus: string }[] };
      expect(problem.code).toBe("erasure-blocked");
      expect(problem.orders).toEqual([{ id: order.id, orderStatus: "reserved" }]);
      expect(await loginStatus(t, c.email)).toBe(200);
    });

    test("an admin erases by naming the id; staff may not; staff accounts are not erased here", async () => {
      const c = await customerWithPassword(t);
      expect((await erase(shop.staff.headers, c.id, { confirm: c.id })).status).toBe(403);
      const other = await shop.customer();
      expect((await erase(other.headers, c.id, { password: PASSWORD })).status).toBe(404);
      expect((await erase(admin.headers, c.id, {})).status).toBe(422);
      expect((await erase(admin.headers, c.id, { confirm: "cus_someone_else" })).status).toBe(422);
      const done = await erase(admin.headers, c.id, { confirm: c.id });
      expect(done.status).toBe(200);
      expect(((await done.json()) as { by: string }).by).toBe("admin");
      expect(await loginStatus(t, c.email)).toBe(401);

      const blocked = await erase(admin.headers, shop.staff.id, { confirm: shop.staff.id });
      expect(blocked.status).toBe(409);
      expect(await problemCode(blocked)).toBe("erasure-blocked");
    });
  });
});
