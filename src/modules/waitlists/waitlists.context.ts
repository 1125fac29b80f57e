import type { OrderStatus } from "../../db/schema/orders.ts";
import type { Deps } from "../../deps.ts";
import type { Shipping } from "../../http/shipping-address.ts";
import type { AuditService } from "../audit/audit.service.ts";

export type WaitlistSpirit = {
  id: string;
  name: string;
  status: "announced" | "available" | "sold_out" | "archived";
  maxPerCustomer: number | null;
  releaseDate: string | null;
};

/** What waitlists need from other modules (built in waitlists.wiring.ts from their services). */
export type WaitlistPorts = {
  audit: AuditService;
  spirit(id: string): Promise<WaitlistSpirit | undefined>;
  /** Bottles the stock engine holds unreserved for the spirit, across its levels. */
  available(spiritId: string): Promise<number>;
  /** Throws a DomainError when the customer may not receive spirits there (age, blocked region, no location). */
  checkDestination(customerId: string, shipping: Shipping, at: Date): Promise<void>;
  /** Places the offer's order through the orders module; `releaseGrant` is the entry's id (the earmark's pass). */
  placeOfferOrder(
    customerId: string,
    order: { spiritId: string; quantity: number; shipping: Shipping },
    options: { releaseGrant: string; holdMinutes: number; orderId: string },
  ): Promise<{ id: string; expiresAt: string | null }>;
  orderStatuses(ids: string[]): Promise<Map<string, { status: OrderStatus; expiresAt: string | null }>>;
};

export type WaitlistContext = { deps: Deps; ports: WaitlistPorts };
