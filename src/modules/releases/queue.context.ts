import { and, count, eq, inArray } from "drizzle-orm";
import type { OrderStatus } from "../../db/schema/orders.ts";
import { type ReleaseQueueRow, releaseQueuePlaces } from "../../db/schema/queues.ts";
import type { Deps } from "../../deps.ts";
import type { EntrantPorts } from "./entrant-checks.ts";
import type { QueueMessage } from "./queue.schemas.ts";
import { type AdmissionKey, admissionKey } from "./queue-tokens.ts";

/** An admitted buyer's window to order unless the release says otherwise. */
export const DEFAULT_ADMISSION_MINUTES = 10;

/** What the waiting room needs from other modules (built in releases.wiring.ts from their services). */
export type QueuePorts = EntrantPorts & {
  /** Bottles the stock engine can still sell of the spirit. */
  available(spiritId: string): Promise<number>;
  orderStatuses(ids: string[]): Promise<Map<string, { status: OrderStatus; expiresAt: string | null }>>;
  /** Sends each message to its customer's live sockets, if any (the notifications socket); never rejects. */
  push(messages: { customerId: string; message: QueueMessage }[]): Promise<void>;
};

export type QueueContext = { deps: Deps; ports: QueuePorts; key: AdmissionKey };

export const queueContext = (deps: Deps, ports: QueuePorts): QueueContext => ({
  deps,
  ports,
  key: admissionKey(deps.config),
});

/**
 * Asks the runtime's timer for the queue (Workers: the release's Durable Object) to advance it at `at`;
 * without one (Bun's 5-second round) nothing to do. A failure only costs timeliness: the periodic job
 * advances every open queue anyway.
 */
export async function wakeQueueAt(deps: Deps, releaseId: string, at: string) {
  if (!deps.queueAlarms) return;
  try {
    await deps.queueAlarms.wake(releaseId, at);
  } catch (err) {
    deps.logger.log("warn", { msg: "queue alarm not set", releaseId, at, err: String(err) });
  }
}

/** Statuses that still stand in line or hold an admission. */
export const IN_LINE = ["waiting", "admitted", "ordering"] as const;

/** The queue as a release's public view shows it. */
export async function queueView(deps: Deps, row: ReleaseQueueRow) {
  const counts = await deps.db
    .select({ status: releaseQueuePlaces.status, n: count() })
    .from(releaseQueuePlaces)
    .where(
      and(
        eq(releaseQueuePlaces.releaseId, row.releaseId),
        inArray(releaseQueuePlaces.status, ["waiting", "admitted", "ordering"]),
      ),
    )
    .groupBy(releaseQueuePlaces.status);
  const of = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
  return {
    admissionMinutes: row.admissionMinutes,
    waiting: of("waiting"),
    admitted: of("admitted") + of("ordering"),
    openedAt: row.openedAt,
    closedAt: row.closedAt,
  };
}
