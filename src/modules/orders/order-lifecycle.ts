import type { OrderStatus } from "../../db/schema/orders.ts";
import { DomainError } from "../../domain-error.ts";
import type { EventType } from "../events/domain-events.ts";

type Transition = {
  /** The statuses the order may be in for this change. */
  from: readonly OrderStatus[];
  to: OrderStatus;
  /** Statuses where the change has already happened (a retry answers the order unchanged). */
  done: readonly OrderStatus[];
  /** In words, for the problem that refuses it. */
  says: string;
  /** The event the change writes in its batch (order-events.ts). */
  event?: EventType;
};

/**
 * The order lifecycle: every change of an order's status is one of these, and nothing else moves an
 * order. The services ask this table (`transitionFor`) and guard their writes on its `from`, so a rule
 * lives here once; who may ask for a change (customer, staff, a verified payment) is the services' part.
 */
export const ORDER_TRANSITIONS = {
  release: {
    from: ["preordered"],
    to: "reserved",
    done: ["reserved", "confirmed", "shipped", "delivered"],
    says: "hold stock for a released pre-order",
  },
  pay: {
    from: ["reserved"],
    to: "confirmed",
    done: ["confirmed", "shipped", "delivered"],
    says: "be paid (only a reserved order can be)",
    event: "order.paid",
  },
  /** A payment arrived after the hold lapsed, and the bottles could be held again. */
  rehold: { from: ["expired"], to: "reserved", done: [], says: "be held again" },
  expire: { from: ["reserved"], to: "expired", done: ["expired"], says: "expire", event: "order.expired" },
  cancel: {
    from: ["preordered", "reserved", "confirmed"],
    to: "cancelled",
    done: ["cancelled", "refunded"],
    says: "be cancelled (what has shipped is returned, not cancelled)",
    event: "order.cancelled",
  },
  /** Money taken for an order that ended without its bottles went back to the customer. */
  refund: {
    from: ["cancelled", "expired"],
    to: "refunded",
    done: ["refunded"],
    says: "be refunded",
    event: "order.refunded",
  },
  ship: {
    from: ["confirmed", "partially_shipped"],
    to: "shipped",
    done: ["shipped", "delivered"],
    says: "ship (only a confirmed, paid order can)",
    event: "order.shipped",
  },
  /** Some lines leave now, others later. */
  shipPart: {
    from: ["confirmed", "partially_shipped"],
    to: "partially_shipped",
    done: [],
    says: "ship part (only a confirmed, paid order can)",
    event: "order.shipped",
  },
  deliver: {
    from: ["shipped"],
    to: "delivered",
    done: ["delivered"],
    says: "be delivered before it shipped",
  },
} as const satisfies Record<string, Transition>;

export type OrderTransition = keyof typeof ORDER_TRANSITIONS;

/** The order's status refuses the change: 409 `order-status`, naming the status and the change. */
export const refusedTransition = (name: OrderTransition, status: OrderStatus) => {
  const t: Transition = ORDER_TRANSITIONS[name];
  return new DomainError("order-status", `The order is ${status}; it cannot ${t.says}.`, {
    extra: { orderStatus: status, transition: name, allowedFrom: [...t.from] },
  });
};

/**
 * Whether `name` can move an order in `status`: "go", or "done" when it already has (a retry), else it
 * throws the 409 that names the status and the change.
 */
export function transitionFor(name: OrderTransition, status: OrderStatus): "go" | "done" {
  const t: Transition = ORDER_TRANSITIONS[name];
  if (t.done.includes(status)) return "done";
  if (t.from.includes(status)) return "go";
  throw refusedTransition(name, status);
}

/** Whether `name` may start from `status` (no throw: for follow-ups that apply only to some orders). */
export const canMove = (name: OrderTransition, status: OrderStatus): boolean =>
  (ORDER_TRANSITIONS[name].from as readonly OrderStatus[]).includes(status);

/** Whether the order is already where `name` leads (a retry answers it unchanged). */
export const alreadyDone = (name: OrderTransition, status: OrderStatus): boolean =>
  (ORDER_TRANSITIONS[name].done as readonly OrderStatus[]).includes(status);
