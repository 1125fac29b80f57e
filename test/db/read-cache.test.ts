import { describe, expect, test } from "bun:test";
import { readCache } from "../../src/db/read-cache.ts";

/** A hand-moved monotonic clock and a loader that counts its reads. */
function setup(
  options: {
    ttlMs?: number;
    maxEntries?: number;
    keep?: (v: string | undefined) => boolean;
    shareLoads?: boolean;
  } = {},
) {
  let now = 0;
  let reads = 0;
  const cache = readCache<string, string | undefined>({
    ttlMs: options.ttlMs ?? 1_000,
    maxEntries: options.maxEntries ?? 10,
    ...(options.keep ? { keep: options.keep } : {}),
    ...(options.shareLoads === undefined ? {} : { shareLoads: options.shareLoads }),
    now: () => now,
  });
  const load = (value: string | undefined) => async () => {
    reads++;
    return value;
  };
  return { cache, load, reads: () => reads, advance: (ms: number) => (now += ms) };
}

describe("readCache", () => {
  test("a lazy query (a drizzle builder runs on each `then`) is run once, not once per reader", async () => {
    const cache = readCache<string, string>({ ttlMs: 1_000, maxEntries: 10, now: () => 0 });
    let runs = 0;
    // What `db.select()...` hands back: a thenable that runs its query every time it is awaited.
    const lazyQuery = () =>
      ({
        // biome-ignore lint/suspicious/noThenProperty: the shape of drizzle's QueryPromise, on purpose
        then: (ok: (v: string) => unknown, fail?: (e: unknown) => unknown) => {
          runs++;
          return Promise.resolve("row").then(ok, fail);
        },
      }) as unknown as Promise<string>;
    for (let i = 0; i < 5; i++) expect(await cache.get("a", lazyQuery)).toBe("row");
    expect(runs).toBe(1);
  });

  test("a second read within the TTL is served from memory; after it the row is read again", async () => {
    const s = setup();
    expect(await s.cache.get("a", s.load("one"))).toBe("one");
    expect(await s.cache.get("a", s.load("two"))).toBe("one");
    expect(s.reads()).toBe(1);
    s.advance(1_000);
    expect(await s.cache.get("a", s.load("two"))).toBe("two");
    expect(s.reads()).toBe(2);
  });

  test("concurrent misses of one key share one load", async () => {
    const s = setup();
    const all = await Promise.all(Array.from({ length: 50 }, () => s.cache.get("a", s.load("x"))));
    expect(new Set(all)).toEqual(new Set(["x"]));
    expect(s.reads()).toBe(1);
  });

  test("a write's invalidation is seen by the next read", async () => {
    const s = setup();
    await s.cache.get("a", s.load("old"));
    s.cache.delete("a");
    expect(await s.cache.get("a", s.load("new"))).toBe("new");
    await s.cache.get("b", s.load("old b"));
    s.cache.deleteWhere((_, v) => v === "old b");
    expect(await s.cache.get("b", s.load("new b"))).toBe("new b");
    s.cache.clear();
    expect(await s.cache.get("a", s.load("newest"))).toBe("newest");
  });

  test("a load that began before an invalidation is never stored", async () => {
    const s = setup();
    let finish!: (v: string) => void;
    const slow = s.cache.get("a", () => new Promise<string | undefined>((r) => (finish = r)));
    s.cache.delete("a"); // a write lands while the read is in flight
    finish("read before the write");
    expect(await slow).toBe("read before the write");
    expect(await s.cache.get("a", s.load("after the write"))).toBe("after the write");
  });

  test("failed loads and values `keep` refuses are not kept", async () => {
    const s = setup({ keep: (v) => v !== undefined });
    await expect(
      s.cache.get("a", async () => {
        throw new Error("database down");
      }),
    ).rejects.toThrow("database down");
    expect(await s.cache.get("a", s.load(undefined))).toBeUndefined();
    expect(await s.cache.get("a", s.load("created elsewhere"))).toBe("created elsewhere");
  });

  test("holds at most maxEntries, dropping the oldest", async () => {
    const s = setup({ maxEntries: 2 });
    for (const k of ["a", "b", "c"]) await s.cache.get(k, s.load(k));
    expect(s.cache.size).toBe(2);
    await s.cache.get("a", s.load("a again"));
    expect(s.reads()).toBe(4);
  });

  test("lapsed entries leave as new keys are read, not only at capacity: a crowd that has gone leaves nothing", async () => {
    const s = setup({ ttlMs: 1_000, maxEntries: 100 });
    for (let i = 0; i < 50; i++) await s.cache.get(`crowd-${i}`, s.load("x"));
    s.advance(600);
    await s.cache.get("later", s.load("y"));
    expect(s.cache.size).toBe(51);
    s.advance(400); // the crowd's entries have lapsed; "later" has 600 ms to go
    await s.cache.get("next", s.load("z"));
    expect(s.cache.size).toBe(2);
    expect(await s.cache.get("later", s.load("read again"))).toBe("y");
    // A key read again after it lapsed goes to the back, so the front is still the first to lapse.
    s.advance(600);
    await s.cache.get("later", s.load("y2"));
    s.advance(500);
    await s.cache.get("last", s.load("w"));
    expect(s.cache.size).toBe(2); // "next" lapsed; "later" (read again 500 ms ago) and "last" stay
    expect(await s.cache.get("later", s.load("not read"))).toBe("y2");
  });

  test("at capacity, an entry still loading can be evicted: its callers get the value, the cache does not", async () => {
    const s = setup({ maxEntries: 1 });
    let finish!: (v: string) => void;
    const slow = s.cache.get("a", () => new Promise<string | undefined>((r) => (finish = r)));
    expect(await s.cache.get("b", s.load("b"))).toBe("b"); // evicts "a" while it loads
    finish("a");
    expect(await slow).toBe("a");
    expect(await s.cache.get("a", s.load("a read again"))).toBe("a read again");
  });

  test("unshared (Workers): a miss while another request's load runs loads on its own; a hit is a promise of its own", async () => {
    const s = setup({ shareLoads: false });
    let finish!: (v: string) => void;
    const first = s.cache.get("a", () => new Promise<string | undefined>((r) => (finish = r)));
    const second = s.cache.get("a", s.load("a by the second request"));
    expect(await second).toBe("a by the second request");
    finish("a");
    expect(await first).toBe("a");
    const hit = s.cache.get("a", s.load("never read"));
    expect(hit).not.toBe(first);
    expect(await hit).toBe("a");
    expect(s.reads()).toBe(1);
  });
});
