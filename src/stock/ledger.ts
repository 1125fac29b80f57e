/**
 * The stock ledger's write primitive: several independent operations ("units") committed in ONE atomic
 * libSQL batch, each succeeding or failing on its own.
 *
 * Why not just one guarded statement chain per batch? A libSQL batch is all or nothing: a statement that
 * errors rolls back the whole batch, so group commit (many buyers' holds in one batch) would let one
 * sold-out buyer undo everybody else's hold. Instead every unit gets a scratch row in `stock_op_slots`:
 *
 *   1. `INSERT INTO stock_op_slots (id, ok) VALUES (<slot>, 1)`: the newest slot is the current unit's
 *   2. one `UPDATE stock_op_slots SET ok = 0, reason = <why> WHERE <newest slot> AND ok = 1 AND NOT (<guards>)`
 *      for all the unit's guards (the reason is the first failing one's), where a guard is a SQL condition
 *      over the current rows (`on_hand - reserved >= 3`, a version equals 7, a customer's total plus 2
 *      stays within 4, ...). Guards all run before any of the
 *      unit's writes, so a unit is all or nothing.
 *   3. the unit's writes, each carrying the condition `$ok` (the newest slot still says ok) in its WHERE
 *      clause: `UPDATE ... WHERE ... AND $ok`, `INSERT ... SELECT ... WHERE $ok`
 *   4. at the end of the batch, one `SELECT` of every slot's outcome and one `DELETE` of them all.
 *
 * Every value travels as an argument and the current unit is found by "newest slot", not by its id in the
 * text: each kind of statement has one SQL text, which a client can prepare once and run many times.
 *
 * Units run in order inside the batch, so each one's guards see what the units before it wrote: the batch
 * is exactly as if the units had been committed one by one, in one transaction and one round trip. The
 * CHECK constraints on the tables are the last line: if a guard were ever wrong, the batch fails as a
 * whole and the caller retries unit by unit (see the coordinator).
 *
 * On the embedded file the executor runs statements in-process, so there a unit is simply decided as it
 * comes (commitDecided): the same guards as one SELECT, its writes only if they held, no slot rows.
 *
 * This file is pure over a libSQL `Client` (no Bun or Workers API): the Durable Object reuses it as it is.
 */
import type { Client, InStatement, InValue, ResultSet } from "@libsql/client";
import { type LedgerPort, ledgerPortFor } from "../db/ledger-port.ts";

export type SqlArgs = InValue[];

/** A SQL boolean expression that must hold for the unit to apply; `reason` names it when it does not. */
export type Guard = { reason: string; sql: string; args?: SqlArgs };

/** A write whose SQL contains the token `$ok`, replaced by "this unit's guards all held". */
export type Write = { sql: string; args?: SqlArgs };

export type Unit = { guards: Guard[]; writes: Write[] };

export type UnitOutcome = { ok: true } | { ok: false; reason: string };

export type LedgerCommit = { outcomes: UnitOutcome[]; reads: ResultSet[] };

/** The spirits a batch may change, marked for the outbox's coalesced stock events (stock-outbox.ts). */
export type StockMarks = { spiritIds: string[]; at: string };

/**
 * ONE statement per batch whatever its size (the hot path of a drop): each spirit's mark is upserted if
 * any unit of the batch held, so a batch that wrote nothing marks nothing. (`WHERE`: SQLite reads an
 * upsert's ON CONFLICT after a bare SELECT ... FROM as a join's.)
 */
const markSql = (anyHeld: string) => `INSERT INTO stock_event_marks (spirit_id, changed_at, dirty)
  SELECT value, ?, 1 FROM json_each(?) WHERE ${anyHeld}
  ON CONFLICT (spirit_id) DO UPDATE SET dirty = 1, changed_at = excluded.changed_at`;
const MARK_SQL = markSql("EXISTS (SELECT 1 FROM stock_op_slots WHERE ok = 1)");
/** For a port that decides units itself and runs the mark only when one held. */
const MARK_DECIDED_SQL = markSql("true");

