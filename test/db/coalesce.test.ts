import { describe, expect, test } from "bun:test";
import { batchedLoader, nextTurn } from "../../src/db/coalesce.ts";

/** A loader over a fixed table that records every multi-key read it is asked for. */
function setup(options: { maxBatch?: number; failWhen?: (keys: string[]) => boolean } = {}) {
  const table = new Map([
    ["a", 1],
    ["b", 2],
    ["c", 3],
    ["d", 4],
    ["e", 5],
  ]);
  const calls: string[][] = [];
  const loader = batchedLoader(async (keys: string[]) => {
    calls.push(keys);
    await nextTurn();
    if (options.failWhen?.(keys)) throw new Error(`cannot read ${keys.join(",")}`);
    return new Map(keys.filter((k) => table.has(k)).map((k) => [k, table.get(k)!]));
  }, options);
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

  test("loads in later turns get reads of their own: nothing is kept past a read", async () => {
    const s = setup();
    expect(await s.loader.load("a")).toBe(1);
    expect(await s.loader.load("a")).toBe(1);
    expect(s.calls).toEqual([["a"], ["a"]]);
  });

  test("more keys than maxBatch are read in chunks of at most maxBatch", async () => {
    const s = setup({ maxBatch: 2 });
    const values = await Promise.all(["a", "b", "c", "d", "e"].map((k) => s.loader.load(k)));
    expect(values).toEqual([1, 2, 3, 4, 5]);
    expect(s.calls).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  test("a failed read fails the loads it served, and only those", async () => {
    let failures = 1;
    const s = setup({ maxBatch: 2, failWhen: (keys) => keys.includes("c") && failures-- > 0 });
    const settled = await Promise.allSettled(["a", "b", "c", "d", "e"].map((k) => s.loader.load(k)));
    expect(settled.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    // Nothing stays broken: the next turn reads again.
    expect(await s.loader.load("c")).toBe(3);
  });
});
