import { z } from "@hono/zod-openapi";
import { QUEUE_PLACE_STATUSES } from "../../db/schema/queues.ts";
import { pageQueryShape } from "../../http/pagination.ts";

export const QueueSummarySchema = z
  .object({
    admissionMinutes: z.number().int().openapi({ description: "How long an admitted buyer has to order." }),
    waiting: z.number().int().openapi({ description: "Places still waiting to be admitted." }),
    admitted: z.number().int().openapi({ description: "Admissions not used or expired yet." }),
    openedAt: z
      .string()
      .nullable()
      .openapi({ description: "When the early arrivals were shuffled and admissions began." }),
    closedAt: z.string().nullable(),
  })
  .openapi("QueueSummary");

/** What the owner sees: `done`, `expired` and the rest of the internal statuses folded as documented. */
export const QUEUE_STATES = ["waiting", "admitted", "done", "expired", "left", "void", "closed"] as const;

export const QueueJoinSchema = z
  .strictObject({
    humanToken: z.string().max(4096).optional().openapi({
      description: "The anti-bot token (CAPTCHA / Turnstile) when the shop requires one.",
    }),
  })
  .openapi("QueueJoinInput");
export type QueueJoin = z.output<typeof QueueJoinSchema>;

export const QueuePlaceSchema = z
  .object({
    id: z.string().openapi({ example: "qpl_01hx4k7m2qa9c3r5t7v9wxyz" }),
    releaseId: z.string(),
    state: z.enum(QUEUE_STATES).openapi({
      description:
        "`waiting` (in line), `admitted` (may order now with `admissionToken` until `admissionExpiresAt`), `done` (ordered with the admission), `expired` (not used in time, or its order ended unpaid: the bottles passed on), `left`, `void` (removed by staff), `closed` (the release closed first).",
    }),
    position: z.number().int().nullable().openapi({
      description:
        "1-based place in line. Null until the opening for those who joined before it: at `opensAt` they are shuffled (fair among early arrivals); later arrivals go to the back in arrival order.",
    }),
    ahead: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Places still waiting ahead of this one (null before the opening)." }),
    joinedAt: z.string(),
    admittedQuantity: z.number().int().nullable().openapi({
      description: "Bottles the admission may order (at most the release's per-customer limit).",
    }),
    admissionToken: z.string().nullable().openapi({
      description:
        "While `admitted`: send it as the `Admission-Token` header of `POST /api/v1/orders` for the release's spirit.",
    }),
    admissionExpiresAt: z.string().nullable(),
    orderId: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi("QueuePlace");
export type QueuePlace = z.infer<typeof QueuePlaceSchema>;

export const StaffQueuePlaceSchema = QueuePlaceSchema.omit({ admissionToken: true })
  .extend({
    customerId: z.string(),
    status: z.enum(QUEUE_PLACE_STATUSES).openapi({ description: "The place's status as stored." }),
    note: z.string().nullable(),
  })
  .openapi("QueuePlaceForStaff");
export type StaffQueuePlace = z.infer<typeof StaffQueuePlaceSchema>;

export const StaffQueueListSchema = z
  .object({ items: z.array(StaffQueuePlaceSchema), nextCursor: z.string().nullable() })
  .openapi("QueuePlaceListForStaff");

export const StaffQueueQuerySchema = z.object({
  ...pageQueryShape({ defaultLimit: 50, maxLimit: 500 }),
  status: z.enum(QUEUE_PLACE_STATUSES, `must be one of ${QUEUE_PLACE_STATUSES.join(", ")}`).optional(),
});
export type StaffQueueQuery = z.output<typeof StaffQueueQuerySchema>;

export const QueueVoidSchema = z
  .strictObject({
    reason: z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters"),
  })
  .openapi("QueuePlaceVoid");

export const QueuePlaceParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "rel_01hx4k7m2qa9c3r5t7v9wxyz" }),
  placeId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "placeId", in: "path" }, example: "qpl_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

/** Pushed over the customer's notifications socket when their place changes (and readable by polling). */
export const QueueMessageSchema = z
  .object({ type: z.literal("queue"), place: QueuePlaceSchema })
  .openapi("QueueMessage", {
    description:
      "The caller's queue place after a change: its position at the opening, each batch admitted ahead of it, its admission (with the token) and its expiry.",
  });
export type QueueMessage = z.infer<typeof QueueMessageSchema>;
