/**
 * Where the stock ledger runs its batches. By default the libSQL client's own `batch` (the Worker's HTTP
 * client, remote URLs); on the embedded file the server runtime attaches an explicit executor with its own
 * prepared statements (src/db/embedded-executor.ts). Keyed by the client instance, so the ledger's callers
 * keep passing the client they already have.
 */
import type { Client, InStatement, InValue, ResultSet } from "@libsql/client";

/**
 * A unit decided statement by statement (a port that runs them in-process, where deciding costs nothing):
 * its checks answer the first failing guard's reason, or NULL when all hold; its writes run only then.
 */
export type DecidedUnit = { checks: InStatement[]; writes: InStatement[] };

export type DecidedBatch = {
  units: DecidedUnit[];
  /** Runs after the units when at least one of them was written. */
  ifAnyWritten?: InStatement;
  /** Run last, inside the same transaction. */
  reads: InStatement[];
};

export type LedgerPort = {
  batch(statements: InStatement[], mode: "write" | "read"): Promise<ResultSet[]>;
  /**
   * One write transaction deciding each unit in turn (the embedded executor only): per unit, the failing
   * reason or null when it was written; then the reads' results. Throws, writing nothing, when any
   * statement fails.
   */
  decide?(batch: DecidedBatch): Promise<{ refused: (string | null)[]; reads: ResultSet[] }>;
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
