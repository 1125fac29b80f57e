import { eq, getTableName } from "drizzle-orm";
import { orders } from "../../db/schema/orders.ts";
import { DomainError } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { ALSO_HELD, HOLDINGS, type Scope } from "./personal-data.ts";
import type { PrivacyContext } from "./privacy.context.ts";

export const EXPORT_FORMAT = "angelshare.customer-export.v1" as const;

/** The scope of a customer's data: their id, and the ids of their orders (lines, payments, ... hang off them). */
export async function scopeOf(ctx: PrivacyContext, customerId: string): Promise<Scope> {
  const rows = await ctx.deps.db
    .select({ id: orders.id })
    .from(orders)
    .where(eq(orders.customerId, customerId));
  return { customerId, orderIds: rows.map((r) => r.id) };
}

const without = (row: Record<string, unknown>, omit: string[] = []) =>
  Object.fromEntries(Object.entries(row).filter(([key]) => !omit.includes(key)));

/**
 * Everything we hold about the customer (GDPR, article 15 and 20), as one JSON document: one member per
 * table of the data map (personal-data.ts), each row as stored but for secrets (password and token
 * hashes), and a list of what else mentions them. An admin's export is audited (who, whose, never what).
 */
export async function exportCustomer(ctx: PrivacyContext, customerId: string, actor: Principal) {
  const { db, clock } = ctx.deps;
  const account = await ctx.ports.accounts.findById(customerId);
  if (!account) throw new DomainError("not-found", "Customer was not found.");
  const scope = await scopeOf(ctx, customerId);
  const sections: Record<string, unknown> = {};
  for (const holding of HOLDINGS) {
    if (!holding.section) continue;
    const rows = (await db.select().from(holding.table).where(holding.rows(scope))) as Record<
      string,
      unknown
    >[];
    const cleaned = rows.map((row) => without(row, holding.omit));
    sections[holding.section] = holding.one ? (cleaned[0] ?? null) : cleaned;
  }
  if (actor.id !== customerId) {
    await ctx.ports.audit.entry({ actorId: actor.id, action: "customer.exported", subject: customerId });
  }
  return {
    format: EXPORT_FORMAT,
    customerId,
    exportedAt: clock.now().toISOString(),
    ...sections,
    notExported: [
      ...HOLDINGS.filter((h) => !h.section).map((h) => ({ table: getTableName(h.table), why: h.why })),
      ...ALSO_HELD.map((h) => ({ table: h.table, why: h.why })),
    ],
  };
}
