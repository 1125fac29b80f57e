import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { jsonContent, problemResponses } from "../../http/openapi.ts";

export const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");
export const ReadinessSchema = z
  .object({
    status: z.enum(["ready", "not_ready"]),
    database: z.enum(["ok", "unreachable"]),
    migrations: z.object({ applied: z.number().int(), expected: z.number().int() }),
  })
  .openapi("Readiness");

export const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "checkLiveness",
  tags: ["System"],
  summary: "Liveness: the process is up",
  ...access("public"),
  responses: { 200: jsonContent(HealthSchema, "The process is up."), ...problemResponses() },
});

export const readyz = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "checkReadiness",
  tags: ["System"],
  summary: "Readiness: the database answers and every migration is applied",
  ...access("public"),
  responses: {
    200: jsonContent(ReadinessSchema, "Ready to serve."),
    503: jsonContent(ReadinessSchema, "Not ready: the database is unreachable or migrations are missing."),
    ...problemResponses(),
  },
});
