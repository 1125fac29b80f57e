/**
 * Stock counts as CSV through the HTTP API, on both targets: export, import as one all-or-nothing
 * stock-take through the stock engine (ledger and audit kept clean), dry run, round trip, roles, bad rows.
 */
import { beforeAll, expect, test } from "bun:test";
import { parse } from "csv-parse/browser/esm/sync";
import { StockImportReportSchema } from "../../src/modules/inventory/stock-csv.routes.ts";
import { commitCounts, planCount, readLevels } from "../../src/stock/bulk-count.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

const CSV = { "Content-Type": "text/csv" };
const HEADER = "spiritId,locationId,batchId,onHand";

describeTargets("stock CSV", (t) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  const exportCsv = async () => {
    const res = await t.call("GET", "/api/v1/inventory/export.csv", { headers: shop.staff.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toStartWith("text/csv");
    return res.text();
  };
  const importCsv = (body: string, query = "", headers = shop.staff.headers) =>
    t.call("POST", `/api/v1/inventory/import${query}`, { headers: { ...headers, ...CSV }, body });
  const rowsOf = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
  const movements = async (spiritId: string) => {
    const res = await t.call("GET", `/api/v1/inventory/${spiritId}/movements?limit=200`, {
      headers: shop.staff.headers,
    });
    return ((await res.json()) as { items: { kind: string; onHandDelta: number; locationId: string }[] })
      .items;
  };

  test("export and import are for staff and admins only", async () => {
    const admin = await t.signIn("admin");
    const customer = await shop.customer();
    const other = await shop.customer();
    expect((await t.call("GET", "/api/v1/inventory/export.csv")).status).toBe(401);
    expect(
      (await t.call("POST", "/api/v1/inventory/import", { headers: CSV, body: `${HEADER}\n` })).status,
    ).toBe(401);
    for (const who of [customer, other]) {
      expect((await t.call("GET", "/api/v1/inventory/export.csv", { headers: who.headers })).status).toBe(
        403,
      );
      expect((await importCsv(`${HEADER}\n`, "", who.headers)).status).toBe(403);
    }
    for (const who of [shop.staff, admin]) {
      expect((await t.call("GET", "/api/v1/inventory/export.csv", { headers: who.headers })).status).toBe(
        200,
      );
      expect((await importCsv(`${HEADER}\n`, "?dryRun=true", who.headers)).status).toBe(200);
    }
  });

  test("the export has every level with what is reserved; a name a spreadsheet would run is prefixed", async () => {
    const s = await shop.spirit({ name: "=1+2 Malt" });
    const b = await shop.batch(s);
    await shop.receive(s, 6, shop.loc("edinburgh"));
    await shop.receive(s, 4, shop.loc("london"), { batchId: b });
    const c = await shop.customer();
    expect((await shop.order(c, [{ spiritId: s, quantity: 2 }])).status).toBe(201);
    const rows = rowsOf(await exportCsv()).filter((r) => r.spiritId === s);
    expect(rows).toEqual(
      [
        {
          spiritId: s,
          spiritName: "'=1+2 Malt",
          locationId: shop.loc("edinburgh"),
          batchId: "",
          onHand: "6",
          reserved: "2",
          available: "4",
        },
        {
          spiritId: s,
          spiritName: "'=1+2 Malt",
          locationId: shop.loc("london"),
          batchId: b,
          onHand: "4",
          reserved: "0",
          available: "4",
        },
      ].sort((x, y) => x.locationId.localeCompare(y.locationId)),
    );
  });

  test("export then import of the same file changes nothing (no ledger rows, same versions)", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 9, shop.loc("a"));
    const before = await exportCsv();
    const versions = (await shop.inventory(s)).version;
    const ledger = (await movements(s)).length;
    const res = await importCsv(before);
    expect(res.status).toBe(200);
    const report = StockImportReportSchema.parse(await res.json());
    expect(report).toMatchObject({ dryRun: false, created: 0, updated: 0 });
    expect(report.unchanged).toBe(rowsOf(before).length);
    expect((await shop.inventory(s)).version).toBe(versions);
    expect((await movements(s)).length).toBe(ledger);
    expect(await exportCsv()).toBe(before);
  });

  test("a stock-take: dry run first, then counts land as ledger rows and the audit stays clean", async () => {
    const s = await shop.spirit();
    const b = await shop.batch(s);
    await shop.receive(s, 10, shop.loc("edinburgh"));
    await shop.receive(s, 5, shop.loc("london"), { batchId: b, serials: { from: 1, to: 5 } });
    const file = [
      HEADER,
      `${s},${shop.loc("edinburgh")},,7`,
      `${s},${shop.loc("london")},${b},3`,
      `${s},${shop.loc("b")},,12`,
    ].join("\n");
    const dry = StockImportReportSchema.parse(await (await importCsv(file, "?dryRun=true")).json());
    expect(dry).toMatchObject({ dryRun: true, created: 1, updated: 2, unchanged: 0 });
    expect(dry.rows.map((r) => [r.line, r.onHandBefore, r.onHandAfter, r.action])).toEqual([
      [2, 10, 7, "updated"],
      [3, 5, 3, "updated"],
      [4, 0, 12, "created"],
    ]);
    expect((await shop.inventory(s)).available).toBe(15);

    const res = await importCsv(file);
    expect(res.status).toBe(200);
    expect(StockImportReportSchema.parse(await res.json())).toMatchObject({ created: 1, updated: 2 });
    const after = await shop.inventory(s);
    expect(after.available).toBe(22);
    const counts = (await movements(s)).filter((m) => m.kind === "count");
    expect(counts.map((m) => m.onHandDelta).sort((x, y) => x - y)).toEqual([-3, -2, 12]);
    expect((await shop.audit()).clean).toBe(true);
    // The engine still holds exactly what the count left.
    const c = await shop.customer();
    expect(
      (await shop.order(c, [{ spiritId: s, quantity: 22 }], { country: "GB", region: "GB-ENG" })).status,
    ).toBe(201);
    expect((await shop.inventory(s)).available).toBe(0);
  });

  test("every bad row is reported by line and column, and nothing is counted", async () => {
    const s = await shop.spirit();
    const other = await shop.spirit();
    const otherBatch = await shop.batch(other);
    await shop.receive(s, 8, shop.loc("edinburgh"));
    const c = await shop.customer();
    expect((await shop.order(c, [{ spiritId: s, quantity: 5 }])).status).toBe(201);
    const file = [
      HEADER,
      `${s},${shop.loc("a")},,4`,
      `spr_nope,${shop.loc("a")},,1`,
      `${s},loc_nope,,1`,
      `${s},${shop.loc("a")},${otherBatch},1`,
      `${s},${shop.loc("b")},,-1`,
      `${s},${shop.loc("b")},,2.5`,
      `${s},${shop.loc("edinburgh")},,3`,
      `${s},${shop.loc("a")},,5`,
    ].join("\n");
    const res = await importCsv(file);
    expect(res.status).toBe(422);
    const { errors } = (await res.json()) as {
      errors: { line: number; column: string | null; message: string }[];
    };
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, "spiritId"],
      [4, "locationId"],
      [5, "batchId"],
      [6, "onHand"],
      [7, "onHand"],
      [8, "onHand"],
      [9, null],
    ]);
    expect(errors.find((e) => e.line === 8)!.message).toContain("5 bottles are reserved");
    expect(errors.find((e) => e.line === 9)!.message).toBe("counts the same level as line 2");
    // Line 2 was fine, but nothing is half-imported.
    expect((await shop.inventory(s)).levels!.map((l) => [l.locationId, l.onHand])).toEqual([
      [shop.loc("edinburgh"), 8],
    ]);
  });

  test("wrong columns are a problem of line 1; a body that is not CSV is 415", async () => {
    const res = await importCsv("spiritId,onHand,colour\nx,1,red\n");
    expect(res.status).toBe(422);
    const { errors } = (await res.json()) as { errors: { line: number; column: string }[] };
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 1, column: "colour" }),
        expect.objectContaining({ line: 1, column: "locationId" }),
      ]),
    );
    const json = await t.call("POST", "/api/v1/inventory/import", { headers: shop.staff.headers, body: {} });
    expect(json.status).toBe(415);
  });

  test("with an Idempotency-Key a repeated import is answered, not counted again", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 3, shop.loc("a"));
    const file = `${HEADER}\n${s},${shop.loc("a")},,1\n`;
    const headers = { ...shop.staff.headers, "Idempotency-Key": `stock-take-${s}` };
    const first = await importCsv(file, "", headers);
    expect(first.status).toBe(200);
    await shop.receive(s, 2, shop.loc("a"));
    const again = await importCsv(file, "", headers);
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await shop.inventory(s)).available).toBe(3);
  });

  test("counts planned before the stock moved are refused as a whole, and nothing is written", async () => {
    const s = await shop.spirit();
    await shop.receive(s, 5, shop.loc("a"));
    const levels = await readLevels(t.deps.client, [s]);
    const plans = [
      planCount(levels, { spiritId: s, locationId: shop.loc("a"), batchId: null, counted: 4 }),
      planCount(levels, { spiritId: s, locationId: shop.loc("b"), batchId: null, counted: 2 }),
    ];
    if (plans.some((p) => "ok" in p)) throw new Error("planned as a refusal");
    await shop.receive(s, 1, shop.loc("a"));
    const outcome = await commitCounts(t.deps.client, {
      counts: plans as Exclude<(typeof plans)[number], { ok: false }>[],
      actorId: null,
      reason: "test",
      now: new Date().toISOString(),
    });
    expect(outcome.ok).toBe(false);
    const after = await shop.inventory(s);
    expect(after.levels!.map((l) => [l.locationId, l.onHand])).toEqual([[shop.loc("a"), 6]]);
    expect((await shop.audit()).clean).toBe(true);
  });
});
