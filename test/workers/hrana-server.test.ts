/**
 * The Hrana stand-in (test infrastructure) behaves as the Worker needs a Turso endpoint to: the libSQL
 * web client, drizzle's migrator, drizzle-kit, FTS5, atomic batches and the stock ledger all work through it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient as createFileClient } from "@libsql/client";
import { type Client, createClient } from "@libsql/client/web";
import journal from "../../migrations/meta/_journal.json" with { type: "json" };
import { wrapClient } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { commitUnits } from "../../src/stock/ledger.ts";
import { type HranaServer, startHranaServer } from "../support/hrana-server.ts";

const TOKEN = "stand-in-token";
let dir: string;
let server: HranaServer;
let client: Client;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "angelshare-hrana-"));
  server = startHranaServer({ path: join(dir, "db.sqlite"), authToken: TOKEN });
  client = createClient({ url: server.url, authToken: TOKEN });
});
afterAll(() => {
  client.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Hrana over HTTP stand-in", () => {
  test("refuses requests without the token", async () => {
    const stranger = createClient({ url: server.url, authToken: "wrong" });
    await expect(stranger.execute("SELECT 1")).rejects.toThrow(/401/);
    stranger.close();
  });

  test("drizzle's migrator applies every migration over HTTP", async () => {
    await runMigrations(wrapClient(client).db);
    const rs = await client.execute("SELECT count(*) AS n FROM __drizzle_migrations");
    expect(Number(rs.rows[0]!.n)).toBe(journal.entries.length);
  });

  test("values round-trip with their types; numbers are bound as REAL, as sqld does", async () => {
    await client.execute("CREATE TABLE vals (i INTEGER, r REAL, t TEXT, b BLOB, n)");
    await client.execute({
      sql: "INSERT INTO vals VALUES (?, ?, ?, ?, ?)",
      args: [9007199254740993n, 1.5, "é", new Uint8Array([0, 255]), null],
    });
    const rs = await client.execute("SELECT r, t, b, n, typeof(?) AS bound FROM vals", [3]);
    const row = rs.rows[0]!;
    expect(rs.columnTypes).toEqual(["REAL", "TEXT", "BLOB", "", ""]);
    expect([row.r, row.t, row.n, row.bound]).toEqual([1.5, "é", null, "real"]);
    expect(new Uint8Array(row.b as ArrayBuffer)).toEqual(new Uint8Array([0, 255]));
    const big = createClient({ url: server.url, authToken: TOKEN, intMode: "bigint" });
    expect((await big.execute("SELECT i FROM vals")).rows[0]!.i).toBe(9007199254740993n);
    big.close();
  });

  test("named arguments, affected rows and RETURNING", async () => {
    await client.execute("CREATE TABLE named (id INTEGER PRIMARY KEY, v TEXT)");
    const ins = await client.execute({
      sql: "INSERT INTO named (v) VALUES (:v) RETURNING id",
      args: { v: "a" },
    });
    expect(ins.rowsAffected).toBe(1);
    expect(ins.rows[0]!.id).toBe(1);
    await client.execute({ sql: "INSERT INTO named (v) VALUES ($v)", args: { v: "b" } });
    const upd = await client.execute("UPDATE named SET v = v || '!'");
    expect(upd.rowsAffected).toBe(2);
    const sel = await client.execute("SELECT * FROM named");
    expect(sel.rowsAffected).toBe(0);
  });

  test("a batch is atomic: a failing statement rolls back the earlier ones", async () => {
    await client.execute("CREATE TABLE guarded (id INTEGER PRIMARY KEY, n INTEGER CHECK (n >= 0))");
    await client.execute("INSERT INTO guarded VALUES (1, 5)");
    const failed = client.batch(
      ["UPDATE guarded SET n = n - 1 WHERE id = 1", "UPDATE guarded SET n = n - 10 WHERE id = 1"],
      "write",
    );
    await expect(failed).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" });
    expect((await client.execute("SELECT n FROM guarded")).rows[0]!.n).toBe(5);
  });

  test("interactive transactions keep their connection between requests, and roll back", async () => {
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO guarded VALUES (2, 1)");
    expect((await tx.execute("SELECT count(*) AS n FROM guarded")).rows[0]!.n).toBe(2);
    await tx.rollback();
    expect((await client.execute("SELECT count(*) AS n FROM guarded")).rows[0]!.n).toBe(1);
  });

  test("FTS5 works (the search migrations need it)", async () => {
    await client.executeMultiple(`
      CREATE VIRTUAL TABLE notes USING fts5(body, tokenize = 'trigram');
      INSERT INTO notes (body) VALUES ('smoky peat and sea spray'), ('honeyed orchard fruit');
    `);
    const rs = await client.execute({
      sql: "SELECT body FROM notes WHERE notes MATCH ? ORDER BY bm25(notes)",
      args: ["peat"],
    });
    expect(rs.rows.map((r) => r.body)).toEqual(["smoky peat and sea spray"]);
  });

  test("the stock ledger's independent units commit in one batch over HTTP", async () => {
    const unit = (n: number) => ({
      guards: [{ reason: "sold-out", sql: "SELECT n >= ? FROM guarded WHERE id = 1", args: [n] }],
      writes: [{ sql: "UPDATE guarded SET n = n - ? WHERE id = 1 AND $ok", args: [n] }],
    });
    const { outcomes } = await commitUnits(client, [unit(3), unit(3), unit(2)]);
    expect(outcomes).toEqual([{ ok: true }, { ok: false, reason: "sold-out" }, { ok: true }]);
    expect((await client.execute("SELECT n FROM guarded")).rows[0]!.n).toBe(0);
  });

  test("drizzle-kit migrate (the deployment step in the README) works against the endpoint", async () => {
    const fresh = startHranaServer({ path: join(dir, "kit.sqlite"), authToken: TOKEN });
    try {
      // Asynchronous: the endpoint answers from this very process.
      const run = Bun.spawn(["node", "node_modules/drizzle-kit/bin.cjs", "migrate"], {
        cwd: join(import.meta.dir, "../.."),
        env: { ...process.env, DATABASE_URL: fresh.url, DATABASE_AUTH_TOKEN: TOKEN },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [code, out, err] = await Promise.all([
        run.exited,
        new Response(run.stdout).text(),
        new Response(run.stderr).text(),
      ]);
      expect(code, `${out}\n${err}`).toBe(0);
    } finally {
      fresh.close();
    }
    const check = createFileClient({ url: `file:${join(dir, "kit.sqlite")}` });
    try {
      const rs = await check.execute("SELECT count(*) AS n FROM __drizzle_migrations");
      expect(Number(rs.rows[0]!.n)).toBe(journal.entries.length);
    } finally {
      check.close();
    }
  }, 60_000);
});
