import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { commitUnits, type Guard, type Unit } from "../../src/stock/ledger.ts";
import { createStockFixture, LEDGERS, type LedgerKind, type StockFixture } from "./stock-fixture.ts";

let f: StockFixture;
const open = async (ledger: LedgerKind) => {
  f = await createStockFixture({ ledger });
  await f.client.execute(
    "CREATE TABLE ledger_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n < 1000))",
  );
  await f.client.execute("INSERT INTO ledger_probe (id, n) VALUES (1, 5)");
};
afterEach(() => f.close());

const atLeast = (n: number, reason: string): Guard => ({
  reason,
  sql: "(SELECT n FROM ledger_probe WHERE id = 1) >= ?",
  args: [n],
});
const add = (n: number) => ({ sql: "UPDATE ledger_probe SET n = n + ? WHERE id = 1 AND $ok", args: [n] });
const probe = async () => Number((await f.client.execute("SELECT n FROM ledger_probe")).rows[0]!.n);

// Both ways the ledger commits: units decided in-process (the file) and the slot batch (remote, Worker).
describe.each(LEDGERS)("units committed by the ledger on the %s", (ledger) => {
  beforeEach(() => open(ledger));

  test("the unit applies only when every guard holds", async () => {
    const res = await commitUnits(f.client, [
      { guards: [atLeast(1, "a"), atLeast(5, "b")], writes: [add(1)] },
    ]);
    expect(res.outcomes).toEqual([{ ok: true }]);
    expect(await probe()).toBe(6);
  });

  test("the reason is the first failing guard's, in order, and nothing of the unit is written", async () => {
    const units: Unit[] = [
      { guards: [atLeast(1, "first"), atLeast(9, "second"), atLeast(99, "third")], writes: [add(100)] },
      { guards: [atLeast(99, "fourth"), atLeast(9, "fifth")], writes: [add(100)] },
    ];
    const res = await commitUnits(f.client, units);
    expect(res.outcomes).toEqual([
      { ok: false, reason: "second" },
      { ok: false, reason: "fourth" },
    ]);
    expect(await probe()).toBe(5);
  });

  test("each unit's guards see what the units before it wrote", async () => {
    const res = await commitUnits(f.client, [
      { guards: [atLeast(5, "a"), atLeast(1, "b")], writes: [add(-3)] },
      { guards: [atLeast(1, "c"), atLeast(3, "d")], writes: [add(-3)] },
    ]);
    expect(res.outcomes).toEqual([{ ok: true }, { ok: false, reason: "d" }]);
    expect(await probe()).toBe(2);
  });

  test("a guard over a missing row fails instead of passing", async () => {
    const missing: Guard = { reason: "missing", sql: "(SELECT n FROM ledger_probe WHERE id = 2) >= 0" };
    const res = await commitUnits(f.client, [{ guards: [atLeast(1, "a"), missing], writes: [add(1)] }]);
    expect(res.outcomes).toEqual([{ ok: false, reason: "missing" }]);
    expect(await probe()).toBe(5);
  });

  test("many guards (more than one statement's worth) still give the first failing one", async () => {
    const guards = Array.from({ length: 100 }, (_, i) => atLeast(i === 70 || i === 90 ? 50 : 1, `g${i}`));
    const res = await commitUnits(f.client, [{ guards, writes: [add(1)] }]);
    expect(res.outcomes).toEqual([{ ok: false, reason: "g70" }]);
    const passing = Array.from({ length: 100 }, (_, i) => atLeast(1, `g${i}`));
    expect((await commitUnits(f.client, [{ guards: passing, writes: [add(1)] }])).outcomes).toEqual([
      { ok: true },
    ]);
    expect(await probe()).toBe(6);
  });

  test("the spirits' stock marks are written only when a unit held", async () => {
    const marks = { spiritIds: ["spr_m"], at: "2026-06-01T12:00:00.000Z" };
    const marked = async () =>
      Number((await f.client.execute("SELECT count(*) AS n FROM stock_event_marks")).rows[0]!.n);
    await commitUnits(f.client, [{ guards: [atLeast(99, "no")], writes: [add(1)] }], [], marks);
    expect(await marked()).toBe(0);
    await commitUnits(f.client, [{ guards: [atLeast(1, "yes")], writes: [add(1)] }], [], marks);
    expect(await marked()).toBe(1);
  });

  test("reads after the units see what they wrote; a write the database refuses writes nothing at all", async () => {
    const read = { sql: "SELECT n FROM ledger_probe WHERE id = 1", args: [] };
    const res = await commitUnits(f.client, [{ guards: [], writes: [add(2)] }], [read]);
    expect(Number(res.reads[0]!.rows[0]!.n)).toBe(7);
    // The second unit breaks the table's CHECK: the first unit's write goes too.
    const failing = commitUnits(f.client, [
      { guards: [], writes: [add(1)] },
      { guards: [], writes: [add(5000)] },
    ]);
    await expect(failing).rejects.toThrow(/CHECK/);
    expect(await probe()).toBe(7);
  });

  test("a write not conditioned on $ok is refused before anything runs", async () => {
    const bare = { sql: "UPDATE ledger_probe SET n = 0", args: [] };
    await expect(commitUnits(f.client, [{ guards: [], writes: [bare] }])).rejects.toThrow(/\$ok/);
    expect(await probe()).toBe(5);
  });
});
