/**
 * The stock coordinator: the one writer per spirit. Operations on a spirit's stock go through its queue in
 * arrival order and commit in groups (see local-coordinator.ts for Bun; the Durable Object implements the
 * same interface on Workers). Orders over several spirits call it spirit by spirit in sorted id order.
 *
 * Operations on a whole order whose effect cannot be refused for lack of stock (confirm, ship, cancel) are
 * one atomic guarded batch across its spirits; the coordinator then re-reads and publishes each spirit, so
 * the events of a spirit still come from its queue only and their versions only grow.
 */

import type { BulkCountRequest } from "./bulk-count.ts";
import type { StockChanged } from "./events.ts";
import type { Guard, Write } from "./ledger.ts";

/** Rows another module wants written atomically with a stock operation (and guards they depend on). */
export type Attachment = { guards?: Guard[]; writes?: Write[] };

export type HoldLine = {
  lineId: string;
  quantity: number;
  batchId: string | null;
  /** The variant (sellable unit) asked for; absent or null: the spirit's standard unit. */
  variantId?: string | null;
};

export type HoldRequest = {
  type: "hold";
  spiritId: string;
  orderId: string;
  customerId: string;
  actorId: string | null;
  lines: HoldLine[];
  expiresAt: string;
  /** The spirit's per-customer limit (null: none); counted across all the customer's live orders. */
  maxPerCustomer: number | null;
  /** Locations that ship to the customer's region, tried before the others. */
  preferredLocationIds: string[];
  /** When given, only these locations may give bottles (the ones allowed to ship to the destination). */
  onlyLocationIds?: readonly string[];
  /** Turning waiting pre-order claims (same line ids) into holds: the customer's total already counts them. */
  fromPreorder?: boolean;
  attach?: Attachment;
};

/** Gives back the order's holds on the spirit (active ones; committed ones too when asked). */
export type ReleaseRequest = {
  type: "release";
  spiritId: string;
  orderId: string;
  actorId: string | null;
  reason: string;
  includeCommitted?: boolean;
  attach?: Attachment;
};

export type PreorderRequest = {
  type: "preorder";
  spiritId: string;
  orderId: string;
  customerId: string;
  actorId: string | null;
  lines: HoldLine[];
  allocation: number;
  maxPerCustomer: number | null;
  attach?: Attachment;
};

type StaffChange = {
  spiritId: string;
  actorId: string | null;
  reason?: string | null;
  expectedVersion?: number;
  /** An adjustment or count that corrects what this audit found: ledger kind `audit_correction`. */
  auditId?: string;
  /** The variant whose stock changes; absent or null: the spirit's standard unit. */
  variantId?: string | null;
};

export type ReceiveRequest = StaffChange & {
  type: "receive";
  locationId: string;
  batchId: string | null;
  quantity: number;
  /** Numbered bottles of a limited batch: `from..to`, as many as `quantity`. */
  serials?: { from: number; to: number };
  /**
   * Bottles coming back from a customer (ledger kind `return`), and from which order; numbered ones by
   * number, which must be bottles that order shipped (they come back into stock at `locationId`).
   */
  returned?: { orderId: string | null; bottleNumbers?: number[] };
  /** Rows of the caller's written in the same batch (an order's return record). */
  attach?: Attachment;
};
export type AdjustRequest = StaffChange & {
  type: "adjust";
  locationId: string;
  batchId: string | null;
  delta: number;
};
export type TransferRequest = StaffChange & {
  type: "transfer";
  fromLocationId: string;
  toLocationId: string;
  batchId: string | null;
  quantity: number;
};
export type CountRequest = StaffChange & {
  type: "count";
  locationId: string;
  batchId: string | null;
  counted: number;
};
export type StaffStockRequest = ReceiveRequest | AdjustRequest | TransferRequest | CountRequest;

/** Releases whatever holds of the spirit have lapsed (the reaper's call; every group does it first anyway). */
export type ExpireRequest = { type: "expire"; spiritId: string };

