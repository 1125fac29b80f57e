/**
 * Stock-changed events: published by the stock coordinator after each commit, consumed by whoever
 * broadcasts them (WebSockets/SSE on Bun, the Durable Object on Workers). `version` only grows per spirit.
 */
export type StockLevelView = { locationId: string; available: number };

export type BatchLevelView = {
  batchId: string | null;
  /** Only on a variant's level (a sample, a gift box); absent for the spirit's standard unit. */
  variantId?: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
};

export type StockChanged = {
  spiritId: string;
  /** Grows by at least one with every committed change of the spirit's stock. */
  version: number;
  available: number;
  byLocation: StockLevelView[];
  /** Staff-only detail; broadcasters strip it for the public. */
  byBatch: BatchLevelView[];
  /** The spirit's catalog status at the time (announced, available, sold_out, archived). */
  status: string;
  /** ISO-8601 UTC time of the commit. */
  at: string;
};

export type StockListener = (event: StockChanged) => void;

export interface StockEventBus {
  publish(event: StockChanged): void;
  /** Returns the function that unsubscribes. */
  subscribe(spiritId: string, listener: StockListener): () => void;
  /** Every spirit's events (for broadcasters that fan out themselves). */
  subscribeAll(listener: StockListener): () => void;
}

/** The in-process bus: listeners run synchronously after commit; one failing listener never stops the rest. */
export function createStockEventBus(onListenerError: (err: unknown) => void = () => {}): StockEventBus {
  const bySpirit = new Map<string, Set<StockListener>>();
  const all = new Set<StockListener>();
  const call = (l: StockListener, e: StockChanged) => {
    try {
      l(e);
    } catch (err) {
      onListenerError(err);
    }
  };
  return {
    publish(event) {
      for (const l of all) call(l, event);
      for (const l of bySpirit.get(event.spiritId) ?? []) call(l, event);
    },
    subscribe(spiritId, listener) {
      let set = bySpirit.get(spiritId);
      if (!set) {
        set = new Set();
        bySpirit.set(spiritId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size) bySpirit.delete(spiritId);
      };
    },
    subscribeAll(listener) {
      all.add(listener);
      return () => all.delete(listener);
    },
  };
}
