import type { Client } from "@libsql/client";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { CatalogService } from "../catalog/catalog.service.ts";
import { PURCHASED_STATUSES } from "../interactions/purchases.service.ts";
import type { InventoryService } from "../inventory/inventory.service.ts";
import type { EntrantFacts } from "./eligibility.ts";
import type { ReleasesPorts } from "./releases.service.ts";

/**
 * The facts eligibility is judged on, read (never written) from the accounts and orders tables. The
 * verified-e-mail flag is read when the accounts table has an `email_verified` column (the accounts work
 * adds it); until then it is undefined and a release that requires it admits nobody.
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
