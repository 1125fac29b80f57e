import { z } from "@hono/zod-openapi";
import { pageQueryShape } from "../../http/pagination.ts";
import { csvList } from "../../http/query-lists.ts";
import { EVENT_TYPES, type EventType } from "./domain-events.ts";

export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]).openapi("EventType", {
  description: "What happened, `<resource>.<verb>`.",
});

const envelope = {
  id: z.string().openapi({
    description: "Unique per event; a consumer that sees an id twice has seen the same event.",
    example: "evt_01hx5k3m2n8q7r6t5v4w3x",
  }),
  occurredAt: z.string().openapi({
    description: "When the change committed (ISO-8601 UTC).",
    example: "2026-12-04T01:00:00.000Z",
  }),
  subject: z.string().openapi({
    description: "The id of what the event is about (the spirit, order or review).",
    example: "spr_01hx4k7m2qa9c3r5t7v9wx",
  }),
};

/** An event of any type, as the event log lists it: `payload` is the type's (see the document's webhooks). */
export const EventSchema = z
  .object({
    ...envelope,
    type: EventTypeSchema,
    payload: z.record(z.string(), z.unknown()).openapi({
      description: "The type's payload: each type's schema is in the document's `webhooks` section.",
    }),
  })
  .openapi("Event");

export const EventListSchema = z
  .object({ items: z.array(EventSchema), nextCursor: z.string().nullable() })
  .openapi("EventList");

export const EventListQuerySchema = z.object({
  ...pageQueryShape({ defaultLimit: 50, maxLimit: 500 }),
  type: csvList(EventTypeSchema, "Only events of these types."),
  subject: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Only events about this id (a spirit, order or review)." }),
});
export type EventListQuery = z.output<typeof EventListQuerySchema>;
export type Event = z.infer<typeof EventSchema>;
