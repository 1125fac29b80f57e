import type { Client } from "@libsql/client";
import { canonicalJson, sha256Hex } from "../../digest.ts";

/**
 * The audit log as one hash chain, in insertion (rowid) order:
 *
 *   hash = SHA-256( canonicalJson([ "angelshare.audit.v1", id, actorId, action, subject, detail, at, prevHash ]) )
 *
 * Entries are inserted inside the batches of the changes they record, so hashing there would need the
 * previous hash in every batch; instead they are sealed shortly after, in order (the provenance sealer's
 * timer), and before every verification. Triggers (migrations/0024*) refuse deletes and any update but
 * that one sealing. An edit or removal made around them, with the database itself, breaks the chain.
 */
const PAGE = 500;

type Row = {
  rowid: number;
  id: string;
  actorId: string | null;
  action: string;
  subject: string;
  detail: unknown;
  at: string;
  prevHash: string | null;
  hash: string | null;
};

const rowOf = (r: Record<string, unknown>): Row => ({
  rowid: Number(r.rowid),
  id: String(r.id),
  actorId: r.actor_id === null ? null : String(r.actor_id),
  action: String(r.action),
  subject: String(r.subject),
  detail: r.detail === null ? null : JSON.parse(String(r.detail)),
  at: String(r.at),
  prevHash: r.prev_hash === null ? null : String(r.prev_hash),
  hash: r.hash === null ? null : String(r.hash),
});

const COLUMNS = "rowid, id, actor_id, action, subject, detail, at, prev_hash, hash";

export const auditEntryHash = (e: Row, prevHash: string | null) =>
  sha256Hex(
    canonicalJson(["angelshare.audit.v1", e.id, e.actorId, e.action, e.subject, e.detail, e.at, prevHash]),
  );

/** Seals pending entries in order; returns how many. */
export async function sealAuditLog(client: Client): Promise<number> {
  let sealed = 0;
  for (;;) {
    const pending = (
      await client.execute(`SELECT ${COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY rowid LIMIT ${PAGE}`)
    ).rows.map((r) => rowOf(r as Record<string, unknown>));
    if (!pending.length) return sealed;
    const head = await client.execute({
      sql: "SELECT hash FROM audit_log WHERE hash IS NOT NULL AND rowid < ? ORDER BY rowid DESC LIMIT 1",
      args: [pending[0]!.rowid],
    });
    let prev = head.rows[0] ? String(head.rows[0].hash) : null;
    const updates = [];
    for (const e of pending) {
      const hash = await auditEntryHash(e, prev);
      updates.push({
        sql: "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE rowid = ? AND hash IS NULL",
        args: [prev, hash, e.rowid],
      });
      prev = hash;
    }
    await client.batch(updates, "write");
    sealed += pending.length;
    if (pending.length < PAGE) return sealed;
  }
}

export type AuditVerification = {
  ok: boolean;
  entries: number;
  head: string | null;
  /** The first entry whose link does not hold: edited, or inserted or removed before it. */
  firstBroken: { id: string; at: string; action: string; position: number; reason: string } | null;
};

/** Seals what is pending, then recomputes the whole chain from the first entry. */
export async function verifyAuditLog(client: Client): Promise<AuditVerification> {
  await sealAuditLog(client);
  let prev: string | null = null;
  let position = 0;
  let after = -1;
  for (;;) {
    const rows = (
      await client.execute({
        sql: `SELECT ${COLUMNS} FROM audit_log WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`,
        args: [after],
      })
    ).rows.map((r) => rowOf(r as Record<string, unknown>));
    for (const e of rows) {
      const reason =
        e.prevHash !== prev
          ? "its link to the entry before does not match (an entry was removed or inserted)"
          : e.hash !== (await auditEntryHash(e, prev))
            ? "its content does not hash to its recorded hash (it was changed)"
            : null;
      if (reason) {
        return {
          ok: false,
          entries: position,
          head: prev,
          firstBroken: { id: e.id, at: e.at, action: e.action, position, reason },
        };
      }
      prev = e.hash;
      position += 1;
    }
    if (rows.length < PAGE) return { ok: true, entries: position, head: prev, firstBroken: null };
    after = rows.at(-1)!.rowid;
  }
}
