import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient } from "@libsql/client";
import { applyServerPragmas, BUSY_TIMEOUT_MS, type DatabaseHandle, wrapClient } from "./client.ts";
import { openEmbeddedExecutor } from "./embedded-executor.ts";
import { attachLedgerPort } from "./ledger-port.ts";

/** Opens the database on a server runtime (Bun, Node): the embedded file by default, or a remote URL. */
export async function openLocalDatabase(url: string, authToken?: string): Promise<DatabaseHandle> {
  const path = url.startsWith("file:") ? url.slice("file:".length) : "";
  const onFile = path !== "" && !path.startsWith(":memory:");
  if (onFile) mkdirSync(dirname(path), { recursive: true });
  // The client pools connections for files (a transaction holds one of its own), and a PRAGMA reaches only
  // the connection it ran on: the busy timeout must come through the client's option so that every pooled
  // connection waits on a lock instead of failing with SQLITE_BUSY. (libSQL turns foreign keys on by default.)
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS });
  await applyServerPragmas(client, url);
  // The stock ledger's hot batches run on a connection of their own that keeps its prepared statements.
  if (onFile) {
    const executor = openEmbeddedExecutor(path, BUSY_TIMEOUT_MS);
    attachLedgerPort(client, executor);
    // Whoever closes the client is done with the file: its ledger connection goes with it (no open handle left).
    const closeClient = client.close.bind(client);
    client.close = () => {
      executor.close();
      closeClient();
    };
  }
  return wrapClient(client);
}
