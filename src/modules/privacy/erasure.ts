import { and, count, eq, getTableName, inArray, sql } from "drizzle-orm";
import { idempotencyKeys } from "../../db/schema/http.ts";
import { type OrderStatus, orders } from "../../db/schema/orders.ts";
import { reviews } from "../../db/schema/reviews.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { scopeOf } from "./export.ts";
import { ALSO_HELD, HOLDINGS } from "./personal-data.ts";
import type { PrivacyContext, Statement } from "./privacy.context.ts";
import type { EraseInput } from "./privacy.schemas.ts";

/** Orders that still need the customer's address or may still move money: erasure waits for them. */
export const OPEN_ORDER_STATUSES: OrderStatus[] = [
  "preordered",
  "reserved",
  "confirmed",
  "partially_shipped",
];

/**
 * Erases a customer (GDPR, article 17), in one atomic batch over the data map (personal-data.ts): personal
 * data deleted or overwritten, orders kept without name, address and phone (their lines, totals, tax facts
 * and payments stay, as the law requires), the account disabled with an address that reaches no one, every
 * session ended. The audit log records who erased whom and how many rows, never what they held.
 *
 * The customer confirms with their password; an admin, by naming the customer's id (`confirm`). Staff and
 * admin accounts, and customers with orders still open, are refused (409 `erasure-blocked`).
 */
export async function eraseCustomer(
  ctx: PrivacyContext,
  customerId: string,
  actor: Principal,
  input: EraseInput,
) {
  const { db, clock } = ctx.deps;
  const self = actor.id === customerId;
  if (self) {
    if (!input.password) {
      throw invalidFields([{ path: "password", message: "is required to erase your own account" }]);
    }
  } else if (input.confirm !== customerId) {
    throw invalidFields([{ path: "confirm", message: "must be the customer's id, to confirm the erasure" }]);
  }
  const account = await ctx.ports.accounts.findById(customerId);
  if (!account) throw new DomainError("not-found", "Customer was not found.");
  if (account.role !== "customer") {
    throw new DomainError(
      "erasure-blocked",
      `This is a ${account.role} account: an admin makes it a customer account first, or disables it.`,
    );
  }
  if (self) await ctx.ports.confirmPassword(customerId, input.password!);

  const open = await db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.customerId, customerId), inArray(orders.status, OPEN_ORDER_STATUSES)));
  if (open.length) {
    throw new DomainError(
      "erasure-blocked",
      `${open.length} order${open.length === 1 ? " is" : "s are"} still open: they must be delivered, cancelled or expire first.`,
      { extra: { orders: open.map((o) => ({ id: o.id, orderStatus: o.status })) } },
    );
  }

  // The purchase and search syncs read the orders' and searches' own logs later: catch them up first, so
  // nothing of this customer's is turned into an interaction once the interactions are gone.
  await ctx.ports.catchUpSignals();
  const scope = await scopeOf(ctx, customerId);
  const now = clock.now().toISOString();
  const counted: Record<string, number> = {};
  const statements: Statement[] = [];
  for (const holding of HOLDINGS) {
    if (holding.erasure === "keep") continue;
    const name = getTableName(holding.table);
    const [n] = await db.select({ n: count() }).from(holding.table).where(holding.rows(scope));
    counted[name] = n?.n ?? 0;
    statements.push(
      holding.erasure === "delete"
        ? db.delete(holding.table).where(holding.rows(scope))
        : db.update(holding.table).set(holding.anonymised!(scope, now)).where(holding.rows(scope)),
    );
  }
  // Stored answers to the customer's retried requests (an order's, with its address) go too.
  statements.push(
    db.delete(idempotencyKeys).where(sql`instr(${idempotencyKeys.scope}, ${`|${customerId}|`}) > 0`),
  );
  // The reviewed spirits' ratings, counted again once the reviews are gone (after their delete, in order).
  const reviewed = await db
    .selectDistinct({ spiritId: reviews.spiritId })
    .from(reviews)
    .where(eq(reviews.customerId, customerId));
  statements.push(...reviewed.map((r) => ctx.ports.recountRating(r.spiritId)));
  statements.push(
    ctx.ports.audit.entry({
      actorId: actor.id,
      action: "customer.erased",
      subject: customerId,
      detail: { by: self ? "self" : "admin", rows: counted },
    }),
  );
  await db.batch(statements as [Statement, ...Statement[]]);
  for (const r of reviewed) ctx.ports.forgetSpirit(r.spiritId);
  // Its tokens are refused from the next request on (the account is disabled and its generation moved on).
  ctx.ports.accounts.forgetCachedCallers(customerId);

  const kept = HOLDINGS.filter((h) => h.erasure === "keep").map((h) => ({
    table: getTableName(h.table),
    why: h.why,
  }));
  return {
    customerId,
    erasedAt: now,
    by: self ? ("self" as const) : ("admin" as const),
    rows: counted,
    kept: [...kept, ...ALSO_HELD.filter((h) => h.table !== "idempotency_keys")],
  };
}