let slotCounter = 0;
const slotPrefix = Math.random().toString(36).slice(2, 10);
const nextSlotId = () => `s_${slotPrefix}_${(++slotCounter).toString(36)}`;

/** The current unit's slot: units run one after another, each after inserting its own. */
const CURRENT_SLOT = "rowid = (SELECT max(rowid) FROM stock_op_slots)";
const GUARD_SQL = new Map<string, string>();
const MERGED_GUARD_SQL = new Map<string, string>();
/** Most guards in one merged statement: SQLite bounds an expression's depth and a statement's arguments. */
const MERGED_GUARDS = 32;
const WRITE_SQL = new Map<string, string>();
const CHECK_SQL = new Map<string, string>();
const DECIDED_WRITE_SQL = new Map<string, string>();
const memo = (cache: Map<string, string>, key: string, make: () => string) => {
  let sql = cache.get(key);
  if (sql === undefined) {
    sql = make();
    if (cache.size < 1000) cache.set(key, sql);
  }
  return sql;
};

/** The write's SQL with `$ok` replaced by the condition that its unit's guards held. */
function withOk(w: Write, ok: string): string {
  if (!w.sql.includes("$ok")) throw new Error(`a ledger write must be conditioned on $ok: ${w.sql}`);
  return w.sql.replaceAll("$ok", ok);
}

/**
 * A unit's guards in ONE statement (up to MERGED_GUARDS; a statement each made a hold's unit longer):
 * the slot fails if any guard fails, and the reason is the first failing guard's, in order, exactly as
 * one statement per guard gave. Guards only read the stock rows, so evaluating them together is the same
 * as one after another.
 */
function mergedGuards(guards: Guard[]): InStatement {
  const key = guards.map((g) => g.sql).join("\u0000");
  const sql = memo(MERGED_GUARD_SQL, key, () => {
    const held = guards.map((g) => `COALESCE((${g.sql}), 0)`);
    const reason = held.map((h) => `WHEN NOT ${h} THEN ?`).join(" ");
    return `UPDATE stock_op_slots SET ok = 0, reason = CASE ${reason} END WHERE ${CURRENT_SLOT} AND ok = 1 AND NOT (${held.join(" AND ")})`;
  });
  const args: InValue[] = [];
  for (const g of guards) args.push(...(g.args ?? []), g.reason);
  for (const g of guards) args.push(...(g.args ?? []));
  return { sql, args };
}

/** The statements of one unit; returns its slot id. */
function unitStatements(unit: Unit, out: InStatement[]): string {
  const slot = nextSlotId();
  out.push({ sql: "INSERT INTO stock_op_slots (id, ok) VALUES (?, 1)", args: [slot] });
  if (unit.guards.length === 1) {
    const g = unit.guards[0]!;
    // COALESCE: a guard over a missing row (NULL) fails instead of passing silently.
    const sql = memo(
      GUARD_SQL,
      g.sql,
      () =>
        `UPDATE stock_op_slots SET ok = 0, reason = ? WHERE ${CURRENT_SLOT} AND ok = 1 AND NOT COALESCE((${g.sql}), 0)`,
    );
    out.push({ sql, args: [g.reason, ...(g.args ?? [])] });
  } else {
    for (let i = 0; i < unit.guards.length; i += MERGED_GUARDS) {
      out.push(mergedGuards(unit.guards.slice(i, i + MERGED_GUARDS)));
    }
  }
  for (const w of unit.writes) {
    const sql = memo(WRITE_SQL, w.sql, () =>
      withOk(w, `(SELECT ok FROM stock_op_slots WHERE ${CURRENT_SLOT}) = 1`),
    );
    out.push({ sql, args: w.args ?? [] });
  }
  return slot;
}

/**
 * Commits the units (and then runs `reads`, inside the same transaction, so they see exactly the state
 * the units left) as one atomic write batch. Throws only when the batch as a whole failed (a CHECK
 * constraint, the database itself): then nothing was written.
 */
