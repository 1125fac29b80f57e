import type { Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Database = LibSQLDatabase<Schema>;

export type DatabaseHandle = {
  /** drizzle over the client: what services use. */
  db: Database;
  /** The raw libSQL client, for hand-written SQL batches (stock ledger, FTS). */
  client: Client;
};

/** Wraps a libSQL client (built by the runtime: native for file:, web for Turso over HTTP). */
export function wrapClient(client: Client): DatabaseHandle {
  return { db: drizzle(client, { schema }), client };
}

export const BUSY_TIMEOUT_MS = 5000;

/** Pragmas that suit a server on an embedded file: WAL for concurrent readers, FKs, waiting on locks. */
export async function applyServerPragmas(client: Client, url: string): Promise<void> {
  if (url.startsWith("file:") || url === ":memory:") {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
}
