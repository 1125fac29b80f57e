/**
 * "Anything to do?" for each step of a round of event work, asked in one statement. Why: every step (hold
 * warnings, release windows, the dispatcher, webhook and e-mail senders) began with a read of its own, so
 * an idle round was five round trips every EVENTS_DISPATCH_INTERVAL_MS; on a remote database (Turso, the
 * edge) each is a request billed and waited for while nothing happens. A step whose probe says no is not
 * run; one that runs still checks for itself, so a probe only has to be true whenever there may be work.
 */
import type { Client, InValue } from "@libsql/client";

/** A SQL boolean expression over positional `?` arguments (its own; probes are joined in order). */
export type DueProbe = { sql: string; args: InValue[] };

/**
 * A probe over a condition written with named values (`:now`): they become columns of a one-row table `p`,
 * so several probes' values never clash in one statement. `from` is the condition's FROM clause.
 */
export function existsProbe(from: string, condition: string, values: Record<string, InValue>): DueProbe {
  const names = Object.keys(values);
  let where = condition;
  for (const name of names) where = where.replaceAll(`:${name}`, `p.${name}`);
  return {
    sql: `EXISTS (SELECT 1 FROM (SELECT ${names.map((n) => `? AS ${n}`).join(", ")}) p, ${from} WHERE ${where})`,
    args: names.map((n) => values[n]!),
  };
}

/** Each probe's answer, from one read. */
export async function askProbes<K extends string>(
  client: Client,
  probes: Record<K, DueProbe>,
): Promise<Record<K, boolean>> {
  const names = Object.keys(probes) as K[];
  const rs = await client.execute({
    sql: `SELECT ${names.map((n, i) => `(${probes[n].sql}) AS due${i}`).join(", ")}`,
    args: names.flatMap((n) => probes[n].args),
  });
  const row = rs.rows[0];
  return Object.fromEntries(names.map((n, i) => [n, Number(row?.[`due${i}`] ?? 1) !== 0])) as Record<
    K,
    boolean
  >;
}

/** The probe of a step that can have nothing to do here (e-mail without a mailer). */
export const NEVER_DUE: DueProbe = { sql: "0", args: [] };
