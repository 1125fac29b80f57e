import { eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  accounts,
  accountTokens,
  customers,
  refreshTokens,
  wishlistItems,
} from "../../db/schema/accounts.ts";
import { releaseEntries } from "../../db/schema/ballots.ts";
import { auditLog } from "../../db/schema/http.ts";
import {
  customerSpiritTotals,
  preorderClaims,
  stockHolds,
  stockMovements,
} from "../../db/schema/inventory.ts";
import { notificationEmails, notificationSettings, notifications } from "../../db/schema/notifications.ts";
import { orderLines, orderReturns, orderStatusHistory, orders, shipments } from "../../db/schema/orders.ts";
import { paymentEvents, payments } from "../../db/schema/payments.ts";
import { pollAnswers } from "../../db/schema/polls.ts";
import { releaseQueuePlaces } from "../../db/schema/queues.ts";
import { recommendationCache, recommendationQueue } from "../../db/schema/recommendations.ts";
import { reviews } from "../../db/schema/reviews.ts";
import { searchHistory } from "../../db/schema/search.ts";
import { interactions } from "../../db/schema/signals.ts";
import { waitlistEntries } from "../../db/schema/waitlists.ts";

/**
 * Where we hold data about a customer, one entry per table: what the GDPR export shows of it and what
 * erasure does to it. This is the one place that knows; test/privacy/personal-data.test.ts lists every
 * table of the migrated database that names a customer, an account or an order, and fails when one is
 * missing here, so a new table cannot be forgotten by the export or by erasure.
 *
 * Erasure: `delete` removes the rows; `anonymise` overwrites the personal columns; `keep` leaves rows that
 * hold no personal data beyond the customer's opaque id (which, once the account is anonymised, points
 * at no one), or that the law makes us keep (an order's lines, totals, tax facts and payments).
 */

/** How a table's rows are found: by the customer's id, or through the customer's orders. */
export type Scope = { customerId: string; orderIds: string[] };

export type Holding = {
  table: SQLiteTable;
  /** The export's member for these rows; null when not exported (`why` says why). */
  section: string | null;
  /** One row at most (the account, the profile): the member is an object or null instead of a list. */
  one?: boolean;
  rows: (scope: Scope) => SQL;
  /** Columns (as the export names them) never exported: secrets. */
  omit?: string[];
  erasure: "delete" | "anonymise" | "keep";
  /** For `anonymise`: the values personal columns get. */
  anonymised?: (scope: Scope, nowIso: string) => Record<string, unknown>;
  why: string;
};

const byOrders = (column: SQLiteColumn) => (s: Scope) =>
  s.orderIds.length ? inArray(column, s.orderIds) : sql`0`;

/** The address an erased account keeps: unique, never deliverable (`.invalid` is reserved, RFC 2606). */
export const erasedEmail = (customerId: string) => `${customerId}@erased.invalid`;

