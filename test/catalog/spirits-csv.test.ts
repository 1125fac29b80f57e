/**
 * The catalog as CSV through the HTTP API, on both targets: export, import (all or nothing, dry run),
 * round trip, roles, and hostile files.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { parse } from "csv-parse/browser/esm/sync";
import { eq } from "drizzle-orm";
import { spirits } from "../../src/db/schema/catalog.ts";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { SpiritImportReportSchema } from "../../src/modules/catalog/catalog-csv.routes.ts";
import { describeTargets, type Target } from "../support/targets.ts";

const CSV = { "Content-Type": "text/csv" };
type Caller = { id: string; headers: Record<string, string> };

const spiritBody = (fields: Record<string, unknown> = {}) => ({
  name: "CSV Malt",
  brand: "Test",
  distillery: "Test Distillery",
  type: "scotch",
  country: "GB",
  abv: 46,
  bottleSizeMl: 700,
  price: { amountMinor: 12000, currency: "GBP" },
  ...fields,
});

describeTargets("spirits CSV", (t: Target) => {
  let staff: Caller;
  let admin: Caller;
  let customer: Caller;
  let otherCustomer: Caller;
  beforeAll(async () => {
    staff = await t.signIn("staff");
    admin = await t.signIn("admin");
    customer = await t.signIn("customer");
    otherCustomer = await t.signIn("customer");
  });

  async function create(fields: Record<string, unknown> = {}) {
    const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body: spiritBody(fields) });
    expect(res.status).toBe(201);
    return SpiritSchema.parse(await res.json());
  }
  const exportCsv = async (who: Caller = staff) => {
    const res = await t.call("GET", "/api/v1/spirits/export.csv", { headers: who.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toStartWith("text/csv");
    return res.text();
  };
  const importCsv = (body: string, query = "", who: Caller = staff) =>
    t.call("POST", `/api/v1/spirits/import${query}`, { headers: { ...who.headers, ...CSV }, body });
  const rowsOf = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
  const getSpirit = async (id: string) =>
    SpiritSchema.parse(await (await t.call("GET", `/api/v1/spirits/${id}`)).json());

  describe("roles", () => {
    test("export and import are for staff and admins only", async () => {
      const anonymousExport = await t.call("GET", "/api/v1/spirits/export.csv");
      expect(anonymousExport.status).toBe(401);
      for (const who of [customer, otherCustomer]) {
        expect((await t.call("GET", "/api/v1/spirits/export.csv", { headers: who.headers })).status).toBe(
          403,
        );
        expect((await importCsv("name\n", "", who)).status).toBe(403);
      }
      const anonymousImport = await t.call("POST", "/api/v1/spirits/import", {
        headers: CSV,
        body: "name\n",
      });
      expect(anonymousImport.status).toBe(401);
      expect(anonymousImport.headers.get("Content-Type")).toStartWith("application/problem+json");
      for (const who of [staff, admin]) {
        await exportCsv(who);
        const res = await importCsv("id,name\n", "?dryRun=true", who);
        expect(res.status).toBe(200);
      }
    });
  });

  describe("export", () => {
    test("every spirit, one row each, cells a spreadsheet would run prefixed with '", async () => {
      const hostile = await create({
        name: '=HYPERLINK("http://evil.example","click")',
        description: '@SUM(1+1) with a "quote", a comma,\nand a new line',
        caskType: "+cmd|' /C calc'!A0",
        region: "-2+3",
        tags: ["peated", "islay"],
        attributes: { bottler: "independent", "cask-strength": true },
        flavourProfile: { smoky: 4, body: 2 },
        awards: [{ name: "IWSC", year: 2024, medal: "gold" }],
      });
      const text = await exportCsv();
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      const row = rowsOf(text).find((r) => r.id === hostile.id)!;
      expect(row.name).toBe(`'=HYPERLINK("http://evil.example","click")`);
      expect(row.description).toBe('\'@SUM(1+1) with a "quote", a comma,\nand a new line');
      expect(row.caskType).toStartWith("'+cmd");
      expect(row.region).toBe("'-2+3");
      expect(row.tags).toBe("peated|islay");
      expect(row["flavour.smoky"]).toBe("4");
      expect(row["flavour.fruity"]).toBe("");
      expect(JSON.parse(row.attributes!)).toEqual({ bottler: "independent", "cask-strength": true });
      expect(row.priceMinor).toBe("12000");
      expect(row.currency).toBe("GBP");
    });

    test("export then import of the same file changes nothing", async () => {
      await create({ name: "'=already quoted", limitedEdition: true, totalOutturn: 300, maxPerCustomer: 2 });
      await create({ name: "Plain", status: "announced", releaseDate: "2030-01-01", vintage: 2010 });
      const before = await exportCsv();
      const dry = SpiritImportReportSchema.parse(await (await importCsv(before, "?dryRun=true")).json());
      expect(dry.created + dry.updated).toBe(0);
      const res = await importCsv(before);
      expect(res.status).toBe(200);
      const report = SpiritImportReportSchema.parse(await res.json());
      expect(report).toMatchObject({ dryRun: false, created: 0, updated: 0 });
      expect(report.unchanged).toBe(rowsOf(before).length);
      expect(await exportCsv()).toBe(before);
      const quoted = rowsOf(before).find((r) => r.name === "''=already quoted")!;
      expect((await getSpirit(quoted.id!)).name).toBe("'=already quoted");
    });

    test("a stored spirit that breaks a rule made later still imports unchanged; a change to it is checked", async () => {
      const s = await create({ name: "Old Rules", vintage: 2015 });
      // As data seeded before the rule: distilled in 2015 and 40 years old.
      await t.deps.db.update(spirits).set({ ageYears: 40 }).where(eq(spirits.id, s.id));
      const row = (await exportCsv()).split("\n").find((l) => l.startsWith(s.id))!;
      const header = (await exportCsv()).split("\n", 1)[0]!;
      const same = SpiritImportReportSchema.parse(await (await importCsv(`${header}\n${row}\n`)).json());
      expect(same.rows).toEqual([{ line: 2, id: s.id, name: "Old Rules", action: "unchanged" }]);
      const changed = await importCsv(`id,priceMinor\n${s.id},1\n`);
      expect(changed.status).toBe(422);
      expect(((await changed.json()) as { errors: unknown[] }).errors).toEqual([
        expect.objectContaining({ line: 2, column: "ageYears" }),
      ]);
    });

    test("a BOM and CRLF line ends are read as a plain file", async () => {
      const s = await create({ name: "Crlf" });
      const text = `\ufeff${(await exportCsv()).replaceAll("\n", "\r\n")}`;
      const report = SpiritImportReportSchema.parse(await (await importCsv(text, "?dryRun=true")).json());
      expect(report.rows.find((r) => r.id === s.id)?.action).toBe("unchanged");
    });
  });

  describe("import", () => {
    test("dry run lists what would change and changes nothing; the import then does it", async () => {
      const s = await create({ name: "Dry Run Malt" });
      const file = [
        "id,name,brand,distillery,type,country,abv,bottleSizeMl,priceMinor,currency",
        `${s.id},Dry Run Malt,Test,Test Distillery,scotch,GB,46,700,15000,GBP`,
        ",New From CSV,Test,Test Distillery,rum,JM,40,700,4500,GBP",
      ].join("\n");
      const dry = await importCsv(file, "?dryRun=true");
      expect(dry.status).toBe(200);
      const preview = SpiritImportReportSchema.parse(await dry.json());
      expect(preview).toMatchObject({ dryRun: true, created: 1, updated: 1, unchanged: 0 });
      expect(preview.rows.map((r) => [r.line, r.action])).toEqual([
        [2, "updated"],
        [3, "created"],
      ]);
      expect((await getSpirit(s.id)).price.amountMinor).toBe(12000);
      expect(rowsOf(await exportCsv()).some((r) => r.name === "New From CSV")).toBe(false);

      const done = SpiritImportReportSchema.parse(await (await importCsv(file)).json());
      expect(done).toMatchObject({ dryRun: false, created: 1, updated: 1 });
      const updated = await getSpirit(s.id);
      expect(updated.price.amountMinor).toBe(15000);
      expect(updated.name).toBe("Dry Run Malt");
      const created = await getSpirit(done.rows[1]!.id);
      expect(created).toMatchObject({
        name: "New From CSV",
        type: "rum",
        country: "JM",
        status: "available",
      });
    });

    test("columns left out keep their values; an empty cell clears an optional field", async () => {
      const s = await create({ name: "Partial", region: "Islay", caskType: "Sherry", description: "Kept" });
      const res = await importCsv(`id,priceMinor,region\n${s.id},9900,\n`);
      expect(res.status).toBe(200);
      const after = await getSpirit(s.id);
      expect(after).toMatchObject({ price: { amountMinor: 9900, currency: "GBP" }, region: null });
      expect(after).toMatchObject({ caskType: "Sherry", description: "Kept", name: "Partial" });
    });

    test("every bad row is reported with its line and column, and nothing is imported", async () => {
      const s = await create({ name: "Untouched" });
      const file = [
        "id,name,brand,distillery,type,country,abv,bottleSizeMl,priceMinor,currency,attributes",
        ",Good Row,Test,Test Distillery,gin,GB,40,700,3000,GBP,",
        `${s.id},Untouched,Test,Test Distillery,scotch,GB,abc,700,100,GBP,`,
        ",Bad Type,Test,Test Distillery,wine,GB,40,700,3000,GBP,",
        `,"Quoted, name",Test,Test Distillery,gin,GB,40,20,3000,GBX,"{""a"": [1]}"`,
        `${s.id},Again,Test,Test Distillery,scotch,GB,40,700,100,GBP,{not json`,
      ].join("\n");
      const res = await importCsv(file);
      expect(res.status).toBe(422);
      expect(res.headers.get("Content-Type")).toStartWith("application/problem+json");
      const problem = (await res.json()) as {
        code: string;
        detail: string;
        errors: { path: string; line: number; column: string | null; message: string }[];
      };
      expect(problem.code).toBe("validation");
      const where = problem.errors.map((e) => [e.line, e.column]);
      expect(where).toContainEqual([3, "abv"]);
      expect(where).toContainEqual([4, "type"]);
      expect(where).toContainEqual([5, "bottleSizeMl"]);
      expect(where).toContainEqual([5, "currency"]);
      expect(where).toContainEqual([6, "id"]);
      expect(where).toContainEqual([6, "attributes"]);
      expect(where.some(([line]) => line === 2)).toBe(false);
      expect(problem.errors.find((e) => e.line === 3)).toMatchObject({
        path: "line 3, abv",
        message: "must be a number",
      });
      // All or nothing: the good row on line 2 was not created, the spirit not changed.
      expect(rowsOf(await exportCsv()).some((r) => r.name === "Good Row")).toBe(false);
      expect((await getSpirit(s.id)).name).toBe("Untouched");
    });

    test("wrong columns, ragged rows, unclosed quotes and huge rows are 422 naming the line", async () => {
      const expectProblem = async (body: string, line: number, column: string | null) => {
        const res = await importCsv(body);
        expect(res.status).toBe(422);
        const { errors } = (await res.json()) as { errors: { line: number; column: string | null }[] };
        expect(errors).toContainEqual(expect.objectContaining({ line, column }));
      };
      await expectProblem("id,name,colour\n,x,red\n", 1, "colour");
      await expectProblem("id,name,name\n,x,y\n", 1, "name");
      await expectProblem('id,name\n,"multi\nline"\n,a,b\n', 4, null);
      await expectProblem('id,name\n,"multi\nline"\n,a,b\n,\n', 5, "name");
      await expectProblem('id,name\n,ok\n,"never closed\n', 3, null);
      await expectProblem(`id,name\n,${"x".repeat(70_000)}\n`, 2, null);
      await expectProblem("", 1, null);
    });

    test("a body that is not text/csv is 415; one over 8 MiB is 413", async () => {
      const json = await t.call("POST", "/api/v1/spirits/import", { headers: staff.headers, body: { a: 1 } });
      expect(json.status).toBe(415);
      const big = await importCsv(`id,name\n${",x\n".repeat(3_000_000)}`);
      expect(big.status).toBe(413);
      expect(big.headers.get("Content-Type")).toStartWith("application/problem+json");
    });

    test("rows with the same id twice are refused", async () => {
      const s = await create({ name: "Twice" });
      const res = await importCsv(`id,priceMinor\n${s.id},1\n${s.id},2\n`);
      expect(res.status).toBe(422);
      const { errors } = (await res.json()) as {
        errors: { line: number; column: string; message: string }[];
      };
      expect(errors).toEqual([
        expect.objectContaining({ line: 3, column: "id", message: "appears again (first on line 2)" }),
      ]);
    });
  });
});
