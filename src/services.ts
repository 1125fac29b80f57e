import type { Deps } from "./deps.ts";
import { TokenService } from "./http/tokens.ts";
import { createAccountsService } from "./modules/accounts/accounts.service.ts";
import { createAuditService } from "./modules/audit/audit.service.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createCatalogService } from "./modules/catalog/catalog.service.ts";
import { createComplianceService } from "./modules/compliance/compliance.service.ts";
import { createCustomersService } from "./modules/customers/customers.service.ts";
import { createEventsService } from "./modules/events/events.service.ts";
import { createHealthService } from "./modules/health/health.service.ts";
import { createInsightsService } from "./modules/insights/insights.service.ts";
import { insightsPortsFrom } from "./modules/insights/insights.wiring.ts";
import { createInteractionsService } from "./modules/interactions/interactions.service.ts";
import { createPurchasesService } from "./modules/interactions/purchases.service.ts";
import { createInventoryService } from "./modules/inventory/inventory.service.ts";
import { inventoryPortsFrom } from "./modules/inventory/inventory.wiring.ts";
import { createLocationsService } from "./modules/locations/locations.service.ts";
import { createNotificationsService } from "./modules/notifications/notifications.service.ts";
import { notificationsPortsFrom } from "./modules/notifications/notifications.wiring.ts";
import { createOrdersService } from "./modules/orders/orders.service.ts";
import { ordersPortsFrom } from "./modules/orders/orders.wiring.ts";
import { createPollsService } from "./modules/polls/polls.service.ts";
import { pollsPortsFrom } from "./modules/polls/polls.wiring.ts";
import { createPrivacyService } from "./modules/privacy/privacy.service.ts";
import { createProvenanceService } from "./modules/provenance/provenance.service.ts";
import { createRecommendationsService } from "./modules/recommendations/recommendations.service.ts";
import { legalCheckFrom } from "./modules/recommendations/recommendations.wiring.ts";
import { createRefreshQueue } from "./modules/recommendations/refresh-queue.ts";
import { createBallotsService } from "./modules/releases/ballot.service.ts";
import { createQueuesService } from "./modules/releases/queue.service.ts";
import { settleAdmission } from "./modules/releases/queue-admissions.ts";
import { createReleasesService } from "./modules/releases/releases.service.ts";
import { ballotPortsFrom, queuePortsFrom, releasesPortsFrom } from "./modules/releases/releases.wiring.ts";
import { createReviewsService } from "./modules/reviews/reviews.service.ts";
import { createSearchService } from "./modules/search/search.service.ts";
import { createStockStreamService } from "./modules/stock-stream/stock-stream.service.ts";
import { createWaitlistsService } from "./modules/waitlists/waitlists.service.ts";
import { gateWithEarmark, waitlistPortsFrom } from "./modules/waitlists/waitlists.wiring.ts";
import { createWebhooksService } from "./modules/webhooks/webhooks.service.ts";

/** Every module's service, built once per runtime from its deps; handlers reach them through `c.get("services")`. */
export function buildServices(deps: Deps) {
  const audit = createAuditService(deps);
  const base = {
    tokens: new TokenService(deps.config, () => deps.clock.now(), deps.hmacSha256),
    accounts: createAccountsService(deps, audit),
    audit,
    catalog: createCatalogService(deps, audit),
    health: createHealthService(deps),
    locations: createLocationsService(deps, audit),
    compliance: createComplianceService(deps, audit),
    // The outbox's log and dispatcher: consumers (webhooks, notifications) register on it below.
    events: createEventsService(deps),
  };
  // Inventory and orders reach locations and compliance through `base` (their ports).
  const inventory = createInventoryService(deps, inventoryPortsFrom(base));
  // The signal side: interactions ask for refreshes through the recommendations' queue (their port).
  const queue = createRefreshQueue(deps);
  const purchases = createPurchasesService(deps);
  const interactions = createInteractionsService(deps, { queue });
  const signals = { catalog: base.catalog, purchases, interactions };
  const releases = createReleasesService(deps, releasesPortsFrom(deps, { ...base, inventory }));
  // Customers report wishlist and profile changes to the interaction log.
  const customers = createCustomersService(deps, { audit, catalog: base.catalog, signals: interactions });
  const reviews = createReviewsService(deps, { ...signals, audit });
  const auth = createAuthService(deps, base);
  // Export and erasure read and write every table that names a customer (the data map), in one batch.
  const privacy = createPrivacyService(deps, {
    audit,
    accounts: base.accounts,
    confirmPassword: auth.confirmPassword,
    catchUpSignals: interactions.syncServerSignals,
    recountRating: reviews.recountRating,
    forgetSpirit: base.catalog.forgetSpirit,
  });
  // Outbound webhooks: one consumer of the outbox, and the sender the runtimes run after each dispatch.
  const webhooks = createWebhooksService(deps);
  base.events.register(webhooks.consumer);
  const orders = createOrdersService(deps, {
    ...ordersPortsFrom(deps, base),
    // A spirit with a waitlist keeps freed bottles for it: every hold but an offer's own leaves them.
    releaseGate: gateWithEarmark(releases.gateForOrder),
    settleAdmission: (orderId, outcome) => settleAdmission(deps, orderId, outcome),
  });
  // Ballots place their winners' orders through the orders service, so they come after it.
  const ballots = createBallotsService(
    deps,
    ballotPortsFrom({ ...base, releases, customers, orders, inventory }),
  );
  // Waitlists offer freed bottles through the orders service; their consumer moves them on stock events.
  const waitlists = createWaitlistsService(
    deps,
    waitlistPortsFrom({ ...base, inventory, customers, orders }),
  );
  base.events.register(waitlists.consumer);
  // Targeted notifications: another consumer, with the e-mail sender the runtimes run after each dispatch.
  const notifications = createNotificationsService(
    deps,
    notificationsPortsFrom({ catalog: base.catalog, customers, ballots }),
  );
  base.events.register(notifications.consumer);
  // The waiting room pushes places over the notifications socket, so it comes after notifications.
  const queues = createQueuesService(
    deps,
    queuePortsFrom({ ...base, releases, inventory, orders, notifications }),
  );
  return {
    ...base,
    webhooks,
    notifications,
    inventory,
    orders,
    ballots,
    queues,
    waitlists,
    auth,
    privacy,
    customers,
    search: createSearchService(deps, base.catalog),
    purchases,
    interactions,
    reviews,
    polls: createPollsService(
      deps,
      pollsPortsFrom({ ...base, customers, purchases, interactions, releases, reviews }),
    ),
    recommendations: createRecommendationsService(deps, {
      ...signals,
      queue,
      legal: legalCheckFrom(base.compliance),
    }),
    releases,
    provenance: createProvenanceService(deps),
    insights: createInsightsService(
      deps,
      insightsPortsFrom({ ...base, customers, interactions, purchases, inventory }),
    ),
    stockStream: createStockStreamService(deps, {
      spiritExists: async (id) => Boolean(await base.catalog.findSpirit(id)),
      stockSnapshot: inventory.stockSnapshot,
    }),
  };
}

export type Services = ReturnType<typeof buildServices>;