export const HOLDINGS: Holding[] = [
  {
    table: accounts,
    section: "account",
    one: true,
    rows: (s) => eq(accounts.id, s.customerId),
    omit: ["passwordHash"],
    erasure: "anonymise",
    anonymised: (s, now) => ({
      email: erasedEmail(s.customerId),
      passwordHash: null,
      externalSubject: null,
      emailVerified: false,
      disabled: true,
      tokenGeneration: sql`${accounts.tokenGeneration} + 1`,
      updatedAt: now,
    }),
    why: "The sign-in: its address and password go, the account stays disabled so the id names no one and every token is refused.",
  },
  {
    table: customers,
    section: "profile",
    one: true,
    rows: (s) => eq(customers.id, s.customerId),
    erasure: "anonymise",
    anonymised: (_s, now) => ({
      name: "",
      displayName: null,
      dateOfBirth: null,
      country: null,
      region: null,
      preferences: {},
      updatedAt: now,
    }),
    why: "Name, display name, date of birth, country and region, preferences.",
  },
  {
    table: refreshTokens,
    section: "sessions",
    rows: (s) => eq(refreshTokens.accountId, s.customerId),
    omit: ["tokenHash"],
    erasure: "delete",
    why: "Sign-in sessions (when, until when, ended); the token hashes are secrets and never exported.",
  },
  {
    table: accountTokens,
    section: "emailLinks",
    rows: (s) => eq(accountTokens.accountId, s.customerId),
    omit: ["tokenHash"],
    erasure: "delete",
    why: "E-mailed verification and reset links, with the address each went to (a pending new address too).",
  },
  {
    table: orders,
    section: "orders",
    rows: (s) => eq(orders.customerId, s.customerId),
    erasure: "anonymise",
    anonymised: () => ({
      shippingName: null,
      shippingLines: null,
      shippingCity: null,
      shippingPostalCode: null,
      shippingPhone: null,
    }),
    why: "Kept for the accounts and tax law: status, currency, total and the destination's country and region stay; the name, street, city, postcode and phone go.",
  },
  {
    table: releaseEntries,
    section: "ballotEntries",
    rows: (s) => eq(releaseEntries.customerId, s.customerId),
    erasure: "anonymise",
    anonymised: (_s, now) => ({
      shipping: { name: "", lines: [], city: "", postalCode: "", country: "", region: undefined },
      addressKey: sql`'erased:' || ${releaseEntries.id}`,
      buildingKey: sql`'erased:' || ${releaseEntries.id}`,
      updatedAt: now,
    }),
    why: "Ballot entries: the address and its keys go; the entry stays, so a published draw still verifies (it shows only the entry's hash).",
  },
  {
    table: releaseQueuePlaces,
    section: "queuePlaces",
    rows: (s) => eq(releaseQueuePlaces.customerId, s.customerId),
    erasure: "keep",
    why: "Places in release waiting rooms: position, times and status under the customer's opaque id, no personal data.",
  },
  {
    table: waitlistEntries,
    section: "waitlistEntries",
    rows: (s) => eq(waitlistEntries.customerId, s.customerId),
    erasure: "delete",
    why: "Places on sold-out spirits' waitlists, with the address an offer's order would go to; a live one gives up its place.",
  },
  {
    table: orderLines,
    section: "orderLines",
    rows: byOrders(orderLines.orderId),
    erasure: "keep",
    why: "What was sold at which price: kept with the order (no personal data).",
  },
  {
    table: orderStatusHistory,
    section: "orderStatusHistory",
    rows: byOrders(orderStatusHistory.orderId),
    erasure: "keep",
    why: "Append-only by trigger; states and the notes staff gave, kept with the order.",
  },
  {
    table: shipments,
    section: "shipments",
    rows: byOrders(shipments.orderId),
    erasure: "keep",
    why: "Carrier and tracking number of each parcel: kept with the order.",
  },
  {
    table: orderReturns,
    section: "orderReturns",
    rows: byOrders(orderReturns.orderId),
    erasure: "keep",
    why: "Bottles that came back: kept with the order.",
  },
  {
    table: payments,
    section: "payments",
    rows: byOrders(payments.orderId),
    erasure: "keep",
    why: "Money taken and given back: kept for the accounts.",
  },
  {
    table: paymentEvents,
    section: "paymentEvents",
    rows: byOrders(paymentEvents.orderId),
    erasure: "keep",
    why: "The payment provider's events about the orders, as received (they name orders, not people): kept for the accounts.",
  },
  {
    table: stockHolds,
    section: "stockHolds",
    rows: (s) => eq(stockHolds.customerId, s.customerId),
    erasure: "keep",
    why: "Bottles set aside for the orders: the stock engine's records, no personal data.",
  },
  {
    table: preorderClaims,
    section: "preorderClaims",
    rows: (s) => eq(preorderClaims.customerId, s.customerId),
    erasure: "keep",
    why: "Pre-ordered lines in arrival order: the stock engine's records, no personal data.",
  },
  {
    table: customerSpiritTotals,
    section: "purchaseTotals",
    rows: (s) => eq(customerSpiritTotals.customerId, s.customerId),
    erasure: "keep",
    why: "Bottles per spirit counted against per-customer limits: the stock engine's records, no personal data.",
  },
  {
    table: stockMovements,
    section: null,
    rows: byOrders(stockMovements.orderId),
    erasure: "keep",
    why: "The stock ledger's lines for the orders (append-only by trigger): quantities and locations only, no personal data.",
  },
  {
    table: wishlistItems,
    section: "wishlist",
    rows: (s) => eq(wishlistItems.customerId, s.customerId),
    erasure: "delete",
    why: "Spirits the customer wished for.",
  },
  {
    table: reviews,
    section: "reviews",
    rows: (s) => eq(reviews.customerId, s.customerId),
    erasure: "delete",
    why: "The customer's reviews (their words); the spirits' ratings are counted again without them.",
  },
  {
    table: interactions,
    section: "interactions",
    rows: (s) => eq(interactions.customerId, s.customerId),
    erasure: "delete",
    why: "What the customer viewed, clicked, bought, wished for, searched and declared: the recommender's log.",
  },
  {
    table: searchHistory,
    section: "searchHistory",
    rows: (s) => eq(searchHistory.customerId, s.customerId),
    erasure: "delete",
    why: "What the customer searched for.",
  },
  {
    table: pollAnswers,
    section: "pollAnswers",
    rows: (s) => eq(pollAnswers.customerId, s.customerId),
    erasure: "delete",
    why: "The customer's poll answers, free text included.",
  },
  {
    table: recommendationCache,
    section: "recommendations",
    one: true,
    rows: (s) => eq(recommendationCache.customerId, s.customerId),
    erasure: "delete",
    why: "Recommendations computed for the customer, with the taste profile they came from.",
  },
  {
    table: recommendationQueue,
    section: "recommendationQueue",
    one: true,
    rows: (s) => eq(recommendationQueue.customerId, s.customerId),
    erasure: "delete",
    why: "A pending refresh of the customer's recommendations.",
  },
  // The e-mail records before the notifications they point at (erasure deletes in this order, in one batch).
  {
    table: notificationEmails,
    section: "notificationEmails",
    rows: (s) => eq(notificationEmails.customerId, s.customerId),
    erasure: "delete",
    why: "When each notification was e-mailed (or waits to be, or was skipped), with the mail server's Message-ID.",
  },
  {
    table: notifications,
    section: "notifications",
    rows: (s) => eq(notifications.customerId, s.customerId),
    erasure: "delete",
    why: "The customer's inbox: what they were told about (releases, prices, stock, holds, orders, ballots) and what they read.",
  },
  {
    table: notificationSettings,
    section: "notificationSettings",
    one: true,
    rows: (s) => eq(notificationSettings.customerId, s.customerId),
    erasure: "delete",
    why: "E-mail opt-in, topics, quiet hours, time zone and daily e-mail cap.",
  },
  {
    table: auditLog,
    section: "auditLog",
    rows: (s) =>
      or(
        eq(auditLog.subject, s.customerId),
        eq(auditLog.actorId, s.customerId),
        sql`json_extract(${auditLog.detail}, '$.customerId') = ${s.customerId}`,
      )!,
    omit: ["prevHash", "hash"],
    erasure: "keep",
    why: "Append-only and hash-chained by trigger: what was done to or by the account, by whom and when; entries hold ids and field names, never personal data.",
  },
];

/**
 * What else mentions a customer, outside the map because no column names one: told in the export and the
 * erasure receipt so nothing is held silently.
 */
export const ALSO_HELD = [
  {
    table: "idempotency_keys",
    why: "Stored first answers to the customer's retried requests (24 hours): deleted on erasure, not exported.",
  },
  {
    table: "outbox_events",
    why: "Domain events (order placed, paid, shipped, ...) naming the customer by id only: kept.",
  },
  { table: "webhook_deliveries", why: "Those events as sent to the shop's webhooks, by id only: kept." },
] as const;
