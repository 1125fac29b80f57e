import type { Deps } from "../../deps.ts";
import type { StockChanged } from "../../stock/events.ts";
import { createRelayHub } from "./relay-hub.ts";
import { createStockHub, type StockHub } from "./stock-hub.ts";
import type { StreamOwner } from "./stream-quota.ts";

/** What the stock streams need from other modules (passed in by services.ts, never imported). */
export type StockStreamPorts = {
  spiritExists(spiritId: string): Promise<boolean>;
  /** The spirit's current stock message (the inventory's snapshot). */
  stockSnapshot(spiritId: string): Promise<StockChanged>;
};

/** One hub per event bus, however often the services are built over the same deps. */
const hubs = new WeakMap<Deps["stockEvents"], StockHub>();

/** How long a spirit found stays known, and how many are remembered. */
const KNOWN_FOR_MS = 10_000;
const MAX_KNOWN = 10_000;

/** The real-time stock streams, fed by the stock event bus. */
export function createStockStreamService(deps: Deps, ports: StockStreamPorts) {
  // A drop page opens thousands of sockets on one spirit at once: they share one catalog lookup, and
  // the next ones within a few seconds need none.
  const known = new Map<string, number>();
  const looking = new Map<string, Promise<boolean>>();
  const spiritExists = (spiritId: string): Promise<boolean> => {
    const now = deps.clock.now().getTime();
    if ((known.get(spiritId) ?? 0) > now) return Promise.resolve(true);
    let lookup = looking.get(spiritId);
    if (!lookup) {
      lookup = ports.spiritExists(spiritId).then((found) => {
        if (found) {
          if (known.size >= MAX_KNOWN) known.clear();
          known.set(spiritId, now + KNOWN_FOR_MS);
        }
        return found;
      });
      const done = () => looking.delete(spiritId);
      lookup.then(done, done);
      looking.set(spiritId, lookup);
    }
    return lookup;
  };

  let hub = hubs.get(deps.stockEvents);
  if (!hub) {
    hub = createStockHub({
      events: deps.stockEvents,
      sockets: deps.sockets,
      snapshot: async (spiritId) =>
        (await spiritExists(spiritId)) ? ports.stockSnapshot(spiritId) : undefined,
      logger: deps.logger,
      now: () => deps.clock.now().getTime(),
      heartbeatMs: deps.config.STOCK_STREAM_HEARTBEAT_MS,
      backlogBytes: deps.config.STOCK_STREAM_BACKLOG_BYTES,
      timers: deps.timers,
    });
    hubs.set(deps.stockEvents, hub);
  }
  // Workers: the multi-spirit socket relays the spirits' Durable Objects (no stock events in the isolate).
  const watchers = deps.spiritWatchers;
  const relayHub =
    watchers &&
    ((owner: StreamOwner) =>
      createRelayHub(
        { watchers, spiritExists, logger: deps.logger, now: () => deps.clock.now().getTime() },
        owner,
      ));
  return { hub, relayHub, spiritExists };
}

export type StockStreamService = ReturnType<typeof createStockStreamService>;
