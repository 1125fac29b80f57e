import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env.ts";
import type { Deps } from "./deps.ts";
import { apiRateLimit } from "./http/api-rate-limit.ts";
import { authenticate } from "./http/auth.ts";
import { limitBody, requireJsonBody } from "./http/body-rules.ts";
import { corsForOrigins } from "./http/cors.ts";
import { handleError, notFoundOrMethodNotAllowed } from "./http/errors.ts";
import { buildOpenApiDocument } from "./http/openapi-document.ts";
import { requestContext } from "./http/request-context.ts";
import { useApiMessages } from "./http/schema-messages.ts";
import { accountsRouter } from "./modules/accounts/index.ts";
import { auditRouter } from "./modules/audit/index.ts";
import { authRouter } from "./modules/auth/index.ts";
import { catalogRouter } from "./modules/catalog/index.ts";
import { complianceRouter } from "./modules/compliance/index.ts";
import { customersRouter } from "./modules/customers/index.ts";
import { apiLinksRouter, createDocsRouter } from "./modules/docs/index.ts";
import { eventsRouter } from "./modules/events/index.ts";
import { healthRouter } from "./modules/health/index.ts";
import { insightsRouter } from "./modules/insights/index.ts";
import { interactionsRouter } from "./modules/interactions/index.ts";
import { inventoryRouter } from "./modules/inventory/index.ts";
import { locationsRouter } from "./modules/locations/index.ts";
import { metricsRouter } from "./modules/metrics/index.ts";
import { notificationsRouter } from "./modules/notifications/index.ts";
import { ordersRouter } from "./modules/orders/index.ts";
import { pollsRouter } from "./modules/polls/index.ts";
import { privacyRouter } from "./modules/privacy/index.ts";
import { provenanceRouter } from "./modules/provenance/index.ts";
import { recommendationsRouter } from "./modules/recommendations/index.ts";
import { releasesRouter } from "./modules/releases/index.ts";
import { reviewsRouter } from "./modules/reviews/index.ts";
import { searchRouter } from "./modules/search/index.ts";
import { stockStreamRouter } from "./modules/stock-stream/index.ts";
import { waitlistsRouter } from "./modules/waitlists/index.ts";
import { registerEventWebhooks } from "./modules/webhooks/event-docs.ts";
import { webhooksRouter } from "./modules/webhooks/index.ts";
import type { Services } from "./services.ts";

export const API_PREFIX = "/api/v1";

/**
 * Builds the whole HTTP app over the given deps; it touches no runtime API, so Bun, Workers and tests share
 * it. The services are the runtime's one set (buildServices), shared with its background jobs and caches.
 */
export function createApp(deps: Deps, services: Services) {
  useApiMessages();
  const app = new OpenAPIHono<AppEnv>({ strict: false });

  app.use("*", async (c, next) => {
    c.set("deps", deps);
    c.set("services", services);
    await next();
  });
  app.use("*", requestContext);
  app.use("*", corsForOrigins(deps.config.CORS_ORIGINS));
  // Cheapest refusals first: the rate limit, then the body's type and size, then the token.
  app.use(
    `${API_PREFIX}/*`,
    apiRateLimit({
      perMinute: deps.config.RATE_LIMIT_PER_MINUTE,
      limiter: deps.rateLimiter,
      clientAddress: deps.clientAddress,
    }),
    requireJsonBody,
    limitBody,
    authenticate,
  );

  app.route("/", healthRouter);
  app.route("/", metricsRouter({ dedicatedPort: false }));
  app.route("/", createDocsRouter(deps.docsAssets));
  app.route("/", apiLinksRouter);
  app.route(API_PREFIX, authRouter);
  app.route(API_PREFIX, accountsRouter);
  app.route(API_PREFIX, customersRouter);
  app.route(API_PREFIX, privacyRouter);
  // GET /spirits: the search module answers, and hands plain listings to the catalog.
  app.route(API_PREFIX, searchRouter);
  app.route(API_PREFIX, catalogRouter);
  app.route(API_PREFIX, locationsRouter);
  app.route(API_PREFIX, complianceRouter);
  app.route(API_PREFIX, inventoryRouter);
  app.route(API_PREFIX, ordersRouter);
  app.route(API_PREFIX, stockStreamRouter);
  app.route(API_PREFIX, reviewsRouter);
  app.route(API_PREFIX, interactionsRouter);
  app.route(API_PREFIX, recommendationsRouter);
  app.route(API_PREFIX, releasesRouter);
  app.route(API_PREFIX, waitlistsRouter);
  app.route(API_PREFIX, pollsRouter);
  app.route(API_PREFIX, insightsRouter);
  app.route(API_PREFIX, eventsRouter);
  app.route(API_PREFIX, webhooksRouter);
  app.route(API_PREFIX, notificationsRouter);
  app.route(API_PREFIX, provenanceRouter);
  app.route(API_PREFIX, auditRouter);

  // Every domain event, as the webhook that carries it (the document's `webhooks`).
  registerEventWebhooks(app.openAPIRegistry);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An access token from `POST /api/v1/auth/login`, or from the configured OpenID Connect provider.",
  });
  // Built on first request, then served from this string: generating it walks every zod schema.
  let document: string | undefined;
  const openApiDocument = () => {
    document ??= JSON.stringify(buildOpenApiDocument(app, { apiPrefix: API_PREFIX }));
    return document;
  };
  app.get(`${API_PREFIX}/openapi.json`, (c) =>
    c.body(openApiDocument(), 200, { "Content-Type": "application/json" }),
  );

  // The checkpoint keys where verifiers look first (the same set as /api/v1/provenance/keys).
  app.get("/.well-known/provenance-keys.json", async (c) => c.json(await services.provenance.keys(), 200));

  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
