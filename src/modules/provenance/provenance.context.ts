import type { Deps } from "../../deps.ts";
import type { MerkleTree } from "./merkle.ts";
import { type CheckpointSigner, signerFromJwk } from "./signing-key.ts";

export type ProvenanceContext = {
  deps: Deps;
  /** Undefined when no key is configured (a Worker without PROVENANCE_SIGNING_KEY): no checkpoints then. */
  signer: () => Promise<CheckpointSigner | undefined>;
  /** The latest checkpoint's tree, kept so that proofs are lookups (rebuilt when a newer one appears). */
  tree: { checkpointId: string; tree: MerkleTree; index: Map<string, number> } | undefined;
};

export function provenanceContext(deps: Deps): ProvenanceContext {
  const key = deps.config.PROVENANCE_SIGNING_KEY;
  let signer: Promise<CheckpointSigner | undefined> | undefined;
  return {
    deps,
    signer: () => {
      signer ??= key ? signerFromJwk(key) : Promise.resolve(undefined);
      return signer;
    },
    tree: undefined,
  };
}
