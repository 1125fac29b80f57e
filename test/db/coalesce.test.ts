import { describe, expect, test } from "bun:test";
import { batchedLoader, nextTurn } from "../../src/db/coalesce.ts";

/** A loader over a fixed table that records every multi-key read it is asked for. */
function setup(options: { failWhen?: (keys: string[]) => boolean; shared?: boolean } = {}) {
  const table = new Map([
    ["a", 1],
    ["b", 2],
    ["c", 3],
    ["d", 4],
    ["e", 5],
  ]);
  const calls: string[][] = [];
  const loader = batchedLoader(
    async (keys: string[]) => {
      calls.push(keys);
      await nextTurn();
      if (options.failWhen?.(keys)) throw new Error(`cannot read ${keys.join(",")}`);
      return new Map(keys.filter((k) => table.has(k)).map((k) => [k, table.get(k)!]));
    },
    { shared: options.shared ?? true },
  );
  return { loader, calls };
}

describe("batchedLoader", () => {
  test("loads asked for in one turn share one read; a key asked twice is read once", async () => {
    const s = setup();
    const values = await Promise.all(["a", "b", "a", "c"].map((k) => s.loader.load(k)));
    expect(values).toEqual([1, 2, 1, 3]);
    expect(s.calls).toEqual([["a", "b", "c"]]);
  });

  test("a key the read does not find answers undefined, without failing its neighbours", async () => {
    const s = setup();
    expect(await Promise.all([s.loader.load("a"), s.loader.load("nobody")])).toEqual([1, undefined]);
  });

  test("loads from separate callbacks of one turn (requests that arrive together) share the read", async () => {
    const s = setup();
    const inCallback = (key: string) =>
      new Promise<number | undefined>((resolve) => setImmediate(() => resolve(s.loader.load(key))));
    expect(await Promise.all([inCallback("a"), inCallback("b")])).toEqual([1, 2]);
    expect(s.calls).toEqual([["a", "b"]]);
  });

  test("a load while a read is in flight waits for a read of its own, never joins the older one", async () => {
    const s = setup();
    const first = s.loader.load("a");
    await nextTurn(); // the first read has started and is waiting on the database
    expect(s.calls).toEqual([["a"]]);
    const second = s.loader.load("a");
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(s.calls).toEqual([["a"], ["a"]]);
  });

  test("loads in later turns get reads of their own: nothing is kept past a read", async () => {
    const s = setup();
    expect(await s.loader.load("a")).toBe(1);
    expect(await s.loader.load("a")).toBe(1);
    expect(s.calls).toEqual([["a"], ["a"]]);
  });

  test("however many keys arrive in a turn, they are read in one call (never chunks a request could outlive)", async () => {
    const s = setup();
    const keys = Array.from({ length: 2_000 }, (_, i) => (i % 2 ? "a" : `missing-${i}`));
    const values = await Promise.all(keys.map((k) => s.loader.load(k)));
    expect(values.filter((v) => v === 1)).toHaveLength(1_000);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toHaveLength(1_001);
  });

  test("a failed read fails the loads of its turn; the next turn reads again", async () => {
    let failures = 1;
    const s = setup({ failWhen: () => failures-- > 0 });
    const settled = await Promise.allSettled(["a", "b"].map((k) => s.loader.load(k)));
    expect(settled.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await s.loader.load("b")).toBe(2);
  });

  test("not shared (Workers): each load reads alone", async () => {
    const s = setup({ shared: false });
    expect(await Promise.all(["a", "b", "a"].map((k) => s.loader.load(k)))).toEqual([1, 2, 1]);
    expect(s.calls).toEqual([["a"], ["b"], ["a"]]);
  });
});
