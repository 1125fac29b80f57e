/**
 * The provenance module's operations, bound to one context: chain.ts (the per-bottle hash chain, as anyone
 * recomputes it), sealing.ts (hashing what the serial triggers appended), merkle.ts and checkpoints.ts (the
 * signed daily root over every chain head), bottle-provenance.ts (one bottle's chain and proof).
 */
import type { Deps } from "../../deps.ts";
import { bottleProvenanceOf } from "./bottle-provenance.ts";
import { createCheckpoint, getCheckpoint, listCheckpoints } from "./checkpoints.ts";
import { provenanceContext } from "./provenance.context.ts";
import { sealPending } from "./sealing.ts";

export function createProvenanceService(deps: Deps) {
  const ctx = provenanceContext(deps);
  return {
    bottle: (serial: string) => bottleProvenanceOf(ctx, serial),
    listCheckpoints: (q: { limit: number; cursor?: string | undefined }) => listCheckpoints(ctx, q),
    getCheckpoint: (id: string) => getCheckpoint(ctx, id),
    createCheckpoint: () => createCheckpoint(ctx),
    /** Whether checkpoints can be signed here (a key is configured). */
    canSign: async () => Boolean(await ctx.signer()),
    sealPending: () => sealPending(deps.client),
    keys: async () => {
      const signer = await ctx.signer();
      return { keys: signer ? [signer.publicKey] : [] };
    },
  };
}

export type ProvenanceService = ReturnType<typeof createProvenanceService>;
