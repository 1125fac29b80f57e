import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { releases } from "./releases.ts";

/**
 * A queue release's waiting room. The seed (32 random bytes from crypto.getRandomValues, drawn when the
 * release is created) shuffles everyone who joined before the opening (src/modules/releases/queue-order.ts);
 * it is stored so the order can be recomputed and survives a restart.
 */
export const releaseQueues = sqliteTable("release_queues", {
  releaseId: text("release_id")
    .primaryKey()
    .references(() => releases.id),
  seed: text("seed").notNull(),
  /** How long an admitted buyer has to place their order before the admission passes to the next in line. */
  admissionMinutes: integer("admission_minutes").notNull(),
  /** When the early arrivals were shuffled and the first batch could be admitted; null before. */
  openedAt: text("opened_at"),
  /** When the release closed and the places still waiting were closed; null while it runs. */
  closedAt: text("closed_at"),
});

export const QUEUE_PLACE_STATUSES = [
  /** In line, not reached yet. */
  "waiting",
  /** Reached: may place one order with the admission token until `admissionExpiresAt`. */
  "admitted",
  /** An order is being placed with the admission (its id fixed); becomes done, or admitted again. */
  "ordering",
  /** Ordered with the admission. */
  "done",
  /** Admitted but no order in time: the bottles passed to the next in line. */
  "expired",
  /** The admission's order ended unpaid or cancelled: its bottles passed to the next in line. */
  "lapsed",
  /** The customer left the queue. */
  "left",
  /** Removed by staff (abuse); keeps blocking the customer from joining again. */
  "void",
  /** Still waiting when the release closed. */
  "closed",
] as const;
export type QueuePlaceStatus = (typeof QUEUE_PLACE_STATUSES)[number];

export const releaseQueuePlaces = sqliteTable(
  "release_queue_places",
  {
    id: text("id").primaryKey(),
    releaseId: text("release_id")
      .notNull()
      .references(() => releases.id),
    customerId: text("customer_id").notNull(),
    /** Arrival time; before `opensAt` the place is an early one and takes part in the shuffle. */
    joinedAt: text("joined_at").notNull(),
    /** 1-based place in line: set at the opening for early arrivals (shuffled), at joining for later ones. */
    position: integer("position"),
    status: text("status", { enum: QUEUE_PLACE_STATUSES }).notNull(),
    /** Bottles set aside for this admission out of the allocation; after ordering, the bottles ordered. */
    admittedQuantity: integer("admitted_quantity"),
    admittedAt: text("admitted_at"),
    admissionExpiresAt: text("admission_expires_at"),
    orderId: text("order_id"),
    note: text("note"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    // One place per customer; leaving frees it (a later join goes to the back).
    uniqueIndex("release_queue_places_customer_uq")
      .on(t.releaseId, t.customerId)
      .where(sql`status <> 'left'`),
    index("release_queue_places_line_idx").on(t.releaseId, t.status, t.position),
    index("release_queue_places_order_idx").on(t.orderId),
    index("release_queue_places_customer_idx").on(t.customerId),
  ],
);

export type ReleaseQueueRow = typeof releaseQueues.$inferSelect;
export type QueuePlaceRow = typeof releaseQueuePlaces.$inferSelect;
