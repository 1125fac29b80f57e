import { createRouter } from "../../http/openapi.ts";
import { healthz, readyz } from "./health.routes.ts";

export const healthRouter = createRouter()
  .openapi(healthz, (c) => c.json({ status: "ok" as const }, 200))
  .openapi(readyz, async (c) => {
    const r = await c.get("services").health.readiness();
    const body = {
      status: r.ready ? ("ready" as const) : ("not_ready" as const),
      database: r.database,
      migrations: { applied: r.applied, expected: r.expected },
    };
    return r.ready ? c.json(body, 200) : c.json(body, 503);
  });
