/**
 * What the orders module needs from other modules, as a small interface: services.ts builds it from their
 * services, and the orders service never imports another module's internals.
 */
import type { Guard } from "../../stock/ledger.ts";

export type SpiritForOrder = {
  id: string;
  name: string;
  status: "announced" | "available" | "sold_out" | "archived";
  price: { amountMinor: number; currency: string };
  releaseDate: string | null;
  maxPerCustomer: number | null;
  holdMinutes: number | null;
  preorderAllocation: number | null;
  /** Set for an order while a release or a waitlist governs the spirit: what its hold must also pass. */
  releaseGuard?: ReleaseGate["guard"];
};

/**
 * What a live release asks of an order for its spirit: its per-customer limit (null: the spirit's own),
 * and a guard the spirit's hold must pass in the stock engine's batch (the release's allocation).
 */
export type ReleaseGate = {
  limit: number | null;
  /** `wanted`: units of the spirit this hold takes, of every variant; `standard`: those of its standard unit. */
  guard?: (wanted: number, standard: number) => Guard;
};

export type CustomerProfile = {
  dateOfBirth: string | null;
  country: string | null;
  region: string | null;
};

export type ComplianceCheck = {
  dateOfBirth: string | null;
  country: string;
  region: string | null;
  at: Date;
};

/** A variant of a spirit (a sample, a gift box) as orders see it: its own price, and whether it is sold. */
export type VariantForOrder = {
  id: string;
  name: string;
  status: "active" | "retired";
  price: { amountMinor: number; currency: string };
};

export interface OrdersPorts {
  findSpirit(id: string): Promise<SpiritForOrder | undefined>;
  /** The spirit's own variant (undefined when it is another spirit's or does not exist). */
  findVariant?(spiritId: string, variantId: string): Promise<VariantForOrder | undefined>;
  batchExists(spiritId: string, batchId: string): Promise<boolean>;
  customerProfile(customerId: string): Promise<CustomerProfile | undefined>;
  /** Ids of the active locations whose `shipsTo` covers the place: only they may give an order bottles. */
  locationsShippingTo(country: string, region: string | null): Promise<string[]>;
  /** Throws a DomainError naming the rule (age, region) when the order may not be placed. */
  checkCompliance(input: ComplianceCheck): Promise<void> | void;
  /**
   * The live release (drop) of the spirit, if any, checks the customer again as the hold is placed: throws
   * `not-eligible` naming the rule; answers the release's per-customer limit (null: no live release).
   */
  releaseGate?(
    spiritId: string,
    customerId: string,
    at: Date,
    grant?: string,
    admission?: { token: string | undefined; orderId: string },
  ): Promise<ReleaseGate | null>;
  /**
   * After an order that brought an admission token: placed (with its quantities per spirit), the queue
   * admission it claimed is used; refused, the admission is the customer's again.
   */
  settleAdmission?(
    orderId: string,
    outcome: { placed: true; quantities: Map<string, number> } | { placed: false },
  ): Promise<void>;
}

/** A spirit is on general sale once released: its status says so, or its release date has come. */
export function isReleased(spirit: SpiritForOrder, now: Date): boolean {
  if (spirit.status === "available" || spirit.status === "sold_out") return true;
  if (spirit.status !== "announced" || !spirit.releaseDate) return false;
  const release = new Date(spirit.releaseDate);
  return !Number.isNaN(release.getTime()) && release.getTime() <= now.getTime();
}
