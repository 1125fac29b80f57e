import type { ProvenanceFacts } from "../../db/schema/provenance.ts";
import { canonicalJson, sha256Hex } from "../../digest.ts";

/**
 * The hash chain of one bottle, as anyone can recompute it from the public provenance answer:
 *
 *   hash = SHA-256( canonicalJson([ "angelshare.provenance.v1", serial, event, locationId, at, facts, prevHash ]) )
 *
 * as lowercase hex; canonicalJson sorts object keys and writes no whitespace (src/digest.ts); prevHash is
 * null for a bottle's first entry. The database order (`seq`) is not hashed: the chain is its own order.
 */
export const CHAIN_VERSION = "angelshare.provenance.v1";

export type ChainEntry = {
  event: string;
  locationId: string | null;
  at: string;
  facts: ProvenanceFacts | null;
};

export const serialOf = (batchId: string, number: number) => `${batchId}-${number}`;

/** `bat_x-42` → its batch and bottle number; undefined for anything else. */
export function parseSerial(serial: string): { batchId: string; number: number } | undefined {
  const match = /^(.+)-([1-9][0-9]{0,8})$/.exec(serial);
  return match ? { batchId: match[1]!, number: Number(match[2]) } : undefined;
}

export const entryHash = (serial: string, entry: ChainEntry, prevHash: string | null) =>
  sha256Hex(
    canonicalJson([CHAIN_VERSION, serial, entry.event, entry.locationId, entry.at, entry.facts, prevHash]),
  );

/** The first entry whose links do not hold, or null when the whole chain does. */
export async function firstBrokenLink(
  serial: string,
  entries: (ChainEntry & { prevHash: string | null; hash: string | null })[],
): Promise<number | null> {
  let prev: string | null = null;
  for (const [i, e] of entries.entries()) {
    if (e.prevHash !== prev || e.hash !== (await entryHash(serial, e, prev))) return i;
    prev = e.hash;
  }
  return null;
}
