import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { type BatchExecutor, openEmbeddedExecutor } from "../../src/db/embedded-executor.ts";
import { ledgerPortFor } from "../../src/db/ledger-port.ts";
import { openLocalDatabase } from "../../src/db/local.ts";

describe("the embedded executor: its own prepared statements, beside the client's connections", () => {
  let dir: string;
  let client: Client;
  let exec: BatchExecutor;
  const names = async () =>
    (await exec.batch(["SELECT * FROM t ORDER BY id"], "read"))[0]!.rows.map(
      (r) => ({ ...r }) as Record<string, unknown>,
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "angelshare-exec-"));
    const path = join(dir, "t.db");
    client = createClient({ url: `file:${path}` });
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
    exec = openEmbeddedExecutor(path, 5000);
  });
  afterEach(() => {
    exec.close();
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a statement is prepared once and run many times", async () => {
    const insert = (name: string) => ({ sql: "INSERT INTO t (name) VALUES (?)", args: [name] });
    await exec.batch([insert("a")], "write");
    const after = exec.prepares;
    await exec.batch([insert("b"), insert("c")], "write");
    await exec.batch([insert("d")], "write");
    expect(exec.prepares).toBe(after);
    const [res] = await exec.batch([insert("e")], "write");
    expect(res!.rowsAffected).toBe(1);
    expect(res!.lastInsertRowid).toBe(5n);
  });

  test("a failing batch rolls back entirely; guarded writes report changes", async () => {
    await expect(
      exec.batch(
        [
          { sql: "INSERT INTO t (name) VALUES (?)", args: ["a"] },
          { sql: "INSERT INTO t (name) VALUES (?)", args: ["a"] },
        ],
        "write",
      ),
    ).rejects.toThrow(/UNIQUE/);
    expect(await names()).toEqual([]);
    const [none, one] = await exec.batch(
      [
        { sql: "UPDATE t SET name = ? WHERE name = ?", args: ["x", "missing"] },
        { sql: "INSERT INTO t (name) SELECT ? WHERE 1", args: ["b"] },
      ],
      "write",
    );
    expect([none!.rowsAffected, one!.rowsAffected]).toEqual([0, 1]);
  });

  test("each connection sees the other's commits", async () => {
    await client.execute("INSERT INTO t (name) VALUES ('from-client')");
    expect(await names()).toEqual([{ id: 1, name: "from-client" }]);
    await exec.batch(["INSERT INTO t (name) VALUES ('from-executor')"], "write");
    expect((await client.execute("SELECT count(*) AS n FROM t")).rows[0]!.n).toBe(2);
  });

  test("a schema change through the client (execute, executeMultiple) empties the kept statements", async () => {
    await client.execute("INSERT INTO t (name) VALUES ('a')");
    await names();
    const kept = exec.prepares;
    await client.execute("ALTER TABLE t ADD COLUMN note TEXT");
    expect(await names()).toEqual([{ id: 1, name: "a", note: null }]);
    expect(exec.prepares).toBeGreaterThan(kept);
    await client.executeMultiple("ALTER TABLE t ADD COLUMN abv REAL; CREATE INDEX t_abv ON t (abv);");
    expect(await names()).toEqual([{ id: 1, name: "a", note: null, abv: null }]);
  });

  test("a kept read that names its columns stays right when the client rebuilds the table under it", async () => {
    await client.execute("INSERT INTO t (id, name) VALUES (1, 'a')");
    const read = () => exec.rows('SELECT "name", "id" FROM t ORDER BY id', []);
    expect(read()).toEqual([["a", 1]]);
    // drizzle-kit's way of changing a SQLite table: a new table with the columns in another order, copied over.
    await client.executeMultiple(`
      CREATE TABLE t_new (note TEXT, name TEXT UNIQUE, id INTEGER PRIMARY KEY);
      INSERT INTO t_new (note, name, id) SELECT 'n', name, id FROM t;
      DROP TABLE t;
      ALTER TABLE t_new RENAME TO t;`);
    expect(read()).toEqual([["a", 1]]);
    await client.execute("ALTER TABLE t RENAME COLUMN name TO title");
    expect(read).toThrow();
  });

  test("PRAGMA and ATTACH on the client's connections leave the executor's statements right", async () => {
    await client.execute("INSERT INTO t (name) VALUES ('a')");
    await names();
    const kept = exec.prepares;
    await client.execute("PRAGMA user_version = 7");
    await client.execute(`ATTACH DATABASE '${join(dir, "other.db")}' AS other`);
    await client.execute("CREATE TABLE other.t (id INTEGER PRIMARY KEY, elsewhere TEXT)");
    expect(await names()).toEqual([{ id: 1, name: "a" }]);
    expect(exec.prepares).toBe(kept);
  });
});

describe("openLocalDatabase on a file", () => {
  test("attaches the executor to the client, and closing the client closes the executor's connection too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "angelshare-exec-"));
    try {
      const { client } = await openLocalDatabase(`file:${join(dir, "t.db")}`);
      const port = ledgerPortFor(client);
      expect(port).not.toBe(client);
      const [res] = await port.batch(["SELECT 1 AS one"], "read");
      expect(Number(res!.rows[0]!.one)).toBe(1);
      client.close();
      await expect(port.batch(["SELECT 1"], "read")).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
