/**
 * Staff's typed operations on a spirit's stock (receive, return, adjust, transfer, count): checked against
 * what they name, then through the spirit's coordinator queue like every other stock change.
 */
import type { Client } from "@libsql/client";
import { eq } from "drizzle-orm";
import { inventoryAudits } from "../../db/schema/inventory.ts";
import { DomainError } from "../../domain-error.ts";
import type { StaffStockRequest, StockRefusal } from "../../stock/coordinator.ts";
import type { InventoryContext } from "./inventory.context.ts";
import type { StockChange } from "./inventory.schemas.ts";
import { checkReceivingLimits } from "./receiving-limits.ts";
import { readView, spiritNotFound } from "./stock-views.ts";

function refusalProblem(r: StockRefusal): DomainError {
  switch (r.code) {
    case "stale-version":
      return new DomainError("stale-version", r.detail, {
        title: "Stale version",
        extra: r.extra,
      });
    case "below-reserved":
      return new DomainError("below-reserved", r.detail, { extra: r.extra });
    case "insufficient-stock":
      return new DomainError("insufficient-stock", r.detail, { extra: r.extra });
    case "serials-taken":
      return new DomainError(
        "serials-taken",
        "Some of those bottle numbers are already registered for this batch.",
      );
    case "unknown-level":
      return new DomainError("unknown-level", r.detail, {
        errors: [{ path: "locationId", message: "has no stock of this spirit (and batch)" }],
      });
    default:
      return new DomainError("stock-conflict", "The stock changed meanwhile; read it again and retry.");
  }
}

/** A returned bottle names its order: the order's id only has to exist (the stock tables hold no FK). */
const orderExists = async (client: Client, id: string) =>
  (await client.execute({ sql: "SELECT 1 FROM orders WHERE id = ?", args: [id] })).rows.length > 0;

async function validate({ deps, ports }: InventoryContext, spiritId: string, change: StockChange) {
  if (!(await ports.spiritExists(spiritId))) throw spiritNotFound(spiritId);
  const errors: { path: string; message: string }[] = [];
  const locations =
    change.type === "transfer"
      ? [
          ["fromLocationId", change.fromLocationId],
          ["toLocationId", change.toLocationId],
        ]
      : [["locationId", change.locationId]];
  for (const [path, id] of locations) {
    if (!(await ports.locationExists(id!))) errors.push({ path: path!, message: `no location ${id}` });
  }
  if (change.batchId && !(await ports.batchExists(spiritId, change.batchId))) {
    errors.push({ path: "batchId", message: `no batch ${change.batchId} of this spirit` });
  }
  const variantStatus = change.variantId && (await ports.variantStatus(spiritId, change.variantId));
  if (change.variantId && !variantStatus) {
    throw new DomainError("unknown-variant", `Spirit ${spiritId} has no variant ${change.variantId}.`, {
      errors: [{ path: "variantId", message: `no variant ${change.variantId} of this spirit` }],
      extra: { variantId: change.variantId },
    });
  }
  // Stock of a retired variant can still be counted, corrected, moved and given back; none comes in.
  if (variantStatus === "retired" && change.type === "receive") {
    throw new DomainError(
      "variant-retired",
      `Variant ${change.variantId} is retired: it takes no new stock. Reactivate it first.`,
      { extra: { variantId: change.variantId } },
    );
  }
  if (change.type === "return" && change.orderId && !(await orderExists(deps.client, change.orderId))) {
    errors.push({ path: "orderId", message: `no order ${change.orderId}` });
  }
  if ((change.type === "adjust" || change.type === "count") && change.auditId) {
    const audit = await deps.db.query.inventoryAudits.findFirst({
      where: eq(inventoryAudits.id, change.auditId),
    });
    if (!audit) errors.push({ path: "auditId", message: `no audit ${change.auditId}` });
  }
  if (errors.length) {
    throw new DomainError(
      "validation",
      `The operation names ${errors.length} unknown thing${errors.length === 1 ? "" : "s"}.`,
      { errors },
    );
  }
  if (change.type === "receive") await checkReceivingLimits(deps.client, spiritId, change);
}

/** One typed staff operation on the spirit's stock, through its coordinator queue. */
export async function applyChange(
  ctx: InventoryContext,
  spiritId: string,
  actorId: string | null,
  change: StockChange,
) {
  await validate(ctx, spiritId, change);
  const common = {
    spiritId,
    actorId,
    reason: change.reason ?? null,
    batchId: change.batchId ?? null,
    variantId: change.variantId ?? null,
    ...(change.expectedVersion !== undefined ? { expectedVersion: change.expectedVersion } : {}),
  };
  let request: StaffStockRequest;
  switch (change.type) {
    case "receive":
      request = {
        ...common,
        type: "receive",
        locationId: change.locationId,
        quantity: change.quantity,
        ...(change.serials ? { serials: change.serials } : {}),
      };
      break;
    case "return":
      request = {
        ...common,
        type: "receive",
        locationId: change.locationId,
        quantity: change.quantity,
        returned: { orderId: change.orderId ?? null },
      };
      break;
    case "adjust":
      request = {
        ...common,
        type: "adjust",
        locationId: change.locationId,
        delta: change.delta,
        ...(change.auditId ? { auditId: change.auditId } : {}),
      };
      break;
    case "transfer":
      request = {
        ...common,
        type: "transfer",
        fromLocationId: change.fromLocationId,
        toLocationId: change.toLocationId,
        quantity: change.quantity,
      };
      break;
    case "count":
      request = {
        ...common,
        type: "count",
        locationId: change.locationId,
        counted: change.counted,
        ...(change.auditId ? { auditId: change.auditId } : {}),
      };
      break;
  }
  const outcome = await ctx.deps.stock.submit(request);
  if (!outcome.ok) throw refusalProblem(outcome);
  return { ...(await readView(ctx, spiritId, true)).inventory, changed: outcome.levels };
}
