import type { Client } from "@libsql/client";
import type { ProvenanceFacts } from "../../db/schema/provenance.ts";
import { entryHash, serialOf } from "./chain.ts";

/**
 * Seals entries the serial triggers wrote: each gets its bottle's previous hash and its own, in `seq`
 * order. Hashing cannot happen in SQL, and doing it in the stock engine would put a read and a hash on
 * every hold; so the stock batch only appends, and this catches up shortly after (every few seconds on
 * Bun, every minute on Workers, and before any chain is read or checkpointed). Two sealers at once are
 * harmless: the hashes are deterministic and each update only applies to an entry still unsealed.
 */
const PAGE = 500;

type Unsealed = {
  seq: number;
  batchId: string;
  number: number;
  event: string;
  locationId: string | null;
  at: string;
  facts: ProvenanceFacts | null;
};

const rowOf = (r: Record<string, unknown>): Unsealed => ({
  seq: Number(r.seq),
  batchId: String(r.batch_id),
  number: Number(r.number),
  event: String(r.event),
  locationId: r.location_id === null ? null : String(r.location_id),
  at: String(r.at),
  facts: r.facts === null ? null : (JSON.parse(String(r.facts)) as ProvenanceFacts),
});

/** Seals what is pending (of one bottle, or all); returns how many entries it sealed. */
export async function sealPending(
  client: Client,
  bottle?: { batchId: string; number: number },
): Promise<number> {
  let sealed = 0;
  for (;;) {
    const where = bottle ? "hash IS NULL AND batch_id = ? AND number = ?" : "hash IS NULL";
    const pending = (
      await client.execute({
        sql: `SELECT seq, batch_id, number, event, location_id, at, facts FROM bottle_provenance WHERE ${where} ORDER BY seq LIMIT ${PAGE}`,
        args: bottle ? [bottle.batchId, bottle.number] : [],
      })
    ).rows.map((r) => rowOf(r as Record<string, unknown>));
    if (!pending.length) return sealed;
    // Each bottle's head before this page: its last sealed entry.
    const heads = new Map<string, string | null>();
    for (const e of pending) {
      const serial = serialOf(e.batchId, e.number);
      if (heads.has(serial)) continue;
      const head = await client.execute({
        sql: "SELECT hash FROM bottle_provenance WHERE batch_id = ? AND number = ? AND hash IS NOT NULL ORDER BY seq DESC LIMIT 1",
        args: [e.batchId, e.number],
      });
      heads.set(serial, head.rows[0] ? String(head.rows[0].hash) : null);
    }
    const updates = [];
    for (const e of pending) {
      const serial = serialOf(e.batchId, e.number);
      const prev = heads.get(serial) ?? null;
      const hash = await entryHash(serial, e, prev);
      heads.set(serial, hash);
      updates.push({
        sql: "UPDATE bottle_provenance SET prev_hash = ?, hash = ? WHERE seq = ? AND hash IS NULL",
        args: [prev, hash, e.seq],
      });
    }
    await client.batch(updates, "write");
    sealed += pending.length;
    if (pending.length < PAGE) return sealed;
  }
}
