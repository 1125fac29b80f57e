/**
 * The data map (src/modules/privacy/personal-data.ts) against the migrated database: every table whose
 * columns name a customer, an account or an order must be in it, so neither the export nor erasure can
 * miss a table someone adds; and every table that names the customer directly must be exported.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { getTableName } from "drizzle-orm";
import { HOLDINGS } from "../../src/modules/privacy/personal-data.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Columns that name a customer or an account directly. */
const CUSTOMER_COLUMNS = ["customer_id", "account_id"];
/** Tables that are the customer (their id is the customer's). */
const CUSTOMER_TABLES = ["accounts", "customers"];

async function tablesWithColumns(): Promise<Map<string, string[]>> {
  const tables = await t.deps.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const found = new Map<string, string[]>();
  for (const row of tables.rows) {
    const name = String(row.name);
    const columns = await t.deps.client.execute({
      sql: "SELECT name FROM pragma_table_info(?)",
      args: [name],
    });
    found.set(
      name,
      columns.rows.map((c) => String(c.name)),
    );
  }
  return found;
}

/** Tables that name a customer, an account or an order but are not in the map. */
async function unmapped(): Promise<string[]> {
  const mapped = new Set(HOLDINGS.map((h) => getTableName(h.table)));
  const missing: string[] = [];
  for (const [table, columns] of await tablesWithColumns()) {
    const names =
      CUSTOMER_TABLES.includes(table) ||
      columns.some((c) => CUSTOMER_COLUMNS.includes(c) || c === "order_id");
    if (names && !mapped.has(table)) missing.push(table);
  }
  return missing;
}

describe("the data map covers the schema", () => {
  test("every table that names a customer, an account or an order is in the map", async () => {
    expect(await unmapped()).toEqual([]);
  });

  test("a new table with a customer_id and no entry in the map is caught", async () => {
    await t.deps.client.execute("CREATE TABLE loyalty_points (customer_id TEXT NOT NULL, points INTEGER)");
    try {
      expect(await unmapped()).toEqual(["loyalty_points"]);
    } finally {
      await t.deps.client.execute("DROP TABLE loyalty_points");
    }
  });

  test("every table that names the customer directly is exported", async () => {
    const notExported: string[] = [];
    for (const [table, columns] of await tablesWithColumns()) {
      if (!CUSTOMER_TABLES.includes(table) && !columns.some((c) => CUSTOMER_COLUMNS.includes(c))) continue;
      const holding = HOLDINGS.find((h) => getTableName(h.table) === table);
      if (!holding?.section) notExported.push(table);
    }
    expect(notExported).toEqual([]);
  });

  test("the map names only tables that exist, each once, with distinct sections and a reason", async () => {
    const tables = await tablesWithColumns();
    const names = HOLDINGS.map((h) => getTableName(h.table));
    expect(names.filter((n) => !tables.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    const sections = HOLDINGS.flatMap((h) => (h.section ? [h.section] : []));
    expect(new Set(sections).size).toBe(sections.length);
    expect(HOLDINGS.filter((h) => h.why.length < 20).map((h) => getTableName(h.table))).toEqual([]);
    expect(HOLDINGS.filter((h) => h.erasure === "anonymise" && !h.anonymised)).toEqual([]);
  });

  test("a table that is append-only by trigger is never deleted from or rewritten by erasure", async () => {
    const triggers = await t.deps.client.execute(
      "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'",
    );
    const guarded = new Set(triggers.rows.map((r) => String(r.tbl_name)));
    expect(guarded.has("audit_log")).toBe(true);
    const touched = HOLDINGS.filter((h) => h.erasure !== "keep" && guarded.has(getTableName(h.table)));
    expect(touched.map((h) => getTableName(h.table))).toEqual([]);
  });
});
