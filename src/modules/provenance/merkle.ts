import { sha256Hex } from "../../digest.ts";

/**
 * A Merkle tree over every bottle's chain head, shaped as RFC 6962 (Certificate Transparency) trees are:
 * leaves sorted by serial, leaf = SHA-256("leaf:" + serial + ":" + head), node = SHA-256("node:" + left + right)
 * (hex strings), and a level of n > 1 splits at the largest power of two below n. An inclusion proof is the
 * sibling hashes from the leaf up, each saying on which side it sits.
 */
export type ProofStep = { side: "left" | "right"; hash: string };

export const leafHash = (serial: string, head: string) => sha256Hex(`leaf:${serial}:${head}`);
export const nodeHash = (left: string, right: string) => sha256Hex(`node:${left}${right}`);

const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

export type MerkleTree = { root: string; size: number; proof(index: number): ProofStep[] };

/** Builds the tree once (every subtree root kept), so each proof afterwards is lookups only. */
export async function buildTree(leaves: string[]): Promise<MerkleTree> {
  const memo = new Map<string, string>();
  async function sub(start: number, size: number): Promise<string> {
    if (size === 1) return leaves[start]!;
    const k = split(size);
    const hash = await nodeHash(await sub(start, k), await sub(start + k, size - k));
    memo.set(`${start}:${size}`, hash);
    return hash;
  }
  const at = (start: number, size: number) => (size === 1 ? leaves[start]! : memo.get(`${start}:${size}`)!);
  const root = leaves.length ? await sub(0, leaves.length) : await sha256Hex("empty");
  return {
    root,
    size: leaves.length,
    proof(index) {
      const steps: ProofStep[] = [];
      let start = 0;
      let size = leaves.length;
      while (size > 1) {
        const k = split(size);
        if (index - start < k) {
          steps.push({ side: "right", hash: at(start + k, size - k) });
          size = k;
        } else {
          steps.push({ side: "left", hash: at(start, k) });
          start += k;
          size -= k;
        }
      }
      return steps.reverse();
    },
  };
}

export async function rootFromProof(leaf: string, proof: ProofStep[]): Promise<string> {
  let hash = leaf;
  for (const step of proof)
    hash = step.side === "left" ? await nodeHash(step.hash, hash) : await nodeHash(hash, step.hash);
  return hash;
}
