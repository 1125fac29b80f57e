import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const PROVENANCE_EVENTS = [
  "received",
  "moved",
  "sold",
  "released",
  "shipped",
  "returned",
  "removed",
] as const;
export type ProvenanceEvent = (typeof PROVENANCE_EVENTS)[number];

/** What an entry says beyond its event; never anything about a customer or an order. */
export type ProvenanceFacts = {
  spiritId?: string | null;
  batchNumber?: string | null;
  caskNumbers?: string[] | null;
  bottlingDate?: string | null;
};

/**
 * Each numbered bottle's history, one entry per change of its serial row. Entries are written by triggers on
 * bottle_serials (migrations/0021*) inside the stock engine's own batches, so none can be missed or written
 * for a change that did not commit; they are sealed afterwards, in `seq` order, by
 * src/modules/provenance/sealing.ts (prevHash, hash). Append-only: the only update a trigger allows is that
 * sealing, once.
 */
export const bottleProvenance = sqliteTable(
  "bottle_provenance",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    batchId: text("batch_id").notNull(),
    number: integer("number").notNull(),
    event: text("event", { enum: PROVENANCE_EVENTS }).notNull(),
    locationId: text("location_id"),
    at: text("at").notNull(),
    facts: text("facts", { mode: "json" }).$type<ProvenanceFacts>(),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("bottle_provenance_bottle_idx").on(t.batchId, t.number, t.seq),
    index("bottle_provenance_unsealed_idx").on(t.hash, t.seq),
  ],
);
export type ProvenanceRow = typeof bottleProvenance.$inferSelect;

/** A signed Merkle root over every bottle's chain head as of `seqTo`: published, append-only. */
export const provenanceCheckpoints = sqliteTable("provenance_checkpoints", {
  id: text("id").primaryKey(),
  seqTo: integer("seq_to").notNull(),
  bottles: integer("bottles").notNull(),
  root: text("root").notNull(),
  /** Compact JWS (EdDSA) over { root, bottles, seqTo, at }. */
  signature: text("signature").notNull(),
  keyId: text("key_id").notNull(),
  createdAt: text("created_at").notNull(),
});
export type CheckpointRow = typeof provenanceCheckpoints.$inferSelect;
