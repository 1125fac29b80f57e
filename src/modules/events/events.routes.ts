import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";
import { EventListQuerySchema, EventListSchema } from "./events.schemas.ts";

export const listEvents = createRoute({
  method: "get",
  path: "/events",
  tags: ["Events"],
  summary: "Read the event log (staff)",
  description:
    "Every domain event in the order consumers receive them (oldest first), as written in the same atomic batch as its change. Follow the log with `nextCursor`; filter by `type` and `subject`. The payload of each type is in the document's `webhooks` section.",
  ...access("staff"),
  middleware: [requireRole("staff", "admin")],
  request: { query: EventListQuerySchema },
  responses: {
    200: jsonContent(EventListSchema, "One page of events."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export type ListEventsRoute = typeof listEvents;
