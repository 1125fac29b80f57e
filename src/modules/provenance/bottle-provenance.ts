import { and, asc, eq } from "drizzle-orm";
import { bottleProvenance } from "../../db/schema/provenance.ts";
import { DomainError } from "../../domain-error.ts";
import { parseSerial } from "./chain.ts";
import { latestCheckpoint, proofFor } from "./checkpoints.ts";
import type { ProvenanceContext } from "./provenance.context.ts";
import { sealPending } from "./sealing.ts";

const notFound = (serial: string) =>
  new DomainError("not-found", `No bottle ${serial} has a provenance record.`);

/**
 * One bottle's chain, sealed up to now, and the proof that its head as of the latest checkpoint is in that
 * checkpoint's signed tree. Public: entries carry places and times, never a customer or an order.
 */
export async function bottleProvenanceOf(ctx: ProvenanceContext, serial: string) {
  const bottle = parseSerial(serial);
  if (!bottle) throw notFound(serial);
  await sealPending(ctx.deps.client, bottle);
  const rows = await ctx.deps.db
    .select()
    .from(bottleProvenance)
    .where(and(eq(bottleProvenance.batchId, bottle.batchId), eq(bottleProvenance.number, bottle.number)))
    .orderBy(asc(bottleProvenance.seq));
  if (!rows.length) throw notFound(serial);
  const checkpoint = await latestCheckpoint(ctx);
  const proof = checkpoint ? await proofFor(ctx, checkpoint, serial) : null;
  const headAtCheckpoint = checkpoint ? rows.filter((r) => r.seq <= checkpoint.seqTo).at(-1) : undefined;
  const received = rows.find((r) => r.event === "received");
  return {
    serial,
    batchId: bottle.batchId,
    number: bottle.number,
    spiritId: received?.facts?.spiritId ?? null,
    entries: rows.map((r) => ({
      event: r.event,
      locationId: r.locationId,
      at: r.at,
      facts: r.facts,
      prevHash: r.prevHash,
      hash: r.hash!,
    })),
    head: rows.at(-1)!.hash!,
    checkpoint: checkpoint ?? null,
    proof:
      proof && headAtCheckpoint
        ? { head: headAtCheckpoint.hash!, leafIndex: proof.leafIndex, steps: proof.steps }
        : null,
  };
}
