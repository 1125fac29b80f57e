import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { ConfigError, parseConfig } from "../../src/config.ts";
import { ledgerPortFor } from "../../src/db/ledger-port.ts";
import { backgroundCheckpointsOf, openLocalDatabase } from "../../src/db/local.ts";
import { registerWalFile, WAL_SAFETY_NET_PAGES } from "../../src/db/wal-checkpointer.ts";
import type { Logger } from "../../src/deps.ts";
import { createTestApp } from "../support/test-app.ts";

const dir = mkdtempSync(join(tmpdir(), "angelshare-walcp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshUrl = () => `file:${join(dir, `w${++n}.db`)}`;

const autocheckpointOf = async (client: Client) => {
  const [res] = await ledgerPortFor(client).batch(["PRAGMA wal_autocheckpoint"], "read");
  return Number(res!.rows[0]![0]);
};

/**
 * What every connection of the client's pool says, read with `holders` transactions open at once, so that
 * the pool's other connections answer too.
 */
async function poolPragma(client: Client, pragma: string, holders = 3): Promise<number[]> {
  const txs = await Promise.all(Array.from({ length: holders }, () => client.transaction("read")));
  try {
    const inTx = await Promise.all(txs.map((tx) => tx.execute(`PRAGMA ${pragma}`)));
    const beside = await Promise.all(Array.from({ length: 24 }, () => client.execute(`PRAGMA ${pragma}`)));
    return [...inTx, ...beside].map((r) => Number(r.rows[0]![0]));
  } finally {
    for (const tx of txs) tx.close();
  }
}

/** Commits `commits` ledger batches of one 16 KiB row each (about five WAL frames a commit). */
async function writeSustained(client: Client, commits: number) {
  await client.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)");
  const port = ledgerPortFor(client);
  for (let i = 0; i < commits; i++)
    await port.batch([{ sql: "INSERT INTO t (body) VALUES (randomblob(16384))", args: [] }], "write");
}

/** Frames the -wal file has room for (a 4 KiB page and its 24-byte header each). */
const walPages = (url: string) => statSync(`${url.slice("file:".length)}-wal`).size / 4120;

describe("background WAL checkpoints (the server's default on a file)", () => {
  test("are on when nothing is said: the file is registered and every writing connection has the safety net", async () => {
    const { client } = await openLocalDatabase(freshUrl());
    try {
      expect(backgroundCheckpointsOf(client)).toBeDefined();
      expect(await autocheckpointOf(client)).toBe(WAL_SAFETY_NET_PAGES);
      const pool = await poolPragma(client, "wal_autocheckpoint");
      expect(pool.length).toBe(27);
      expect(new Set(pool)).toEqual(new Set([WAL_SAFETY_NET_PAGES]));
      // And every one commits without an fsync each (synchronous NORMAL = 1, as the executor's).
      expect(new Set(await poolPragma(client, "synchronous"))).toEqual(new Set([1]));
    } finally {
      client.close();
    }
  });

  test("under sustained writes the thread backfills the WAL and the WAL stays within the safety net", async () => {
    const url = freshUrl();
    const { client } = await openLocalDatabase(url);
    try {
      // About 25,000 frames: past the safety net twice.
      await writeSustained(client, 5000);
      const stats = await backgroundCheckpointsOf(client)!.stats();
      expect(stats.errors).toBe(0);
      // The writer's own checkpoints come only at the safety net; the thread copied more than that.
      expect(stats.frames).toBeGreaterThan(WAL_SAFETY_NET_PAGES);
      expect(stats.checkpoints).toBeGreaterThan(10);
      // Bounded: the WAL restarts after the safety net's checkpoint, which waits at most for one of the
      // thread's to end (commits keep coming meanwhile: hundreds on a slow fsync). Without it, all 25,000.
      expect(walPages(url)).toBeLessThan(1.7 * WAL_SAFETY_NET_PAGES);
      const [count] = await ledgerPortFor(client).batch(["SELECT count(*) FROM t"], "read");
      expect(Number(count!.rows[0]![0])).toBe(5000);
    } finally {
      client.close();
    }
  }, 30_000);

  test("a test app over the server's path has them too, and WAL_CHECKPOINT=inline turns them off", async () => {
    const on = await createTestApp();
    const off = await createTestApp({ env: { WAL_CHECKPOINT: "inline" } });
    try {
      expect(backgroundCheckpointsOf(on.deps.client)).toBeDefined();
      expect(await autocheckpointOf(on.deps.client)).toBe(WAL_SAFETY_NET_PAGES);
      expect(backgroundCheckpointsOf(off.deps.client)).toBeUndefined();
      expect(await autocheckpointOf(off.deps.client)).toBe(1000);
    } finally {
      on.close();
      off.close();
    }
  });

  test("a file the thread cannot open is not registered, and says why", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: Logger = { log: (_level, fields) => void lines.push(fields) };
    const registration = await registerWalFile(join(dir, "no-such-folder", "x.db"), {
      busyTimeoutMs: 100,
      logger,
    });
    expect(registration).toBeUndefined();
    expect(lines).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining("SQLite checkpoints inline"),
        err: expect.any(String),
      }),
    ]);
  });
});

describe("inline WAL checkpoints (WAL_CHECKPOINT=inline)", () => {
  test("behave as before: no registration, SQLite's 1000 pages on every connection, a WAL that restarts", async () => {
    const url = freshUrl();
    const { client } = await openLocalDatabase(url, undefined, { walCheckpoint: "inline" });
    try {
      expect(backgroundCheckpointsOf(client)).toBeUndefined();
      expect(await autocheckpointOf(client)).toBe(1000);
      expect(new Set(await poolPragma(client, "wal_autocheckpoint"))).toEqual(new Set([1000]));
      await writeSustained(client, 3000);
      expect(walPages(url)).toBeLessThan(1000 + 100);
    } finally {
      client.close();
    }
  }, 30_000);

  test("WAL_CHECKPOINT is background unless set, and takes only its two values", () => {
    expect(parseConfig({}).WAL_CHECKPOINT).toBe("background");
    expect(parseConfig({ WAL_CHECKPOINT: "inline" }).WAL_CHECKPOINT).toBe("inline");
    expect(() => parseConfig({ WAL_CHECKPOINT: "never" })).toThrow(ConfigError);
  });
});

describe("the checkpoint thread and the process", () => {
  const run = async (how: "close" | "leave") => {
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "wal-checkpoint-process.ts"), how], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const killer = setTimeout(() => proc.kill(), 15_000);
    const code = await proc.exited;
    clearTimeout(killer);
    const out = await new Response(proc.stdout).text();
    return { code, signal: proc.signalCode, report: JSON.parse(out.trim().split("\n").at(-1) ?? "{}") };
  };

  test("closing every database unregisters them and stops the thread; the process then ends by itself", async () => {
    const { code, signal, report } = await run("close");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(report).toEqual({ registered: 2, threadsWhileOpen: 1, threadsAfter: 0 });
  }, 20_000);

  test("a database left open does not keep the process alive (the thread is unref'd)", async () => {
    const { code, signal, report } = await run("leave");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(report).toEqual({ registered: 2, threadsWhileOpen: 1, threadsAfter: 1 });
  }, 20_000);
});
