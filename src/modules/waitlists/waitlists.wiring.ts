import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { ComplianceService } from "../compliance/compliance.service.ts";
import { destinationCheck } from "../compliance/destination-check.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import type { InventoryService } from "../inventory/inventory.service.ts";
import type { LocationsService } from "../locations/locations.service.ts";
import type { OrdersPorts } from "../orders/orders.ports.ts";
import type { OrdersService } from "../orders/orders.service.ts";
import { bothGuards, earmarkGuard, isOfferGrant } from "./earmark.ts";
import type { WaitlistPorts } from "./waitlists.context.ts";

type GateFn = NonNullable<OrdersPorts["releaseGate"]>;

/**
 * The orders module's gate with the waitlist's earmark added to every hold but a waitlist offer's own
 * (its grant is the entry's id, which no release knows: the release's rules still apply to it).
 */
export function gateWithEarmark(releaseGate: GateFn): GateFn {
  return async (spiritId, customerId, at, grant, admission) => {
    const offer = isOfferGrant(grant);
    const gate = await releaseGate(spiritId, customerId, at, offer ? undefined : grant, admission);
    if (offer) return gate;
    const earmark = earmarkGuard(spiritId);
    const inner = gate?.guard;
    return {
      limit: gate?.limit ?? null,
      guard: inner
        ? (wanted, standard) => bothGuards(inner(wanted, standard), earmark(wanted, standard))
        : earmark,
    };
  };
}

/** Waitlists reach the catalog, stock, customers, compliance, locations and orders through their services. */
export function waitlistPortsFrom(s: {
  audit: AuditService;
  catalog: Pick<CatalogService, "findSpirit">;
  inventory: Pick<InventoryService, "freeStandardBottles">;
  customers: Pick<CustomersService, "getCustomer">;
  compliance: Pick<ComplianceService, "checkOrder">;
  locations: Pick<LocationsService, "serving">;
  orders: Pick<OrdersService, "placeOrder" | "orderStatuses">;
}): WaitlistPorts {
  return {
    audit: s.audit,
    async spirit(id) {
      const spirit = await s.catalog.findSpirit(id);
      return spirit
        ? {
            id: spirit.id,
            name: spirit.name,
            status: spirit.status,
            maxPerCustomer: spirit.maxPerCustomer ?? null,
            releaseDate: spirit.releaseDate ?? null,
          }
        : undefined;
    },
    // The line waits for the standard unit: a variant's free stock (a sample) does not make the spirit buyable.
    available: (id) => s.inventory.freeStandardBottles(id),
    checkDestination: destinationCheck(s),
    async placeOfferOrder(customerId, order, options) {
      const placed = await s.orders.placeOrder(
        { id: customerId, role: "customer" },
        { items: [{ spiritId: order.spiritId, quantity: order.quantity }], shipping: order.shipping },
        options,
      );
      return { id: placed.id, expiresAt: placed.expiresAt ?? null };
    },
    orderStatuses: (ids) => s.orders.orderStatuses(ids),
  };
}
