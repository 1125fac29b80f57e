import { z } from "@hono/zod-openapi";

/** A point in time as the API takes it: ISO-8601 in UTC (`Z`), never a local offset. */
export const Instant = z.iso.datetime({ message: "must be an ISO-8601 UTC time", offset: false }).openapi({
  example: "2026-12-10T10:00:00.000Z",
});
