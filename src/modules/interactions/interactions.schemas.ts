import { z } from "@hono/zod-openapi";
import { CLIENT_INTERACTION_KINDS, INTERACTION_KINDS } from "../../db/schema/signals.ts";
import { pageQueryShape } from "../../http/pagination.ts";

export const MAX_EVENTS_PER_REQUEST = 100;

const nowExample = "2026-06-01T12:00:00.000Z";

export const CustomerIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({
      param: { name: "id", in: "path" },
      description: "A customer id, or `me` for the caller.",
      example: "me",
    }),
});

const slug = z
  .string()
  .max(40, "must be at most 40 characters")
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, "must be a lower-case slug such as `search-results`");

export const ClientInteractionSchema = z
  .strictObject({
    kind: z.enum(CLIENT_INTERACTION_KINDS, {
      error: `must be one of ${CLIENT_INTERACTION_KINDS.join(", ")} (purchases, wishlist changes, reviews and searches are recorded by the server)`,
    }),
    spiritId: z.string().min(1, "is required").max(100, "is not a spirit id"),
    occurredAt: z.iso
      .datetime({ error: "must be an ISO-8601 UTC time such as 2026-06-01T12:00:00Z" })
      .optional()
      .openapi({ description: "When it happened on the client; defaults to when it is received." }),
    eventId: z
      .string()
      .min(8, "must be 8 to 64 characters")
      .max(64, "must be 8 to 64 characters")
      .optional()
      .openapi({
        description: "A client-chosen unique id: an event sent twice (a retry) is recorded once.",
        example: "9b2f6c1e-4d7a-4c55-9a9e-1f0b8c2d3e4f",
      }),
    context: slug.optional().openapi({
      description: "Where it happened: `search-results`, `recommendations`, `product-page`...",
      example: "recommendations",
    }),
    position: z.number().int().min(0).max(10_000).optional().openapi({
      description: "Position of the spirit in the list that was shown (0 is first).",
    }),
    durationMs: z.number().int().min(0).max(86_400_000).optional().openapi({
      description: "How long a view lasted.",
    }),
  })
  .openapi("ClientInteraction", {
    example: {
      kind: "view",
      spiritId: "spr_01hx4k7m2qa9c3r5t7v9wxyz",
      context: "product-page",
      durationMs: 5400,
    },
  });

export const InteractionBatchSchema = z
  .strictObject({
    events: z
      .array(ClientInteractionSchema)
      .min(1, "must hold at least one event")
      .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`),
  })
  .openapi("InteractionBatch", {
    description: `Up to ${MAX_EVENTS_PER_REQUEST} events; all are recorded or none.`,
  });

export const InteractionBatchResultSchema = z
  .object({
    recorded: z.number().int().openapi({ example: 3 }),
    duplicates: z
      .number()
      .int()
      .openapi({ description: "Events ignored because their `eventId` was recorded before.", example: 0 }),
  })
  .openapi("InteractionBatchResult");

export const InteractionSchema = z
  .object({
    id: z.string().openapi({ example: "int_01hx4m0000abcdefghjkmn" }),
    kind: z.enum(INTERACTION_KINDS),
    spiritId: z.string().nullable().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    source: z.enum(["client", "server"]),
    value: z
      .number()
      .nullable()
      .openapi({ description: "A review's rating, a purchase's quantity, a search's result count." }),
    detail: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .nullable()
      .openapi({ example: { context: "product-page" } }),
    occurredAt: z.string().openapi({ example: nowExample }),
    recordedAt: z.string().openapi({ example: nowExample }),
  })
  .openapi("Interaction");

export const InteractionListSchema = z
  .object({ items: z.array(InteractionSchema), nextCursor: z.string().nullable() })
  .openapi("InteractionList");

export const InteractionListQuerySchema = z.object({
  kind: z.enum(INTERACTION_KINDS).optional(),
  ...pageQueryShape(),
});

export const PurchaseSchema = z
  .object({
    orderId: z.string().openapi({ example: "ord_01hx4m0000abcdefghjkmn" }),
    lineId: z.string(),
    spiritId: z.string().openapi({ example: "spr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    spiritName: z.string().nullable().openapi({ example: "Port Ardnahoe 12 Year Old Cask Strength" }),
    batchId: z.string().nullable(),
    quantity: z.number().int().openapi({ example: 1 }),
    unitPrice: z.object({ amountMinor: z.number().int(), currency: z.string() }).openapi({
      example: { amountMinor: 18500, currency: "GBP" },
    }),
    orderStatus: z.string().openapi({ example: "confirmed" }),
    purchasedAt: z.string().openapi({ example: nowExample }),
  })
  .openapi("Purchase");

export const PurchaseListSchema = z
  .object({ items: z.array(PurchaseSchema), nextCursor: z.string().nullable() })
  .openapi("PurchaseList");
