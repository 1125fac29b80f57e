import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import Database from "libsql";
import { installStatementCache } from "../../src/db/statement-cache.ts";

installStatementCache();

describe("prepared statements kept per connection", () => {
  test("the same SQL on one connection is prepared once; another connection has its own", () => {
    const a = new Database(":memory:");
    const b = new Database(":memory:");
    expect(a.prepare("SELECT 1")).toBe(a.prepare("SELECT 1"));
    expect(a.prepare("SELECT 1")).not.toBe(b.prepare("SELECT 1"));
    expect(a.prepare("SELECT 1")).not.toBe(a.prepare("SELECT 2"));
    a.close();
    b.close();
  });

  test("a SQL text that fails to prepare fails every time and is not kept", () => {
    const db = new Database(":memory:");
    expect(() => db.prepare("SELEKT 1")).toThrow();
    expect(() => db.prepare("SELEKT 1")).toThrow();
    db.close();
  });

  test("through @libsql/client: reused statements give fresh results, errors, and see schema changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "angelshare-stmt-"));
    const client = createClient({ url: `file:${join(dir, "t.db")}` });
    try {
      await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
      const insert = (name: string) =>
        client.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: [name] });
      const all = async () =>
        (await client.execute("SELECT * FROM t ORDER BY id")).rows.map(
          (r) => ({ ...r }) as Record<string, unknown>,
        );
      await insert("a");
      await expect(insert("a")).rejects.toThrow(/UNIQUE/);
      await insert("b");
      expect(await all()).toEqual([
        { id: 1, name: "a" },
        { id: 2, name: "b" },
      ]);
      // A batch that fails half-way leaves nothing behind, and the same statements work afterwards.
      await expect(
        client.batch([
          { sql: "INSERT INTO t (name) VALUES (?)", args: ["c"] },
          "INSERT INTO t (name) VALUES ('a')",
        ]),
      ).rejects.toThrow(/UNIQUE/);
      expect(await all()).toHaveLength(2);
      await client.execute("ALTER TABLE t ADD COLUMN note TEXT");
      await insert("c");
      expect((await all()).at(-1)).toEqual({ id: 3, name: "c", note: null });
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a schema change through any connection empties every connection's statements", () => {
    const dir = mkdtempSync(join(tmpdir(), "angelshare-stmt-"));
    const a = new Database(join(dir, "t.db"));
    const b = new Database(join(dir, "t.db"));
    try {
      a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      const before = a.prepare("SELECT * FROM t");
      expect(a.prepare("SELECT * FROM t")).toBe(before);
      b.prepare("ALTER TABLE t ADD COLUMN note TEXT").run();
      // Prepared anew, as without the cache (through the client, the columns then come out right: above).
      const after = a.prepare("SELECT * FROM t");
      expect(after).not.toBe(before);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("each connection keeps at most 512 statements, the most recently used", () => {
    const db = new Database(":memory:");
    const first = db.prepare("SELECT 0");
    const again = db.prepare("SELECT 1");
    for (let i = 2; i < 600; i++) {
      db.prepare(`SELECT ${i}`);
      if (i % 100 === 0) expect(db.prepare("SELECT 1")).toBe(again); // kept: used recently
    }
    expect(db.prepare("SELECT 1")).toBe(again);
    expect(db.prepare("SELECT 0")).not.toBe(first); // dropped long ago, prepared anew
    db.close();
  });
});
