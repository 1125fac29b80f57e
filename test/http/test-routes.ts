/**
 * Routes mounted on a test app only, to drive the cross-cutting behaviour (body rules, validation, the
 * 500 that leaks nothing) without depending on any module. Mount them before the app's first request:
 * Hono builds its router then.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Server } from "bun";
import { API_PREFIX, type App } from "../../src/app.ts";
import {
  BODY_ERRORS,
  createRouter,
  jsonBody,
  jsonContent,
  problemResponses,
} from "../../src/http/openapi.ts";

export const SECRET = "hunter2-password-of-the-database";

const EchoSchema = z.object({
  name: z.string().min(1, "must not be empty"),
  bottles: z.number().int("must be a whole number").positive("must be at least 1"),
});

const echo = createRoute({
  method: "post",
  path: "/test/echo",
  tags: ["System"],
  summary: "Echo (tests only)",
  request: jsonBody(EchoSchema),
  responses: {
    200: jsonContent(EchoSchema.extend({ receivedBytes: z.number() }), "The body as parsed."),
    ...problemResponses(...BODY_ERRORS),
  },
});

/** How often /test/reached ran (a refusal before the handler leaves it alone). */
export const reached = { count: 0 };

export function mountTestRoutes(app: App) {
  const router = createRouter()
    .openapi(echo, async (c) => {
      const body = c.req.valid("json");
      return c.json({ ...body, receivedBytes: JSON.stringify(body).length }, 200);
    })
    .post("/test/reached", async (c) => {
      reached.count++;
      const text = await c.req.text();
      // What the runtime says about the caller, from the request the handler sees.
      const address = c.get("deps").clientAddress?.(c.req.raw, c.env) ?? null;
      return c.json({ receivedBytes: text.length, address }, 200);
    })
    .get("/test/boom", () => {
      throw new Error(`connection to libsql://db failed: password ${SECRET} rejected at /srv/app/db.ts:42`);
    })
    .get("/test/throw-object", () => {
      // Not an Error: Hono would rethrow it past app.onError.
      throw { code: "WEIRD", secret: SECRET };
    });
  app.route(API_PREFIX, router);
  return app;
}

/** A real server on a free port over the app; `env` is the Bun server, as in src/runtime/bun.ts. */
export function serve(app: App): { server: Server<undefined>; url: string } {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => app.fetch(req, srv) });
  return { server, url: `http://127.0.0.1:${server.port}` };
}
