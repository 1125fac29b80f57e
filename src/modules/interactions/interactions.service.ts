import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { spirits } from "../../db/schema/catalog.ts";
import {
  type ClientInteractionKind,
  type InteractionDetail,
  type InteractionKind,
  type InteractionRow,
  interactions,
} from "../../db/schema/signals.ts";
import type { Deps } from "../../deps.ts";
import { DomainError, type FieldIssue } from "../../domain-error.ts";
import { createPurchaseSync } from "./purchase-sync.ts";
import type { RefreshRequests } from "./refresh-port.ts";
import { createSearchSync } from "./search-sync.ts";

/** A signal as another module (or this one) hands it over. */
export type NewInteraction = {
  customerId: string;
  kind: InteractionKind;
  spiritId?: string | null;
  value?: number | null;
  detail?: InteractionDetail | null;
  /** Makes recording idempotent: a second event with the same key is ignored. */
  dedupeKey?: string | null;
  occurredAt?: string;
};

export type ClientInteraction = {
  kind: ClientInteractionKind;
  spiritId: string;
  occurredAt?: string | undefined;
  eventId?: string | undefined;
  context?: string | undefined;
  position?: number | undefined;
  durationMs?: number | undefined;
};

export type Interaction = {
  id: string;
  kind: InteractionKind;
  spiritId: string | null;
  source: "client" | "server";
  value: number | null;
  detail: InteractionDetail | null;
  occurredAt: string;
  recordedAt: string;
};

/** Clients may report a little late (offline, batching) but not from the future or from long ago. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const MAX_EVENT_AGE_MS = 30 * 86_400_000;

const NEWEST_FIRST: Sort<InteractionRow> = {
  name: "interactions_newest",
  keys: [{ column: interactions.seq, direction: "desc", value: (r) => r.seq }],
};

const toInteraction = (r: InteractionRow): Interaction => ({
  id: r.id,
  kind: r.kind,
  spiritId: r.spiritId,
  source: r.source,
  value: r.value,
  detail: r.detail,
  occurredAt: r.occurredAt,
  recordedAt: r.recordedAt,
});

/**
 * The behaviour log. Every recording also queues the customer's recommendations for a refresh in the
 * same atomic batch; the computing happens later, in the background.
 */
