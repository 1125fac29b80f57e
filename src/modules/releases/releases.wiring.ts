import type { Client } from "@libsql/client";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import type { ComplianceService } from "../compliance/compliance.service.ts";
import { destinationCheck } from "../compliance/destination-check.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import { PURCHASED_STATUSES } from "../interactions/purchases.service.ts";
import type { InventoryService } from "../inventory/inventory.service.ts";
import type { LocationsService } from "../locations/locations.service.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";
import type { OrdersService } from "../orders/orders.service.ts";
import type { BallotPorts } from "./ballot.context.ts";
import type { EntrantFacts } from "./eligibility.ts";
import type { QueuePorts } from "./queue.context.ts";
import type { ReleasesPorts, ReleasesService } from "./releases.service.ts";

/**
 * The facts eligibility is judged on, read (never written) from the accounts and orders tables, the
 * verified-e-mail flag included (accounts.email_verified, set when the customer opens the link).
 */
async function entrantFacts(client: Client, customerId: string): Promise<EntrantFacts | undefined> {
  const account = (await client.execute({ sql: "SELECT * FROM accounts WHERE id = ?", args: [customerId] }))
    .rows[0];
  if (!account) return undefined;
  const statuses = PURCHASED_STATUSES.map(() => "?").join(", ");
  const paid = await client.execute({
    sql: `SELECT count(*) AS n FROM orders WHERE customer_id = ? AND status IN (${statuses})`,
    args: [customerId, ...PURCHASED_STATUSES],
  });
  const verified = "email_verified" in account ? Boolean(account.email_verified) : undefined;
  return {
    accountCreatedAt: String(account.created_at),
    paidPurchases: Number(paid.rows[0]?.n ?? 0),
    emailVerified: verified,
  };
}

export function releasesPortsFrom(
  deps: Deps,
  base: { audit: AuditService; catalog: CatalogService; inventory: InventoryService },
): ReleasesPorts {
  return {
    audit: base.audit,
    spiritExists: async (id) => Boolean(await base.catalog.findSpirit(id)),
    available: async (id) => (await base.inventory.stockSnapshot(id)).available,
    entrantFacts: (id) => entrantFacts(deps.client, id),
  };
}

/** Ballots reach customers, compliance, locations and orders only through their services. */
export function ballotPortsFrom(s: {
  audit: AuditService;
  releases: Pick<ReleasesService, "findRow" | "eligibility">;
  customers: Pick<CustomersService, "getCustomer">;
  compliance: Pick<ComplianceService, "checkOrder">;
  locations: Pick<LocationsService, "serving">;
  orders: Pick<OrdersService, "placeOrder" | "orderStatuses">;
  inventory: Pick<InventoryService, "freeStandardBottles">;
}): BallotPorts {
  return {
    freeBottles: (spiritId, batchId) => s.inventory.freeStandardBottles(spiritId, batchId),
    audit: s.audit,
    release: (id) => s.releases.findRow(id),
    eligibility: (releaseId, customerId) => s.releases.eligibility(releaseId, customerId),
    checkDestination: destinationCheck(s),
    async placeWinnerOrder(customerId, order, options) {
      const placed = await s.orders.placeOrder(
        { id: customerId, role: "customer" },
        {
          items: [
            {
              spiritId: order.spiritId,
              quantity: order.quantity,
              ...(order.batchId ? { batchId: order.batchId } : {}),
            },
          ],
          shipping: order.shipping,
        },
        options,
      );
      return { id: placed.id, expiresAt: placed.expiresAt ?? null };
    },
    orderStatuses: (ids) => s.orders.orderStatuses(ids),
  };
}

/**
 * The waiting room reads releases, stock and orders through their services, and pushes places over the
 * customer's notifications socket (the hub publishes to every socket of that customer, and to none elsewhere).
 */
export function queuePortsFrom(s: {
  audit: AuditService;
  releases: Pick<ReleasesService, "findRow" | "eligibility">;
  inventory: Pick<InventoryService, "stockSnapshot">;
  orders: Pick<OrdersService, "orderStatuses">;
  notifications: Pick<NotificationsService, "publish">;
}): QueuePorts {
  return {
    audit: s.audit,
    release: (id) => s.releases.findRow(id),
    eligibility: (releaseId, customerId) => s.releases.eligibility(releaseId, customerId),
    available: async (spiritId) => (await s.inventory.stockSnapshot(spiritId)).available,
    orderStatuses: (ids) => s.orders.orderStatuses(ids),
    push: (messages) => s.notifications.publish(messages),
  };
}
