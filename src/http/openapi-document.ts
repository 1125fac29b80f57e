import type { OpenAPIHono } from "@hono/zod-openapi";
import { RATE_LIMITED_RESPONSE } from "./api-rate-limit.ts";
import { IF_NONE_MATCH_PARAMETER } from "./http-cache.ts";
import { moveQueryExamplesToSchemas } from "./openapi-examples.ts";

type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type Operation = {
  operationId?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
  parameters?: unknown[];
  [key: string]: unknown;
};

/**
 * One entry per module, in the order the reference shows them. Only tags that some operation uses are
 * published; a tag without an entry here is published without a description (and the OpenAPI quality
 * test names it), so a new module adds its line here.
 */
export const API_TAGS: readonly { name: string; description: string }[] = [
  { name: "System", description: "Liveness and readiness probes for load balancers and orchestrators." },
  {
    name: "Auth",
    description:
      "Registration, login, refresh-token rotation and logout. Failed logins are slowed per account and per client (429 with `Retry-After`); answers never reveal whether an e-mail is registered.",
  },
  { name: "Accounts", description: "Staff and admin accounts; only admins manage them." },
  {
    name: "Customers",
    description:
      "Customer profiles, preferences and wishlists. `me` stands for the caller; a customer reaches only their own data.",
  },
  {
    name: "Catalog",
    description:
      "Spirits and their batches (lots): what a shop sells, with tasting notes, flavour profile, awards, price and shop-defined attributes. Staff and admins change it; anyone reads it.",
  },
  { name: "Search", description: "Full-text search over the catalog, with filters, facets and sorts." },
  {
    name: "Inventory",
    description:
      "Stock levels per spirit, batch and location, and the append-only movement ledger behind them. For every level `0 <= reserved <= onHand`.",
  },
  {
    name: "Locations",
    description:
      "Warehouses and retail points where stock is kept, and the destinations each ships to (`*`, `EU`, a country such as `GB`, or a subdivision such as `GB-SCT`).",
  },
  {
    name: "Compliance",
    description:
      "Legal age and shipping rules for spirits: the minimum age per country or subdivision, and the destinations that may not receive spirits. Orders that break them are refused with a problem naming the rule.",
  },
  {
    name: "Stock",
    description:
      "Live availability: holds that expire, and the real-time stock feed (its messages are described by the AsyncAPI document at `/api/v1/asyncapi.json`).",
  },
  {
    name: "Orders",
    description:
      "Orders that never oversell: stock is held per spirit in a fixed order, all or nothing. Placing, confirming, cancelling and shipping one accept an `Idempotency-Key`. An order's life is one table: preordered → reserved → confirmed (paid) → shipped → delivered, or cancelled, expired, refunded.",
  },
  {
    name: "Payments",
    description:
      "Only a verified payment confirms an order: a provider's signed webhook (Stripe), or staff recording an offline payment (manual). Money that cannot be kept (wrong amount, a lapsed hold whose bottles are gone, a cancelled order, a customer no longer allowed to buy) is refunded through the provider that took it.",
  },
  {
    name: "Drops",
    description: "Timed releases of limited editions, with countdowns and per-customer limits.",
  },
  {
    name: "Waitlists",
    description:
      "Lines for sold-out spirits: freed bottles are kept for the line and offered to its entries in order, each as an order reserved for a payment window.",
  },
  { name: "Reviews", description: "Customer reviews and ratings, with moderation." },
  {
    name: "Insights",
    description:
      "Staff estimates of demand for a spirit or a release, and price suggestions with their reasons; a suggestion is never applied by itself, and staff decisions about one are recorded.",
  },
  {
    name: "Audit",
    description:
      "The staff audit log (catalog, stock, price and role changes) is append-only and hash-chained; admins verify it.",
  },
  {
    name: "Provenance",
    description:
      "Each numbered bottle's history as a hash chain, and a daily Merkle root over every chain head signed with the shop's Ed25519 key: anyone can verify a bottle offline (`npm run verify-bottle`).",
  },
  {
    name: "Polls",
    description:
      "Feedback polls staff aim at segments of customers (preferences, purchases); a customer answers once, editable until the poll closes. Choosing a spirit declares interest in it, which the recommender weighs.",
  },
  {
    name: "Recommendations",
    description: "Spirits suggested from preferences, flavour profiles and history.",
  },
  {
    name: "Signals",
    description:
      "What a customer does (views, wishlist adds, purchases), recorded to feed their recommendations; a customer reads only their own.",
  },
  {
    name: "Notifications",
    description:
      "A customer's inbox of news matched to them, never broadcast: new releases matching their preferences or wishlist, price drops and returns to stock of wishlisted spirits, holds about to expire, order updates and ballot results; live over their WebSocket on Bun. Settings choose topics, e-mail (with quiet hours in their time zone and a daily cap, beyond which one digest), and every e-mail has a signed one-click unsubscribe link.",
  },
  {
    name: "Events",
    description:
      "The domain event log (transactional outbox): every change writes its event in the same atomic batch, and each is delivered at least once to the shop's consumers and to its webhook endpoints. Each event type is described under `webhooks`.",
  },
  {
    name: "Webhooks",
    description:
      "Endpoints staff register to receive events: POSTed as JSON, signed per [Standard Webhooks](https://www.standardwebhooks.com) (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with exponential backoff and jitter for about a day, each attempt in the endpoint's delivery log. An endpoint whose every attempt failed for a day is disabled.",
  },
];

