import type { BatchItem } from "drizzle-orm/batch";

/**
 * What the interactions module needs from whoever recomputes recommendations (services.ts connects the
 * recommendations' refresh queue): a statement asking for a customer's refresh, to run in the signal's
 * own atomic batch, so recording never waits for the recommender.
 */
export type RefreshRequests = {
  enqueue(customerId: string, reason: string): BatchItem<"sqlite">;
};
