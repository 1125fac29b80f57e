import type { Deps } from "../../deps.ts";
import type { StockChanged } from "../../stock/events.ts";
import { createStockHub, type StockHub } from "./stock-hub.ts";

/** What the stock streams need from other modules (passed in by services.ts, never imported). */
export type StockStreamPorts = {
  spiritExists(spiritId: string): Promise<boolean>;
  /** The spirit's current stock message (the inventory's snapshot). */
  stockSnapshot(spiritId: string): Promise<StockChanged>;
};

/** One hub per event bus, however often the services are built over the same deps. */
const hubs = new WeakMap<Deps["stockEvents"], StockHub>();

/** The real-time stock streams, fed by the stock event bus. */
export function createStockStreamService(deps: Deps, ports: StockStreamPorts) {
  let hub = hubs.get(deps.stockEvents);
  if (!hub) {
    hub = createStockHub({
      events: deps.stockEvents,
      sockets: deps.sockets,
      snapshot: async (spiritId) =>
        (await ports.spiritExists(spiritId)) ? ports.stockSnapshot(spiritId) : undefined,
      logger: deps.logger,
      now: () => deps.clock.now().getTime(),
      heartbeatMs: deps.config.STOCK_STREAM_HEARTBEAT_MS,
      backlogBytes: deps.config.STOCK_STREAM_BACKLOG_BYTES,
    });
    hubs.set(deps.stockEvents, hub);
  }
  return { hub, spiritExists: ports.spiritExists };
}

export type StockStreamService = ReturnType<typeof createStockStreamService>;
