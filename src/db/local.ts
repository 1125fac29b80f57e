import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient } from "@libsql/client";
import { applyServerPragmas, BUSY_TIMEOUT_MS, type DatabaseHandle, wrapClient } from "./client.ts";
import { installStatementCache } from "./statement-cache.ts";

/** Opens the database on a server runtime (Bun, Node): the embedded file by default, or a remote URL. */
export async function openLocalDatabase(url: string, authToken?: string): Promise<DatabaseHandle> {
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length);
    if (path && !path.startsWith(":memory:")) mkdirSync(dirname(path), { recursive: true });
    installStatementCache();
  }
  // The client pools connections for files (a transaction holds one of its own), and a PRAGMA reaches only
  // the connection it ran on: the busy timeout must come through the client's option so that every pooled
  // connection waits on a lock instead of failing with SQLITE_BUSY. (libSQL turns foreign keys on by default.)
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS });
  await applyServerPragmas(client, url);
  return wrapClient(client);
}
