/**
 * Where the stock ledger runs its batches. By default the libSQL client's own `batch` (the Worker's HTTP
 * client, remote URLs); on the embedded file the server runtime attaches an explicit executor with its own
 * prepared statements (src/db/embedded-executor.ts). Keyed by the client instance, so the ledger's callers
 * keep passing the client they already have.
 */
import type { Client, InStatement, InValue, ResultSet } from "@libsql/client";

export type LedgerPort = {
  batch(statements: InStatement[], mode: "write" | "read"): Promise<ResultSet[]>;
  /** Kept-statement point reads (the embedded executor only): rows as arrays in select order. */
  rows?(sql: string, args: InValue[]): unknown[][];
};

const attached = new WeakMap<Client, LedgerPort>();

export function attachLedgerPort(client: Client, port: LedgerPort): void {
  attached.set(client, port);
}

export const ledgerPortFor = (client: Client): LedgerPort => attached.get(client) ?? client;

/** The client's kept-statement reader when the runtime attached one (the embedded file), else undefined. */
export const keptRowsFor = (client: Client): LedgerPort["rows"] => attached.get(client)?.rows;
