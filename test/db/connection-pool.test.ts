import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLocalDatabase } from "../../src/db/local.ts";

const dir = mkdtempSync(join(tmpdir(), "angelshare-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a connection the pool opens beside a held transaction keeps the server settings", async () => {
  const { client } = await openLocalDatabase(`file:${join(dir, "pool.db")}`);
  const tx = await client.transaction("read");
  try {
    // The transaction holds the first connection, so these run on a second one the pool opened.
    const fk = await client.execute("PRAGMA foreign_keys");
    const busy = await client.execute("PRAGMA busy_timeout");
    expect(Number(fk.rows[0]?.[0])).toBe(1);
    expect(Number(busy.rows[0]?.[0])).toBeGreaterThanOrEqual(5000);
  } finally {
    tx.close();
    client.close();
  }
});