const DESCRIPTION = `The HTTP API of **Angel's Share**: catalog, inventory that never oversells, timed holds and orders, customers and their preferences, for shops selling rare and limited-edition spirits.

- **Authentication**: \`Authorization: Bearer <JWT>\`, an access token from \`POST /api/v1/auth/login\` (15 minutes by default, renewed with the refresh token). Roles are \`customer\`, \`staff\` and \`admin\`.
- **Errors** are \`application/problem+json\` (RFC 9457) with \`type\`, \`title\`, \`status\`, \`detail\` and \`code\` (one of the \`ProblemCode\` values, listed with when each occurs: switch on it); validation failures (422) add \`errors\`, a list of \`{ path, message }\`. Every response carries \`X-Request-Id\`; quote it when reporting a problem.
- **Lists** take \`limit\` and \`cursor\` and answer \`{ items, nextCursor }\`.
- **Money** is an integer amount in minor units plus an ISO 4217 currency; **times** are ISO-8601 UTC strings; **ids** are opaque strings.
- **Retries**: requests that create orders or change stock accept an \`Idempotency-Key\` header; a retry with the same key gets the first answer and changes nothing more.
- **Rate limits**: each client has a per-minute budget for \`/api/v1\`; every answer says what is left in the \`RateLimit\` and \`RateLimit-Policy\` headers, and a 429 says when to come back in \`Retry-After\`.
- **Real-time stock** messages are described in the [AsyncAPI document](/api/v1/asyncapi.json).`;

/** A variable, not a literal in the call: the generator's types predate 3.1's `info.summary`. */
const INFO = {
  title: "Angel's Share API",
  version: "1.0.0",
  summary: "Edge HTTP API for shops selling rare and limited-edition spirits.",
  description: DESCRIPTION,
  contact: { name: "Angel's Share maintainers", url: "https://angelshare.dev" },
  license: { name: "MIT", url: "https://opensource.org/license/mit" },
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/**
 * Builds the published OpenAPI 3.1 document from the routes registered on the app, and adds what is
 * cross-cutting: the product metadata, tag descriptions, an operationId for every operation, the
 * rate limit's 429 on every operation under the API prefix, and optional query parameters' examples
 * where "Try it out" does not send them. Call it once and cache the result: it walks
 * every zod schema.
 */
export function buildOpenApiDocument(
  app: Pick<OpenAPIHono, "getOpenAPI31Document">,
  options: { apiPrefix: string },
): OpenApiDocument {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: INFO,
    servers: [{ url: "/", description: "This server" }],
    externalDocs: { description: "Interactive reference", url: "/docs" },
  });

  const usedTags = new Set<string>();
  const usedIds = new Set<string>();
  const operations = listOperations(document);
  for (const { operation } of operations) {
    for (const tag of operation.tags ?? []) usedTags.add(tag);
    if (operation.operationId) usedIds.add(operation.operationId);
  }
  for (const { path, method, operation } of operations) {
    if (!operation.operationId) {
      operation.operationId = unique(deriveOperationId(method, path, options.apiPrefix), usedIds);
      usedIds.add(operation.operationId);
    }
    if (operation.responses?.["304"]) {
      operation.parameters = [...(operation.parameters ?? []), structuredClone(IF_NONE_MATCH_PARAMETER)];
    }
    const limited = path === options.apiPrefix || path.startsWith(`${options.apiPrefix}/`);
    if (limited && operation.responses && !operation.responses["429"]) {
      operation.responses["429"] = structuredClone(RATE_LIMITED_RESPONSE);
    }
    moveQueryExamplesToSchemas(operation);
  }

  const known = API_TAGS.filter((t) => usedTags.has(t.name));
  const unknown = [...usedTags].filter((t) => !API_TAGS.some((k) => k.name === t)).map((name) => ({ name }));
  document.tags = [...known, ...unknown];
  return document;
}

