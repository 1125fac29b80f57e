/**
 * How many stock streams (WebSockets and event streams together) one client address and one account may
 * hold open at once: `STOCK_STREAMS_PER_CLIENT` and `STOCK_STREAMS_PER_ACCOUNT` (0 turns a cap off). A
 * stream over a cap is refused before it opens (`too-many-streams`, a 429 problem), so a client sees why rather than a
 * socket that closes at once. A request whose address the runtime does not report has no per-client cap
 * (sharing one "unknown" count would let one client lock everybody out).
 */
import { DomainError } from "../../domain-error.ts";

/** Who holds a stream: the client's address and, when signed in, the account. */
export type StreamOwner = { client?: string | undefined; account?: string | undefined };

export type StreamCaps = { perClient: number; perAccount: number };

/** Streams free up when a client closes one; a few seconds is a fair first retry. */
export const STREAM_RETRY_AFTER_SECONDS = 10;

/**
 * A WebSocket whose upgrade was accepted but that never opened (the client went away in the handshake)
 * stops counting after this long, so a lost handshake cannot leak a slot for good.
 */
const UNOPENED_MS = 10_000;

export const tooManyStreams = (scope: "client" | "account", limit: number) =>
  new DomainError(
    "too-many-streams",
    `This ${scope === "client" ? "client address" : "account"} already holds ${limit} open stock streams (WebSockets and event streams together), the most it may; close one first.`,
    {
      headers: { "Retry-After": String(STREAM_RETRY_AFTER_SECONDS) },
      extra: { scope, limit },
    },
  );

/** One stream's slot: opened once the stream runs, released (once) when it ends. */
export class StreamLease {
  opened = false;
  released = false;
  constructor(
    readonly takenAt: number,
    private readonly onRelease: (lease: StreamLease) => void,
  ) {}

  open() {
    this.opened = true;
  }

  release() {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }
}

export class StreamQuota {
  private readonly held = new Map<string, Set<StreamLease>>();

  constructor(private readonly now: () => number) {}

  /** Takes a slot under the owner's client and account, or throws the 429 of the first cap it would pass. */
  take(owner: StreamOwner, caps: StreamCaps): StreamLease {
    const keys: string[] = [];
    const checks: [scope: "client" | "account", id: string | undefined, limit: number][] = [
      ["client", owner.client, caps.perClient],
      ["account", owner.account, caps.perAccount],
    ];
    for (const [scope, id, limit] of checks) {
      if (id === undefined || limit <= 0) continue;
      const key = `${scope}:${id}`;
      if (this.count(key) >= limit) throw tooManyStreams(scope, limit);
      keys.push(key);
    }
    const lease = new StreamLease(this.now(), (l) => {
      for (const key of keys) this.forget(key, l);
    });
    for (const key of keys) {
      let set = this.held.get(key);
      if (!set) {
        set = new Set();
        this.held.set(key, set);
      }
      set.add(lease);
    }
    return lease;
  }

  /** Open streams under a key (`client:<address>` or `account:<id>`). */
  count(key: string): number {
    const set = this.held.get(key);
    if (!set) return 0;
    const stale = this.now() - UNOPENED_MS;
    for (const lease of set) if (!lease.opened && lease.takenAt < stale) this.forget(key, lease);
    return set.size;
  }

  private forget(key: string, lease: StreamLease) {
    const set = this.held.get(key);
    if (!set?.delete(lease)) return;
    if (!set.size) this.held.delete(key);
  }
}
