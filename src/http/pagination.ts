import { z } from "@hono/zod-openapi";

/**
 * The `limit` and `cursor` query parameters every list takes (DESIGN: lists answer `{ items, nextCursor }`),
 * with one wording of their errors everywhere. Spread into a list's query schema.
 */
export function pageQueryShape({ defaultLimit = 20, maxLimit = 100 } = {}) {
  const range = `must be a whole number from 1 to ${maxLimit}`;
  return {
    limit: z.coerce
      .number({ error: range })
      .int(range)
      .min(1, range)
      .max(maxLimit, range)
      .default(defaultLimit)
      .openapi({ description: `Items per page (1 to ${maxLimit}).`, example: defaultLimit }),
    cursor: z
      .string()
      .max(1000, "is not a valid cursor for this list")
      .optional()
      .openapi({ description: "`nextCursor` from the previous page; omit it for the first page." }),
  };
}
