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
  availabilityRead,
  readAvailability,
  stockStatusOf,
} from "../../stock/availability.ts";
import { num, str } from "../../stock/ledger.ts";

export function availabilityOf(
  client: Client,
  spiritIds: string[],
  now: string,
): Promise<Map<string, Availability>> {
  const kept = keptRowsFor(client);
  if (!kept || !spiritIds.length) return readAvailability(client, spiritIds, now);
  const statement = availabilityRead(spiritIds, now) as { sql: string; args: InValue[] };
  const found = new Map<string, Availability>();
  // Columns in the statement's order: spirit_id, levels, available.
  for (const [spiritId, levels, available] of kept(statement.sql, statement.args)) {
    found.set(str(spiritId), {
      available: num(available),
      stockStatus: stockStatusOf(num(levels), num(available)),
    });
  }
  return Promise.resolve(
    new Map(spiritIds.map((id) => [id, found.get(id) ?? { available: 0, stockStatus: stockStatusOf(0, 0) }])),
  );
}