export type SpiritOperation =
  | HoldRequest
  | ReleaseRequest
  | PreorderRequest
  | StaffStockRequest
  | ExpireRequest;

export type HoldView = {
  id: string;
  lineId: string;
  levelId: string;
  batchId: string | null;
  variantId: string | null;
  locationId: string;
  quantity: number;
  expiresAt: string;
};

export type LevelChange = { levelId: string; version: number };

export type StockRefusalCode =
  | "sold-out"
  | "not-shippable"
  | "insufficient-stock"
  | "limit-exceeded"
  | "allocation-exhausted"
  | "stale-version"
  | "below-reserved"
  | "unknown-level"
  | "serials-taken"
  | "hold-expired"
  | "not-active"
  | "rejected";

/** Why an operation changed nothing; `extra` carries the figures (what is available, the limit...). */
export type StockRefusal = {
  ok: false;
  code: StockRefusalCode;
  detail: string;
  extra?: Record<string, unknown>;
};

export type StockSuccess = {
  ok: true;
  /** Holds placed (hold requests). */
  holds: HoldView[];
  /** Bottles given back (release and expire requests). */
  released: number;
  /** Levels written, with their new versions (staff changes). */
  levels: LevelChange[];
  /** The spirit's stock version after the commit. */
  version: number;
};

export type StockOutcome = StockSuccess | StockRefusal;

export type OrderStockRequest = {
  orderId: string;
  actorId: string | null;
  reason?: string;
  /** Shipping only: the order lines that leave now (default: every committed one). */
  lineIds?: readonly string[];
  attach?: Attachment;
};

export type OrderHold = {
  id: string;
  spiritId: string;
  levelId: string;
  batchId: string | null;
  variantId: string | null;
  locationId: string;
  lineId: string;
  customerId: string;
  quantity: number;
  status: string;
  expiresAt: string;
  serials: number[];
};

export interface StockCoordinator {
  /** Queues an operation on one spirit; resolves once it is committed (or refused), never before. */
  submit(op: SpiritOperation): Promise<StockOutcome>;
  /** Payment done: the order's active, unexpired holds become committed (and get their bottle numbers). */
  confirmOrder(req: OrderStockRequest): Promise<StockOutcome>;
  /** Committed holds leave the building: on-hand and reserved go down together. */
  shipOrder(req: OrderStockRequest): Promise<StockOutcome>;
  /** Gives back every hold (active or committed) and waiting pre-order claim of the order. */
  cancelOrder(req: OrderStockRequest): Promise<StockOutcome>;
  /**
   * Sets many levels to counted figures, across spirits, all or none (a stock-take; see bulk-count.ts);
   * then each touched spirit re-reads and publishes its state, as after an order-wide change.
   */
  countStock(req: Omit<BulkCountRequest, "now">): Promise<StockOutcome>;
  /** Releases every lapsed hold of every spirit; returns how many holds were released. */
  expireDue(): Promise<number>;
  /** When the next active hold lapses (null: none). */
  nextExpiry(): Promise<string | null>;
  /** The spirit's current state as a stock message; lapsed holds count as released. */
  snapshot(spiritId: string): Promise<StockChanged>;
  /** The holds of an order, with their bottle numbers. */
  orderHolds(orderId: string): Promise<OrderHold[]>;
  /**
   * Bottles available as of this coordinator's last commit of the spirit, while that figure is still
   * exact (no hold has lapsed since, no order-wide change came in); undefined when it does not know.
   * Only a hint for refusing early: the coordinator still decides every hold.
   */
  knownAvailable?(spiritId: string): number | undefined;
  /** Called with the expiry of every hold placed (the reaper uses it to wake up in time). */
  onHoldsPlaced(listener: (expiresAt: string) => void): () => void;
  /** Waits for queued work and refuses new work. */
  close(): Promise<void>;
}