export async function commitUnits(
  client: Client,
  units: Unit[],
  reads: InStatement[] = [],
  marks?: StockMarks,
): Promise<LedgerCommit> {
  const port = ledgerPortFor(client);
  if (port.decide) return commitDecided(port.decide.bind(port), units, reads, marks);
  const statements: InStatement[] = [];
  const slots = units.map((u) => unitStatements(u, statements));
  if (marks?.spiritIds.length) {
    statements.push({ sql: MARK_SQL, args: [marks.at, JSON.stringify(marks.spiritIds)] });
  }
  // Batches never overlap (each is one transaction) and every one deletes its slots before it commits,
  // so the table holds exactly this batch's slots: one statement reads all outcomes, one clears them.
  const outcomeAt = statements.length;
  statements.push("SELECT id, ok, reason FROM stock_op_slots", "DELETE FROM stock_op_slots");
  const readsFrom = statements.length;
  statements.push(...reads);
  const results = await port.batch(statements, "write");
  const byId = new Map(results[outcomeAt]!.rows.map((r) => [String(r.id), r]));
  const outcomes = slots.map((slot): UnitOutcome => {
    const row = byId.get(slot);
    if (row && Number(row.ok) === 1) return { ok: true };
    return { ok: false, reason: String(row?.reason ?? "unknown") };
  });
  return { outcomes, reads: results.slice(readsFrom) };
}

/**
 * The same commit on a port that runs statements in-process (the embedded file): there each unit is
 * decided as it comes, its guards a SELECT and its writes run only if they held, so no slot rows are
 * written, read back and deleted, and no write asks its slot (a hold's batch: 16 statements to 11).
 * The outcome is the slot batch's exactly: same guards, same order, one transaction.
 */
async function commitDecided(
  decide: NonNullable<LedgerPort["decide"]>,
  units: Unit[],
  reads: InStatement[],
  marks?: StockMarks,
): Promise<LedgerCommit> {
  const res = await decide({
    units: units.map((u) => ({ checks: guardChecks(u.guards), writes: u.writes.map(decidedWrite) })),
    ifAnyWritten: marks?.spiritIds.length
      ? { sql: MARK_DECIDED_SQL, args: [marks.at, JSON.stringify(marks.spiritIds)] }
      : undefined,
    reads,
  });
  const outcomes = res.refused.map(
    (reason): UnitOutcome => (reason === null ? { ok: true } : { ok: false, reason }),
  );
  return { outcomes, reads: res.reads };
}

/** A unit's guards as SELECTs answering the first failing guard's reason, or NULL when all hold. */
function guardChecks(guards: Guard[]): InStatement[] {
  const checks: InStatement[] = [];
  for (let i = 0; i < guards.length; i += MERGED_GUARDS) {
    const part = guards.slice(i, i + MERGED_GUARDS);
    const sql = memo(
      CHECK_SQL,
      part.map((g) => g.sql).join("\u0000"),
      () => `SELECT CASE ${part.map((g) => `WHEN NOT COALESCE((${g.sql}), 0) THEN ?`).join(" ")} END`,
    );
    const args: InValue[] = [];
    for (const g of part) args.push(...(g.args ?? []), g.reason);
    checks.push({ sql, args });
  }
  return checks;
}

/** A write as run once its unit's guards held: `$ok` is true. */
function decidedWrite(w: Write): InStatement {
  const sql = memo(DECIDED_WRITE_SQL, w.sql, () => withOk(w, "1"));
  return { sql, args: w.args ?? [] };
}

/** Runs read-only statements as one consistent snapshot. */
export async function readSnapshot(client: Client, reads: InStatement[]): Promise<ResultSet[]> {
  if (reads.length === 0) return [];
  return ledgerPortFor(client).batch(reads, "read");
}

/** Numbers from libSQL rows arrive as number or bigint; the stock counts always fit a number. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const str = (v: unknown): string => String(v);
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