export function listOperations(document: { paths?: Record<string, unknown> }) {
  const out: { path: string; method: string; operation: Operation }[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (operation) out.push({ path, method, operation });
    }
  }
  return out;
}

const VERBS: Record<string, string> = {
  put: "replace",
  patch: "update",
  delete: "delete",
  head: "head",
  options: "options",
  trace: "trace",
};

/**
 * A readable id for an operation that did not name one. A collection reads singular when an id picks
 * one of it or something follows it; the verb comes from the method: `get` of a collection is `list`,
 * `post` is `create`, or the action the path ends with (the verbs in ACTIONS). So
 * `GET /api/v1/spirits/{id}/batches` is `listSpiritBatches`, `POST /api/v1/spirits` is `createSpirit`,
 * `PUT .../batches/{batchId}` is `replaceSpiritBatch` and `POST /api/v1/orders/{id}/confirm` is
 * `confirmOrder`. A route that wants another name sets `operationId` itself.
 */
export function deriveOperationId(method: string, path: string, apiPrefix: string): string {
  const relative = path.startsWith(apiPrefix) ? path.slice(apiPrefix.length) : path;
  const segments = relative.split("/").filter(Boolean);
  const endsWithParam = segments.length > 0 && isParam(segments[segments.length - 1]!);
  const names = segments.filter((s) => !isParam(s));
  const last = names[names.length - 1] ?? "";
  const collection = !endsWithParam && isPlural(last);
  const words = segments.flatMap((segment, i) => {
    if (isParam(segment)) return [];
    const followedByParam = i + 1 < segments.length && isParam(segments[i + 1]!);
    const isLast = segment === last && i === segments.lastIndexOf(last);
    // A collection reads singular when an id picks one of it, when something follows it, or when one is created.
    const singular = followedByParam || (!isLast && isPlural(segment)) || (isLast && method === "post");
    return splitWords(singular ? singularize(segment) : segment);
  });
  let verb: string;
  if (method === "get") verb = collection ? "list" : "get";
  else if (method === "post" && !endsWithParam && names.length > 1 && ACTIONS.has(last.toLowerCase())) {
    // An action on what precedes it: POST /orders/{id}/confirm.
    verb = last.toLowerCase();
    words.pop();
  } else if (method === "post") verb = "create";
  else verb = VERBS[method] ?? method;
  return verb + (words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("") || "Root");
}

/** Path endings that name an action rather than a thing (a verb cannot be told from a noun otherwise). */
const ACTIONS = new Set([
  ...["approve", "archive", "cancel", "confirm", "deliver", "login", "logout", "publish", "refresh"],
  ...["register", "reject", "release", "reset", "restore", "revoke", "rotate", "ship", "unpublish", "verify"],
]);

const isPlural = (word: string) => /s$/.test(word) && !/ss$/.test(word);

const isParam = (segment: string) => segment.startsWith("{") || segment.startsWith(":");

const splitWords = (segment: string) =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

function singularize(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ch|sh|x|ss|z)es$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word) && !/ss$/.test(word)) return word.slice(0, -1);
  return word;
}

function unique(id: string, used: Set<string>): string {
  if (!used.has(id)) return id;
  let n = 2;
  while (used.has(`${id}${n}`)) n++;
  return `${id}${n}`;
}
