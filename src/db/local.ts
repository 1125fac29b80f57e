import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { jsonLogger, type Logger } from "../deps.ts";
import { applyServerPragmas, BUSY_TIMEOUT_MS, type DatabaseHandle, wrapClient } from "./client.ts";
import { openEmbeddedExecutor } from "./embedded-executor.ts";
import { attachLedgerPort } from "./ledger-port.ts";
import { registerWalFile, WAL_SAFETY_NET_PAGES, type WalCheckpointRegistration } from "./wal-checkpointer.ts";

/**
 * Connections the client may keep to a file. It opens one whenever an operation starts while the others are
 * borrowed (a held transaction, or calls started in the same tick) and keeps it for reuse, up to this many.
 * Said here rather than left to the library's default, so that every one of them can be given its settings.
 */
const POOL_CONNECTIONS = 20;

const backgroundCheckpoints = new WeakMap<Client, WalCheckpointRegistration>();

/** The file's registration with the background checkpoint thread, when it has one (tests read its counts). */
export const backgroundCheckpointsOf = (client: Client): WalCheckpointRegistration | undefined =>
  backgroundCheckpoints.get(client);

export type LocalDatabaseOptions = {
  /**
   * `background` (the default): a thread of this process checkpoints the file's WAL, and commits only
   * checkpoint inline past the safety net (src/db/wal-checkpointer.ts). `inline`: SQLite's own
   * checkpoints, in whichever connection commits past 1000 pages.
   */
  walCheckpoint?: "background" | "inline";
  /** Where the checkpoint thread's failures go. */
  logger?: Logger;
};

/** Opens the database on a server runtime (Bun, Node): the embedded file by default, or a remote URL. */
export async function openLocalDatabase(
  url: string,
  authToken?: string,
  options: LocalDatabaseOptions = {},
): Promise<DatabaseHandle> {
  const path = url.startsWith("file:") ? url.slice("file:".length) : "";
  const onFile = path !== "" && !path.startsWith(":memory:");
  if (onFile) mkdirSync(dirname(path), { recursive: true });
  // The client pools connections for files (a transaction holds one of its own), and a PRAGMA reaches only
  // the connection it ran on: the busy timeout must come through the client's option so that every pooled
  // connection waits on a lock instead of failing with SQLITE_BUSY. (libSQL turns foreign keys on by default.)
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS, concurrency: POOL_CONNECTIONS });
  await applyServerPragmas(client, url);
  if (onFile) {
    const checkpoints =
      (options.walCheckpoint ?? "background") === "background"
        ? await registerWalFile(path, {
            busyTimeoutMs: BUSY_TIMEOUT_MS,
            logger: options.logger ?? jsonLogger("warn"),
          })
        : undefined;
    // The bound is raised only once the thread has the file: without it, SQLite's own inline checkpoints stay.
    const autocheckpoint = checkpoints ? WAL_SAFETY_NET_PAGES : undefined;
    // The stock ledger's hot batches run on a connection of their own that keeps its prepared statements.
    const executor = openEmbeddedExecutor(path, BUSY_TIMEOUT_MS, autocheckpoint);
    try {
      // applyServerPragmas reached one pooled connection: the others would commit with an fsync each
      // (synchronous FULL, the default).
      await onEveryPoolConnection(client, "PRAGMA synchronous = NORMAL");
      if (autocheckpoint !== undefined)
        await onEveryPoolConnection(client, `PRAGMA wal_autocheckpoint = ${autocheckpoint}`);
    } catch (err) {
      executor.close();
      checkpoints?.close();
      client.close();
      throw err;
    }
    attachLedgerPort(client, executor);
    if (checkpoints) backgroundCheckpoints.set(client, checkpoints);
    // Whoever closes the client is done with the file: its ledger connection and its checkpoints go with it
    // (no open handle left).
    const closeClient = client.close.bind(client);
    client.close = () => {
      executor.close();
      checkpoints?.close();
      closeClient();
    };
  }
  return wrapClient(client);
}

/**
 * Runs a per-connection PRAGMA on every connection the pool will ever use: as many calls at once as the pool
 * allows borrow each idle connection and open the rest (nothing else holds one yet), so from here on the pool
 * is at its limit and reuses these. (One it drops after a failed rollback is reopened without the setting.)
 */
async function onEveryPoolConnection(client: Client, sql: string): Promise<void> {
  await Promise.all(Array.from({ length: POOL_CONNECTIONS }, () => client.execute(sql)));
}
