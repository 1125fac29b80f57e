import { desc, eq, lt } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { type CheckpointRow, provenanceCheckpoints } from "../../db/schema/provenance.ts";
import { canonicalJson } from "../../digest.ts";
import { DomainError } from "../../domain-error.ts";
import { serialOf } from "./chain.ts";
import { buildTree, leafHash } from "./merkle.ts";
import type { ProvenanceContext } from "./provenance.context.ts";
import { sealPending } from "./sealing.ts";

export type Checkpoint = {
  id: string;
  seqTo: number;
  bottles: number;
  root: string;
  signature: string;
  keyId: string;
  createdAt: string;
};

const toCheckpoint = (r: CheckpointRow): Checkpoint => ({ ...r });

/** Every bottle's chain head as of entry `seqTo`, sorted by serial: the tree's leaves. */
async function headsAsOf({ deps }: ProvenanceContext, seqTo: number) {
  const rs = await deps.client.execute({
    sql: `SELECT p.batch_id, p.number, p.hash FROM bottle_provenance p
          JOIN (SELECT batch_id, number, max(seq) AS seq FROM bottle_provenance WHERE seq <= ? GROUP BY batch_id, number) h
            ON h.seq = p.seq`,
    args: [seqTo],
  });
  const heads = rs.rows.map((r) => ({
    serial: serialOf(String(r.batch_id), Number(r.number)),
    hash: String(r.hash),
  }));
  return heads.sort((a, b) => (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
}

async function treeOf(ctx: ProvenanceContext, checkpoint: Checkpoint) {
  if (ctx.tree?.checkpointId === checkpoint.id) return ctx.tree;
  const heads = await headsAsOf(ctx, checkpoint.seqTo);
  const tree = await buildTree(await Promise.all(heads.map((h) => leafHash(h.serial, h.hash))));
  ctx.tree = { checkpointId: checkpoint.id, tree, index: new Map(heads.map((h, i) => [h.serial, i])) };
  return ctx.tree;
}

/**
 * Seals what is pending, then signs a Merkle root over every chain head. The signature covers
 * canonical JSON of { at, bottles, root, seqTo } (compact JWS, EdDSA), so the payload alone proves it.
 */
export async function createCheckpoint(ctx: ProvenanceContext): Promise<Checkpoint> {
  const signer = await ctx.signer();
  if (!signer) {
    throw new DomainError(
      "misconfigured",
      "No provenance signing key is configured (PROVENANCE_SIGNING_KEY).",
    );
  }
  const { client, clock } = ctx.deps;
  await sealPending(client);
  const max = await client.execute(
    "SELECT coalesce(max(seq), 0) AS seq FROM bottle_provenance WHERE hash IS NOT NULL",
  );
  const seqTo = Number(max.rows[0]!.seq);
  const heads = await headsAsOf(ctx, seqTo);
  const tree = await buildTree(await Promise.all(heads.map((h) => leafHash(h.serial, h.hash))));
  const at = clock.now().toISOString();
  const signature = await signer.sign(canonicalJson({ at, bottles: heads.length, root: tree.root, seqTo }));
  const row: CheckpointRow = {
    id: newId("ckp", clock.now().getTime()),
    seqTo,
    bottles: heads.length,
    root: tree.root,
    signature,
    keyId: signer.kid,
    createdAt: at,
  };
  await ctx.deps.db.insert(provenanceCheckpoints).values(row);
  ctx.tree = { checkpointId: row.id, tree, index: new Map(heads.map((h, i) => [h.serial, i])) };
  return toCheckpoint(row);
}

export async function latestCheckpoint({ deps }: ProvenanceContext): Promise<Checkpoint | undefined> {
  const [row] = await deps.db
    .select()
    .from(provenanceCheckpoints)
    .orderBy(desc(provenanceCheckpoints.createdAt), desc(provenanceCheckpoints.id))
    .limit(1);
  return row && toCheckpoint(row);
}

export async function getCheckpoint({ deps }: ProvenanceContext, id: string): Promise<Checkpoint> {
  const [row] = await deps.db.select().from(provenanceCheckpoints).where(eq(provenanceCheckpoints.id, id));
  if (!row) throw new DomainError("not-found", `Checkpoint ${id} was not found.`);
  return toCheckpoint(row);
}

/** Newest first; the cursor is the last item's id (ids grow with time). */
export async function listCheckpoints(
  { deps }: ProvenanceContext,
  q: { limit: number; cursor?: string | undefined },
) {
  const rows = await deps.db
    .select()
    .from(provenanceCheckpoints)
    .where(q.cursor ? lt(provenanceCheckpoints.id, q.cursor) : undefined)
    .orderBy(desc(provenanceCheckpoints.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit).map(toCheckpoint);
  return { items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null };
}

/** The inclusion proof of a bottle's head in the checkpoint's tree (null when it has no entry as of it). */
export async function proofFor(ctx: ProvenanceContext, checkpoint: Checkpoint, serial: string) {
  const { tree, index } = await treeOf(ctx, checkpoint);
  const i = index.get(serial);
  return i === undefined ? null : { leafIndex: i, steps: tree.proof(i) };
}
