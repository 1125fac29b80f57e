import { canonicalJson } from "../../digest.ts";
import { firstBrokenLink } from "./chain.ts";
import { leafHash, rootFromProof } from "./merkle.ts";
import type { BottleProvenance } from "./provenance.schemas.ts";
import { type PublicKey, verifyCheckpointSignature } from "./signing-key.ts";

export type Check = { name: string; ok: boolean; detail: string };

/**
 * Everything a bottle's provenance answer claims, checked from the answer and the published keys alone:
 * the hash chain links, the head's Merkle proof reaches the checkpoint's root, and the root is signed by
 * one of the keys. What scripts/verify-bottle.ts runs; nothing here trusts the server's own hashes.
 */
export async function verifyBottle(record: BottleProvenance, keys: PublicKey[]): Promise<Check[]> {
  const checks: Check[] = [];
  const broken = await firstBrokenLink(record.serial, record.entries);
  checks.push({
    name: "chain",
    ok: broken === null && record.entries.at(-1)?.hash === record.head,
    detail:
      broken === null
        ? `${record.entries.length} entries link from the first to the head`
        : `entry ${broken} (${record.entries[broken]!.event} at ${record.entries[broken]!.at}) does not hash to what the chain says`,
  });
  const { checkpoint, proof } = record;
  if (!checkpoint || !proof) {
    checks.push({ name: "checkpoint", ok: false, detail: "no signed checkpoint covers this bottle yet" });
    return checks;
  }
  const inChain = record.entries.some((e) => e.hash === proof.head);
  const root = await rootFromProof(await leafHash(record.serial, proof.head), proof.steps);
  checks.push({
    name: "proof",
    ok: inChain && root === checkpoint.root,
    detail: !inChain
      ? "the proven head is not an entry of this chain"
      : root === checkpoint.root
        ? `the head as of ${checkpoint.id} is leaf ${proof.leafIndex} of its tree`
        : "the proof does not reach the checkpoint's root",
  });
  const payload = await verifyCheckpointSignature(checkpoint.signature, keys);
  const signed =
    payload !== null &&
    payload ===
      canonicalJson({
        at: checkpoint.createdAt,
        bottles: checkpoint.bottles,
        root: checkpoint.root,
        seqTo: checkpoint.seqTo,
      });
  checks.push({
    name: "signature",
    ok: signed,
    detail: signed
      ? `checkpoint ${checkpoint.id} is signed by key ${checkpoint.keyId}`
      : payload === null
        ? "no published key verifies the checkpoint's signature"
        : "the signed payload is not this checkpoint",
  });
  return checks;
}
