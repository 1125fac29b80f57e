import { DomainError } from "../../domain-error.ts";
import type { StockRefusal } from "../../stock/coordinator.ts";
import type { SpiritForOrder } from "./orders.ports.ts";

export const orderNotFound = (id: string) => new DomainError("not-found", `Order ${id} was not found.`);

export const holdExpired = (at: string | null) =>
  new DomainError(
    "hold-expired",
    `The order's hold expired${at ? ` at ${at}` : ""}: its bottles went back on sale. Place a new order.`,
    { title: "Hold expired", extra: { expiredAt: at } },
  );

/** Turns a stock refusal into the problem the customer sees, naming the spirit and the figures. */
export function refusalProblem(r: StockRefusal, spirit: SpiritForOrder): DomainError {
  const extra = { spiritId: spirit.id, spiritName: spirit.name, ...r.extra };
  switch (r.code) {
    case "sold-out": {
      const available = Number(r.extra?.available ?? 0);
      return new DomainError(
        "sold-out",
        `${spirit.name} is sold out${available > 0 ? `: only ${available} bottle${available === 1 ? " is" : "s are"} available` : ""}.`,
        { title: "Sold out", extra },
      );
    }
    case "allocation-exhausted": {
      const available = Number(r.extra?.available ?? 0);
      return new DomainError(
        "sold-out",
        `The pre-order allocation of ${spirit.name} is ${available > 0 ? `down to ${available} bottle${available === 1 ? "" : "s"}` : "taken"}.`,
        { title: "Sold out", extra: { ...extra, preorder: true } },
      );
    }
    case "not-shippable":
      return new DomainError("not-shippable", `${spirit.name}: ${r.detail}`, {
        title: "Cannot ship there",
        extra,
      });
    case "limit-exceeded":
      return new DomainError("per-customer-limit", `${spirit.name}: ${r.detail}`, {
        title: "Over the per-customer limit",
        extra,
      });
    default:
      return new DomainError("stock-conflict", "The stock changed while the order was placed; try again.", {
        extra,
      });
  }
}
