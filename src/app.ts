import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env.ts";
import type { Deps } from "./deps.ts";
import { authenticate } from "./http/auth.ts";
import { limitBody, requireJsonBody } from "./http/body-rules.ts";
import { handleError, notFoundOrMethodNotAllowed } from "./http/errors.ts";
import { requestContext } from "./http/request-context.ts";
import { catalogRouter, spiritListRouter } from "./modules/catalog/index.ts";
import { healthRouter } from "./modules/health/index.ts";
import { inventoryRouter } from "./modules/inventory/index.ts";
import { ordersRouter } from "./modules/orders/index.ts";
import { interactionsRouter } from "./modules/interactions/index.ts";
import { recommendationsRouter } from "./modules/recommendations/index.ts";
import { reviewsRouter } from "./modules/reviews/index.ts";
import { buildServices } from "./services.ts";

export const API_PREFIX = "/api/v1";

/** Builds the whole HTTP app over the given deps; it touches no runtime API, so Bun, Workers and tests share it. */
export function createApp(deps: Deps) {
  const services = buildServices(deps);
  const app = new OpenAPIHono<AppEnv>({ strict: false });

  app.use("*", async (c, next) => {
    c.set("deps", deps);
    c.set("services", services);
    await next();
  });
  app.use("*", requestContext);
  app.use(
    "*",
    cors({
      origin: (origin) => (deps.config.CORS_ORIGINS.includes(origin) ? origin : null),
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "Idempotency-Key",
        "If-Match",
        "X-Request-Id",
        "Last-Event-ID",
      ],
      exposeHeaders: ["X-Request-Id", "Retry-After", "Location", "ETag", "Idempotent-Replayed"],
      maxAge: 600,
    }),
  );
  app.use(`${API_PREFIX}/*`, limitBody, requireJsonBody, authenticate);

  app.route("/", healthRouter);
  app.route(API_PREFIX, spiritListRouter);
  app.route(API_PREFIX, catalogRouter);
  app.route(API_PREFIX, inventoryRouter);
  app.route(API_PREFIX, ordersRouter);
  app.route(API_PREFIX, reviewsRouter);
  app.route(API_PREFIX, interactionsRouter);
  app.route(API_PREFIX, recommendationsRouter);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An access token from `POST /api/v1/auth/login`, or from the configured OpenID Connect provider.",
  });
  let document: string | undefined;
  const openApiDocument = () => {
    document ??= JSON.stringify(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "Angel's Share API",
          version: "1.0.0",
          description:
            "Catalog, inventory that never oversells, orders and customers for shops selling rare spirits.",
        },
        servers: [{ url: "/", description: "This server" }],
      }),
    );
    return document;
  };
  app.get(`${API_PREFIX}/openapi.json`, (c) =>
    c.body(openApiDocument(), 200, { "Content-Type": "application/json" }),
  );

  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