export function createInteractionsService(deps: Deps, ports: { queue: RefreshRequests }) {
  const { db, clock } = deps;
  const purchaseSync = createPurchaseSync(deps, ports.queue);
  const searchSync = createSearchSync(deps);

  /** Catches up with what other modules log themselves: confirmed orders and searches. */
  async function syncServerSignals() {
    const [purchases, searches] = await Promise.all([purchaseSync.run(), searchSync.run()]);
    return { purchases, searches };
  }

  /** The statements that record these events and queue their customers; for the caller's own batch. */
  function entries(events: NewInteraction[], source: "client" | "server" = "server") {
    const now = clock.now();
    const recordedAt = now.toISOString();
    const rows = events.map((e) => ({
      id: newId("int", now.getTime()),
      customerId: e.customerId,
      kind: e.kind,
      spiritId: e.spiritId ?? null,
      source,
      value: e.value ?? null,
      detail: e.detail ?? null,
      dedupeKey: e.dedupeKey ?? null,
      occurredAt: e.occurredAt ?? recordedAt,
      recordedAt,
    }));
    const customers = [...new Set(events.map((e) => e.customerId))];
    return {
      insert: db.insert(interactions).values(rows).onConflictDoNothing().returning({ id: interactions.id }),
      enqueue: customers.map((id) => ports.queue.enqueue(id, `signal:${events[0]?.kind ?? "unknown"}`)),
    };
  }

  /** Records server-side events (purchases, wishlist changes, reviews, searches) in one batch. */
  async function record(events: NewInteraction[]): Promise<number> {
    if (!events.length) return 0;
    const { insert, enqueue } = entries(events, "server");
    const [inserted] = await db.batch([insert, ...enqueue]);
    return inserted.length;
  }

  /** Validates and records what a client reports; a bad event refuses the whole batch (422), naming it. */
  async function recordClientEvents(customerId: string, events: ClientInteraction[]) {
    const now = clock.now().getTime();
    const errors: FieldIssue[] = [];
    events.forEach((e, i) => {
      if (e.occurredAt === undefined) return;
      const at = Date.parse(e.occurredAt);
      if (at > now + MAX_CLOCK_SKEW_MS) {
        errors.push({ path: `events.${i}.occurredAt`, message: "must not be in the future" });
      } else if (at < now - MAX_EVENT_AGE_MS) {
        errors.push({ path: `events.${i}.occurredAt`, message: "must be within the last 30 days" });
      }
    });
    const ids = [...new Set(events.map((e) => e.spiritId))];
    const known = new Set(
      (await db.select({ id: spirits.id }).from(spirits).where(inArray(spirits.id, ids))).map((r) => r.id),
    );
    events.forEach((e, i) => {
      if (!known.has(e.spiritId)) {
        errors.push({ path: `events.${i}.spiritId`, message: `names no spirit (${e.spiritId})` });
      }
    });
    if (errors.length) {
      throw new DomainError(
        "validation",
        `${errors.length} event${errors.length === 1 ? " is" : "s are"} not valid; nothing was recorded.`,
        { errors },
      );
    }
    const { insert, enqueue } = entries(
      events.map((e) => {
        const detail: InteractionDetail = {};
        if (e.context !== undefined) detail.context = e.context;
        if (e.position !== undefined) detail.position = e.position;
        if (e.durationMs !== undefined) detail.durationMs = e.durationMs;
        return {
          customerId,
          kind: e.kind,
          spiritId: e.spiritId,
          detail: Object.keys(detail).length ? detail : null,
          dedupeKey: e.eventId ? `client:${customerId}:${e.eventId}` : null,
          ...(e.occurredAt ? { occurredAt: new Date(e.occurredAt).toISOString() } : {}),
        };
      }),
      "client",
    );
    const [inserted] = await db.batch([insert, ...enqueue]);
    return { recorded: inserted.length, duplicates: events.length - inserted.length };
  }

  async function list(
    customerId: string,
    params: { limit: number; cursor?: string | undefined; kind?: InteractionKind | undefined },
  ) {
    // Purchases and searches come from their modules' own logs; catch up first so fresh ones are listed.
    await syncServerSignals();
    const where: SQL[] = [eq(interactions.customerId, customerId)];
    if (params.kind) where.push(eq(interactions.kind, params.kind));
    if (params.cursor) where.push(afterCursor(NEWEST_FIRST, decodeCursor(NEWEST_FIRST, params.cursor)));
    return page(
      NEWEST_FIRST,
      params.limit,
      (limit) =>
        db
          .select()
          .from(interactions)
          .where(and(...where))
          .orderBy(...orderByOf(NEWEST_FIRST))
          .limit(limit),
      toInteraction,
    );
  }

  /** The largest sequence number so far: the recommender rebuilds its model only when this moves. */
  async function watermark(): Promise<number> {
    const [row] = await db.select({ seq: sql<number | null>`max(${interactions.seq})` }).from(interactions);
    return row?.seq ?? 0;
  }

  /** The hook for the customers module: each wishlist change is a signal (and queues a refresh). */
  async function recordWishlistChange(customerId: string, spiritId: string, change: "added" | "removed") {
    await record([{ customerId, kind: change === "added" ? "wishlist_add" : "wishlist_remove", spiritId }]);
  }

  /**
   * The statement that queues a customer's recommendations for a refresh, for the caller's own batch: for
   * a change of taste that is not a new event (a review deleted takes its rating out of the model).
   */
  const refreshQueued = (customerId: string, reason: string) => ports.queue.enqueue(customerId, reason);

  /** The hook for a profile change that matters to recommendations (preferences, age, where they live). */
  async function profileChanged(customerId: string) {
    await db.batch([ports.queue.enqueue(customerId, "profile")]);
  }

  /** How often each kind was logged per spirit (demand insight reads views, clicks and declared interest). */
  async function countsBySpirit(spiritIds: string[], kinds: InteractionKind[]) {
    const counts = new Map<string, Partial<Record<InteractionKind, number>>>();
    for (let i = 0; i < spiritIds.length; i += 500) {
      const rows = await db
        .select({ spiritId: interactions.spiritId, kind: interactions.kind, n: sql<number>`count(*)` })
        .from(interactions)
        .where(
          and(inArray(interactions.spiritId, spiritIds.slice(i, i + 500)), inArray(interactions.kind, kinds)),
        )
        .groupBy(interactions.spiritId, interactions.kind);
      for (const r of rows) {
        const of = counts.get(r.spiritId!) ?? {};
        of[r.kind] = Number(r.n);
        counts.set(r.spiritId!, of);
      }
    }
    return counts;
  }

  return {
    countsBySpirit,
    entries,
    refreshQueued,
    record,
    recordClientEvents,
    recordWishlistChange,
    profileChanged,
    list,
    watermark,
    syncServerSignals,
  };
}

export type InteractionsService = ReturnType<typeof createInteractionsService>;
