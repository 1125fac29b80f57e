import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { FLAVOUR_DIMENSIONS, type FlavourDimension, type SpiritRow } from "../../src/db/schema/catalog.ts";
import { DEMO_SPIRIT_COUNT } from "../../src/db/seed/demo-catalog.ts";
import { allWordsOf } from "../../src/db/seed/flavour.ts";
import { loadGeneratedCatalog } from "../../src/db/seed/load-catalog.ts";
import { generateSpirit } from "../../src/db/seed/spirit-generator.ts";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import { prepareDatabase } from "../../src/startup.ts";
import { createTestApp } from "../support/test-app.ts";

const now = new Date("2026-06-01T12:00:00Z");
const options = { seed: 42, now, currency: "GBP" };
const sample = Array.from({ length: 4000 }, (_, i) => generateSpirit(options, i));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const notesOf = (s: SpiritRow) =>
  `${s.tastingNotes.nose} ${s.tastingNotes.palate} ${s.tastingNotes.finish}`.toLowerCase();
const mentions = (text: string, d: FlavourDimension) =>
  allWordsOf(d).some((w) => new RegExp(`(^|[^a-z])${w.toLowerCase()}($|[^a-z])`).test(text));

describe("the catalog generator", () => {
  test("is deterministic: the same seed makes the same catalog, and spirit i does not depend on the size", () => {
    expect(generateSpirit(options, 123)).toEqual(sample[123]!);
    expect(generateSpirit({ ...options, seed: 43 }, 123)).not.toEqual(sample[123]!);
    expect(new Set(sample.map((s) => s.id)).size).toBe(sample.length);
  });

  test("looks like a real catalog: places, types, ages, casks, strengths, sizes", () => {
    const share = (pred: (s: SpiritRow) => boolean, of = sample) => of.filter(pred).length / of.length;
    expect(new Set(sample.map((s) => s.country)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(sample.map((s) => s.type)).size).toBeGreaterThanOrEqual(14);
    for (const region of [
      "Islay",
      "Speyside",
      "Highlands",
      "Campbeltown",
      "Lowlands",
      "Kentucky",
      "Cognac",
      "Oaxaca",
      "Jalisco",
      "London",
    ]) {
      expect(sample.some((s) => s.region === region)).toBe(true);
    }
    const islayMalts = sample.filter((s) => s.region === "Islay");
    const speyside = sample.filter((s) => s.region === "Speyside");
    expect(share((s) => s.tags.includes("peated"), islayMalts)).toBeGreaterThan(0.5);
    expect(share((s) => s.tags.includes("peated"), speyside)).toBeLessThan(0.15);
    expect(share((s) => s.tags.includes("independent-bottler"))).toBeGreaterThan(0.03);
    expect(share((s) => s.limitedEdition)).toBeGreaterThan(0.05);
    for (const s of sample) {
      expect(s.abv).toBeGreaterThan(15);
      expect(s.abv).toBeLessThanOrEqual(70);
      if (s.tags.includes("cask-strength")) expect(s.abv).toBeGreaterThan(43);
      if (s.type === "bourbon" || s.type === "rye")
        expect(s.bottleSizeMl === 750 || s.bottleSizeMl !== 700).toBe(true);
      if (s.tags.includes("peated")) expect(s.description).toMatch(/(^|[^n])peated/);
      if (s.limitedEdition) expect(s.totalOutturn).toBeGreaterThan(0);
      if (s.vintage !== null && s.ageYears !== null) expect(s.vintage + s.ageYears).toBeLessThanOrEqual(2026);
    }
  });

  test("prices follow age and rarity", () => {
    const malts = sample.filter(
      (s) => s.type === "scotch" && s.tags.includes("single-malt") && !s.limitedEdition,
    );
    const priceAt = (lo: number, hi: number) =>
      median(
        malts
          .filter((s) => s.ageYears !== null && s.ageYears >= lo && s.ageYears <= hi)
          .map((s) => s.priceMinor),
      );
    const p10 = priceAt(10, 12);
    const p18 = priceAt(18, 21);
    const p25 = priceAt(25, 30);
    expect(p18).toBeGreaterThan(p10 * 1.6);
    expect(p25).toBeGreaterThan(p18 * 2);
    const scotch12to18 = sample.filter(
      (s) => s.type === "scotch" && (s.ageYears ?? 0) >= 12 && (s.ageYears ?? 0) <= 18,
    );
    const single = median(
      scotch12to18.filter((s) => s.tags.includes("single-cask")).map((s) => s.priceMinor),
    );
    const regular = median(
      scotch12to18.filter((s) => !s.tags.includes("single-cask")).map((s) => s.priceMinor),
    );
    expect(single).toBeGreaterThan(regular);
  });

  test("tasting notes read like the flavour profile: a smoky profile reads smoky, an unsmoked one never does", () => {
    let smoky = 0;
    for (const s of sample) {
      const text = notesOf(s);
      const profile = s.flavourProfile;
      for (const d of FLAVOUR_DIMENSIONS) {
        const score = profile[d] ?? 0;
        // Words of a dimension the profile does not score never appear...
        if (score === 0 && d !== "fruity")
          expect({ id: s.id, d, mentioned: mentions(text, d) }).toEqual({ id: s.id, d, mentioned: false });
        // ...and every dimension scored 3 or more is there.
        if (score >= 3 && d !== "body")
          expect({ id: s.id, d, mentioned: mentions(text, d) }).toEqual({ id: s.id, d, mentioned: true });
      }
      if ((profile.smoky ?? 0) >= 3) smoky++;
    }
    expect(smoky).toBeGreaterThan(300);
  });

  test("every generated spirit is valid by the catalog's own rules (read back and replaced through the API)", async () => {
    const t = await createTestApp();
    try {
      const staff = await t.signIn("staff");
      await loadGeneratedCatalog(t.deps.client, { ...options, count: 120 });
      for (let i = 0; i < 120; i += 3) {
        const id = sample[i]!.id;
        const res = await t.call("GET", `/api/v1/spirits/${id}`);
        expect(res.status).toBe(200);
        const spirit = SpiritSchema.parse(await res.json());
        const { id: _id, rating: _r, createdAt: _c, updatedAt: _u, ...writable } = spirit;
        const put = await t.call("PUT", `/api/v1/spirits/${id}`, { headers: staff.headers, body: writable });
        expect({ id, status: put.status, body: put.status === 200 ? "" : await put.text() }).toEqual({
          id,
          status: 200,
          body: "",
        });
      }
    } finally {
      t.close();
    }
  });

  test("loading is idempotent and can grow a catalog; the index covers every spirit", async () => {
    const t = await createTestApp();
    try {
      const phases = new Set<string>();
      const first = await loadGeneratedCatalog(t.deps.client, {
        ...options,
        count: 700,
        onProgress: (p) => phases.add(p),
      });
      expect(first).toEqual({ generated: 700, inserted: 700, indexed: 700 });
      expect([...phases]).toEqual(["spirits", "index"]);
      expect(await loadGeneratedCatalog(t.deps.client, { ...options, count: 700 })).toEqual({
        generated: 700,
        inserted: 0,
        indexed: 0,
      });
      expect(
        (await loadGeneratedCatalog(t.deps.client, { ...options, count: 300, from: 700 })).inserted,
      ).toBe(300);
      const rs = await t.deps.client.execute(
        `SELECT (SELECT count(*) FROM spirits) AS s, (SELECT count(*) FROM search_documents) AS d,
                (SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'spirits_search_%') AS triggers`,
      );
      expect(rs.rows[0]).toMatchObject({ s: 1000, d: 1000, triggers: 5 });
      // The triggers are back: a spirit written through the API is indexed at once.
      const found = await t.call("GET", "/api/v1/spirits?q=laphrohaig&limit=1");
      expect(((await found.json()) as { total: number }).total).toBeGreaterThan(0);
    } finally {
      t.close();
    }
  });

  test("a first start tops the demo catalog up with generated spirits, once", async () => {
    const t = await createTestApp({ seedDemo: true, env: { SEED_GENERATED_SPIRITS: "60" } });
    try {
      const count = async () =>
        Number((await t.deps.client.execute("SELECT count(*) AS n FROM spirits")).rows[0]!.n);
      expect(await count()).toBe(DEMO_SPIRIT_COUNT + 60);
      await prepareDatabase(t.deps, t.services);
      expect(await count()).toBe(DEMO_SPIRIT_COUNT + 60);
      // The demo spirits are the newest, so the first page of the plain listing is the hand-written catalog.
      const page = (await (await t.call("GET", "/api/v1/spirits?limit=5")).json()) as {
        items: { id: string }[];
      };
      expect(page.items.every((s) => s.id.startsWith("spr_demo_"))).toBe(true);
    } finally {
      t.close();
    }
  });

  test("npm run seed: progress on stderr, repeatable, and clear about bad arguments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "angelshare-seed-"));
    try {
      const url = `file:${join(dir, "seed.db")}`;
      const run = (...args: string[]) =>
        Bun.spawnSync([process.execPath, "src/cli/seed.ts", ...args], {
          env: { ...process.env, LOG_LEVEL: "silent" },
        });
      const first = run("--spirits", "500", "--seed", "7", "--database", url);
      expect(first.exitCode).toBe(0);
      const err = first.stderr.toString();
      expect(err).toContain("500/500");
      expect(err).toContain("500 spirits added");
      const again = run("--spirits", "500", "--seed", "7", "--database", url);
      expect(again.stderr.toString()).toContain("0 spirits added (500 were already there)");
      const client = createClient({ url });
      expect(Number((await client.execute("SELECT count(*) AS n FROM search_documents")).rows[0]!.n)).toBe(
        500,
      );
      client.close();
      const bad = run("--spirits", "lots");
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr.toString()).toContain("--spirits must be a whole number");
      expect(run("--currency", "XXX").exitCode).toBe(2);
      expect(run("--nonsense").exitCode).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
