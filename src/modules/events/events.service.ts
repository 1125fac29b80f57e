import { and, eq, inArray, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { outboxEvents } from "../../db/schema/events.ts";
import type { Deps } from "../../deps.ts";
import { createConsumerRegistry } from "./consumer-registry.ts";
import { type DispatchOptions, dispatchOnce, dispatchProbe } from "./dispatcher.ts";
import type { EventType } from "./domain-events.ts";
import { askProbes, type DueProbe } from "./due-probe.ts";
import type { Event, EventListQuery } from "./events.schemas.ts";
import { outboxLag } from "./outbox-lag.ts";

type OutboxRow = typeof outboxEvents.$inferSelect;

/** The log in the order consumers see it (oldest first), so a reader can follow it page after page. */
const LOG_ORDER: Sort<OutboxRow> = {
  name: "seq",
  keys: [{ column: outboxEvents.seq, direction: "asc", value: (r) => r.seq }],
};

const toEvent = (r: OutboxRow): Event => ({
  id: r.id,
  type: r.type as EventType,
  occurredAt: r.occurredAt,
  subject: r.subject,
  payload: JSON.parse(r.payload),
});

/** The event log, the consumer registry and the dispatcher over them. */
export function createEventsService(deps: Deps) {
  const registry = createConsumerRegistry();
  return {
    register: registry.register,
    consumers: registry.list,
    /** One dispatcher run over every registered consumer (the runtimes schedule it). */
    dispatch: (options?: DispatchOptions) => dispatchOnce(deps, registry.list(), options),
    dispatchProbe: () => dispatchProbe(registry.list()),
    /** The answers of a round's probes, in one read (due-probe.ts). */
    askProbes: <K extends string>(probes: Record<K, DueProbe>) => askProbes(deps.client, probes),
    /** How far the slowest consumer is behind (the outbox-lag metric). */
    lag: () =>
      outboxLag(
        deps.client,
        registry.list().map((c) => c.name),
        deps.clock.now(),
      ),
    async listEvents(query: EventListQuery) {
      const where: SQL[] = [];
      if (query.type?.length) where.push(inArray(outboxEvents.type, query.type));
      if (query.subject) where.push(eq(outboxEvents.subject, query.subject));
      if (query.cursor) where.push(afterCursor(LOG_ORDER, decodeCursor(LOG_ORDER, query.cursor)));
      return page(
        LOG_ORDER,
        query.limit,
        (limit) =>
          deps.db
            .select()
            .from(outboxEvents)
            .where(and(...where))
            .orderBy(...orderByOf(LOG_ORDER))
            .limit(limit),
        toEvent,
      );
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
