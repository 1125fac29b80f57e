/**
 * The multi-spirit socket where the runtime holds no stock events of its own (Cloudflare Workers: each
 * spirit's changes are committed and broadcast in its Durable Object). The socket is the same session as
 * on Bun (watched-socket.ts: validation, flood limits, the 100-subscription cap); each subscription is a
 * watch of the spirit's object, whose messages (its snapshot first, then one per change, never older) go
 * to the client as they come. Unsubscribing or closing ends the watches.
 */
import type { Logger, SpiritWatchers } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { MAX_SUBSCRIPTIONS } from "../../stock/messages.ts";
import type { StreamOwner } from "./stream-quota.ts";
import { tooManySubscriptions, unavailable, unknownSpirits } from "./subscription-errors.ts";
import type { SocketHub, WatchedSocket } from "./watched-socket.ts";

type Watch = { close(): void };
/** A subscription: its watch once the object accepted it. */
type Relay = { watch?: Watch; ended: boolean };

export type RelayHubOptions = {
  watchers: SpiritWatchers;
  spiritExists(spiritId: string): Promise<boolean>;
  logger: Logger;
  now(): number;
};

/**
 * The hub of one client's sockets: each subscription counts in the spirit's object against the owner's
 * stream caps (there, per spirit), and one over a cap is refused with a `too-many-streams` error.
 */
export function createRelayHub(options: RelayHubOptions, owner: StreamOwner): SocketHub {
  const { watchers, spiritExists, logger } = options;
  const relays = new WeakMap<WatchedSocket, Map<string, Relay>>();
  const relaysOf = (socket: WatchedSocket) => {
    let map = relays.get(socket);
    if (!map) {
      map = new Map();
      relays.set(socket, map);
    }
    return map;
  };

  function drop(socket: WatchedSocket, spiritId: string) {
    const map = relaysOf(socket);
    const relay = map.get(spiritId);
    if (!relay) return;
    map.delete(spiritId);
    relay.ended = true;
    relay.watch?.close();
  }

  async function open(socket: WatchedSocket, spiritId: string, relay: Relay) {
    const current = () => !socket.closed && relaysOf(socket).get(spiritId) === relay;
    const watch = await watchers.watch(spiritId, socket.audience, owner, {
      message: (text) => {
        if (current()) socket.send(text);
      },
      ended: () => {
        if (!current()) return;
        // The object let the watch go (it failed, or was replaced): say so rather than fall silent.
        relaysOf(socket).delete(spiritId);
        socket.error(unavailable([spiritId]));
      },
    });
    if (current()) relay.watch = watch;
    else watch.close();
  }

  return {
    now: options.now,
    opened() {},
    drained() {},
    closed(socket) {
      for (const id of [...relaysOf(socket).keys()]) drop(socket, id);
    },
    unsubscribe(socket, spiritIds) {
      for (const id of spiritIds) drop(socket, id);
    },
    async subscribe(socket, spiritIds) {
      const map = relaysOf(socket);
      const fresh = [...new Set(spiritIds)].filter((id) => !map.has(id));
      if (!fresh.length) return;
      if (map.size + fresh.length > MAX_SUBSCRIPTIONS) {
        return socket.error(tooManySubscriptions(map.size, fresh));
      }
      // Taken before the lookups, so a second subscribe meanwhile counts them against the cap.
      const mine = fresh.map((id) => {
        const relay: Relay = { ended: false };
        map.set(id, relay);
        return relay;
      });
      const forget = () => {
        for (const [i, id] of fresh.entries()) if (map.get(id) === mine[i]) map.delete(id);
      };
      let found: boolean[];
      try {
        found = await Promise.all(fresh.map(spiritExists));
      } catch (err) {
        logger.log("error", { msg: "stock subscribe failed", err: String(err), spiritIds: fresh });
        forget();
        return socket.error(unavailable(fresh));
      }
      const unknown = fresh.filter((_, i) => !found[i]);
      if (unknown.length) {
        forget();
        return socket.error(unknownSpirits(unknown));
      }
      const failed: string[] = [];
      await Promise.all(
        fresh.map((id, i) =>
          open(socket, id, mine[i]!).catch((err) => {
            if (map.get(id) === mine[i]) map.delete(id);
            if (err instanceof DomainError && err.code === "too-many-streams") {
              const limit = Number(err.init.extra?.limit);
              return socket.error({ code: "too-many-streams", detail: err.detail, limit, spiritIds: [id] });
            }
            logger.log("error", { msg: "stock watch failed", err: String(err), spiritId: id });
            failed.push(id);
          }),
        ),
      );
      if (failed.length && !socket.closed) socket.error(unavailable(failed));
    },
  };
}
