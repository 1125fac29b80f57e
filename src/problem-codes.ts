import { z } from "@hono/zod-openapi";

/**
 * Every problem the API answers with names one of these codes, as the last segment of its `type` URI and
 * as its `code` member, so a client can switch on it. One line each: when it occurs. The OpenAPI document
 * lists them (the `ProblemCode` schema); a code missing here does not compile, and a test checks the
 * literals in the source against this table.
 */
export const PROBLEM_CODES = {
  // One per HTTP status, when nothing more precise applies.
  "bad-request": "400: the request cannot be read (for example, a body that is not valid JSON).",
  unauthorized: "401: no access token, where the operation needs one.",
  forbidden: "403: the caller's role or ownership does not allow this operation.",
  "not-found": "404: no such resource, or one the caller may not see; also an unknown path.",
  "method-not-allowed": "405: the path exists but not with this method (see `Allow`).",
  conflict: "409: the request conflicts with the resource's current state.",
  "payload-too-large": "413: the body is over the size limit (also for chunked bodies).",
  "unsupported-media-type": "415: a body that is not `application/json`.",
  validation: "422: the request failed validation; `errors` lists each field and why.",
  "too-many-requests": "429: too many requests (see `Retry-After`).",
  internal: "500: a bug on our side; it has been logged (quote `requestId`).",
  "not-implemented": "501: this runtime does not serve the operation (for example, SSE on Workers).",
  unavailable: "503: a dependency (the database) is not answering; try again.",
  misconfigured: "500: the server's configuration is invalid (Workers: a binding or variable is wrong).",
  error: "Any other status, without a code of its own.",
  // Authentication and accounts.
  "invalid-token":
    "401: the access token (or Authorization header) cannot be used: malformed, wrongly signed, expired, without `exp` or `iat`, issued in the future, or its account is disabled.",
  "invalid-credentials": "e-mail or password wrong (the same answer for both).",
  "invalid-refresh-token": "the refresh token is unknown, expired or already used (its family is revoked).",
  "account-disabled": "the account has been disabled by an admin.",
  "too-many-attempts": "too many failed sign-ins or registrations for this e-mail or client.",
  "rate-limited": "the client went over its request rate (see `RateLimit` and `Retry-After`).",
  "email-taken": "an account with this e-mail exists.",
  "self-demotion": "an admin tried to remove their own admin role or disable themselves.",
  "invalid-email-token":
    "400: the e-mailed token (address verification, a new address, a password reset) is unknown, expired, already used or replaced by a newer one.",
  "wrong-password":
    "403: the password given to confirm an account change (password, e-mail, erasure) is wrong.",
  "erasure-blocked":
    "409: the customer cannot be erased yet: orders still open (`orders`), or a staff or admin account.",
  // Catalog, inventory and stock.
  "duplicate-batch-number": "the spirit already has a batch with this number.",
  "stale-version": "the level changed since the version the request names (optimistic concurrency).",
  "below-reserved": "the change would take on-hand stock below what is held for orders.",
  "insufficient-stock": "not enough unreserved stock at the level for this change.",
  "serials-taken": "some bottle serials are already recorded.",
  "unknown-level": "no inventory level for that spirit, batch and location.",
  "stock-conflict": "a concurrent stock change won; retry the request.",
  "unknown-variant":
    "422: the variant named is not one of this spirit's (it belongs to another spirit, or does not exist); `errors` names the field.",
  "variant-retired":
    "422: the variant is retired: it is neither sold nor received any more (`variantId`); its past orders and stock stand.",
  "duplicate-sku": "409: another variant already uses this SKU.",
  "over-limit":
    "a receive beyond what exists: serials outside 1..bottleCount, or more than the batch's bottle count or the edition's outturn (`limit` names which).",
  // Orders.
  "sold-out": "not enough bottles available; `available` says how many are left.",
  "not-shippable":
    "no location that may ship to the destination has the bottles (`available` there, `elsewhere`), or none ships there.",
  "per-customer-limit": "the order would take the customer over the spirit's per-customer limit.",
  "not-on-sale": "the spirit is not on sale (announced, archived, or before its release date).",
  "mixed-currency": "the order's lines are priced in different currencies.",
  "preorder-alone": "a pre-order must be an order of its own.",
  "hold-expired": "the order's hold lapsed and its bottles went back on sale.",
  "order-status": "the order's state does not allow this; `orderStatus` says what it is.",
  // Payments.
  "payment-mismatch": "the payment's amount or currency is not the order's total (`expected`, `received`).",
  "webhook-signature-invalid":
    "a payment provider's webhook whose signature or timestamp does not check out.",
  "payment-provider-error": "the payment provider refused or did not answer; nothing was charged or changed.",
  // Compliance (the rule that refused the order is also in `rule`).
  "destination-blocked": "spirits may not be shipped to the order's destination.",
  "date-of-birth-required": "the customer's profile needs a date of birth before ordering.",
  "under-legal-age": "the customer is under the legal purchase age at the destination (`minimumAge`).",
  // Reviews and customers.
  "review-exists": "the customer has already reviewed this spirit.",
  "wishlist-full": "the wishlist is at its maximum size.",
  // HTTP plumbing.
  "idempotency-key-invalid": "the `Idempotency-Key` header is malformed.",
  "idempotency-key-reused": "the key was used with a different request.",
  "idempotency-key-in-flight": "a request with this key is still being processed.",
  "upgrade-required": "the path takes a WebSocket handshake.",
  "too-many-streams":
    "429: the client address or account already holds as many stock streams (or a customer as many notification sockets) as it may (`scope`, `limit`); close one first (see `Retry-After`).",
  // Releases (drops).
  "not-eligible": "403: a live release's eligibility rule refuses the customer; `rule` names it.",
  "ballot-only":
    "403: the spirit is being sold by ballot (`releaseId`): from its opening until its winners are settled, only the ballot's winners' orders take its bottles.",
  "ballot-closed":
    "409: the ballot takes no entries or withdrawals now (`opensAt`, `closesAt` say when it did).",
  "already-entered": "409: the customer already has an entry in this ballot (`entryId`).",
  "address-entered": "409: another entry in this ballot ships to the same address (normalised).",
  "already-drawn": "409: the ballot has been drawn; its draw cannot be repeated.",
  "not-drawable": "409: the release is not a ballot, or its window has not closed yet (`closesAt`).",
  "human-check-failed": "403: the anti-bot check (CAPTCHA or Turnstile token) was missing or refused.",
  "not-a-queue": "409: the release is not sold through a waiting room (`mode` says how it is sold).",
  "queue-closed": "409: the waiting room takes no one now: the release has closed (`closesAt`).",
  "already-queued":
    "409: the customer already has a place in this release's queue (`placeId`, `placeStatus`).",
  "admission-required":
    "403: the spirit is sold through a queue release (`releaseId`) while it is open: an order needs the `Admission-Token` header of the caller's admitted place (`header`).",
  "admission-invalid":
    "403: the `Admission-Token` is not one we issued, names another customer or release, or its place is no longer admitted (used, left, voided).",
  "admission-expired":
    "403: the admission's window to order is over (`expiresAt`); it passed to the next in line.",
  // Waitlists.
  "in-stock":
    "409: the spirit can be bought now (`available` bottles beyond what the waitlist has earmarked): order it instead of joining its waitlist.",
  "already-waitlisted":
    "409: the customer already has a live entry on this spirit's waitlist (`entryId`, `entryState`).",
  // Polls.
  "poll-closed": "409: the poll takes no answers now (`opensAt`, `closesAt` say when it does or did).",
  "not-in-audience": "403: the poll is meant for other customers (its audience rules leave the caller out).",
  // Notifications.
  "unsubscribe-link-invalid":
    "400: the unsubscribe link's token is not one we signed (altered, truncated or forged); nothing changed.",
} as const satisfies Record<string, string>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export const isProblemCode = (value: string): value is ProblemCode => Object.hasOwn(PROBLEM_CODES, value);

const codes = Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]];

export const ProblemCodeSchema = z.enum(codes).openapi("ProblemCode", {
  description: `What went wrong, for a client to switch on:\n\n${codes
    .map((c) => `- \`${c}\`: ${PROBLEM_CODES[c]}`)
    .join("\n")}`,
  "x-enumDescriptions": PROBLEM_CODES,
});
