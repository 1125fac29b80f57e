import { and, count, eq, notInArray } from "drizzle-orm";
import { type ReleaseBallotRow, releaseEntries } from "../../db/schema/ballots.ts";
import type { OrderStatus } from "../../db/schema/orders.ts";
import type { Deps } from "../../deps.ts";
import type { Shipping } from "../../http/shipping-address.ts";
import type { EntrantPorts } from "./entrant-checks.ts";

/** A winner's payment window unless the release says otherwise: two days. */
export const DEFAULT_CLAIM_MINUTES = 2_880;

/** What ballots need from other modules (built in releases.wiring.ts from their services). */
export type BallotPorts = EntrantPorts & {
  /** Throws a DomainError when the customer may not receive spirits there (age, blocked region, no location). */
  checkDestination(customerId: string, shipping: Shipping, at: Date): Promise<void>;
  /** Places the winner's order through the orders module (its holds through the stock engine). */
  placeWinnerOrder(
    customerId: string,
    order: { spiritId: string; batchId: string | null; quantity: number; shipping: Shipping },
    options: { releaseGrant: string; holdMinutes: number; orderId: string },
  ): Promise<{ id: string; expiresAt: string | null }>;
  orderStatuses(ids: string[]): Promise<Map<string, { status: OrderStatus; expiresAt: string | null }>>;
  /** Standard bottles free now (of the batch, when the release sells one), to size a round of offers. */
  freeBottles(spiritId: string, batchId: string | null): Promise<number>;
};

export type BallotContext = { deps: Deps; ports: BallotPorts };

/** Statuses that no longer hold a place: a withdrawn or voided entry is out of the draw. */
export const OUT_OF_DRAW = ["withdrawn", "void"] as const;

/** The ballot as a release's public view shows it. */
export async function ballotView(deps: Deps, row: ReleaseBallotRow) {
  const [live] = await deps.db
    .select({ n: count() })
    .from(releaseEntries)
    .where(
      and(eq(releaseEntries.releaseId, row.releaseId), notInArray(releaseEntries.status, [...OUT_OF_DRAW])),
    );
  return {
    commitment: row.commitment,
    claimMinutes: row.claimMinutes,
    entries: live?.n ?? 0,
    drawnAt: row.drawnAt,
    settledAt: row.settledAt,
  };
}
