/**
 * The availability of a listed page (src/stock/availability.ts's one statement and derivation), read on a
 * kept prepared statement when the runtime has one (the embedded file on Bun), else through the client.
 * Why: through @libsql/client each list prepared the statement again and asked for its columns, about a
 * tenth of a list of 20 (bench/reads.ts header, "where the time goes").
 */
import type { Client, InValue } from "@libsql/client";
import { keptRowsFor } from "../../db/ledger-port.ts";
import {
  type Availability,
  availabilityFromPage,
  availabilityRead,
  readAvailability,
} from "../../stock/availability.ts";

export function availabilityOf(
  client: Client,
  spiritIds: string[],
  now: string,
): Promise<Map<string, Availability>> {
  const kept = keptRowsFor(client);
  if (!kept || !spiritIds.length) return readAvailability(client, spiritIds, now);
  const statement = availabilityRead(spiritIds, now) as { sql: string; args: InValue[] };
  return Promise.resolve(availabilityFromPage(spiritIds, kept(statement.sql, statement.args)[0]?.[0]));
}
