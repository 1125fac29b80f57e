/**
 * Search benchmark (`npm run bench:search`; run it under `flock /tmp/angelshare-heavy.lock`).
 *
 * Generates a catalog (100,000 spirits by default) into a fresh libSQL file, then runs a fixed set of
 * realistic searches (text, typos, prefixes, phrases, filters, facets, sorts) through the whole app
 * (`app.request`, so routing, validation and JSON are included) and prints p50/p95 latency per kind of
 * query. The baseline is MiniSearch, an in-memory JavaScript search engine, built from the same rows in the
 * same run and asked the same questions (same fields and weights, fuzzy and prefix matching, the same
 * filters, facets counted the same disjunctive way in plain JavaScript, the same sorts). Also printed:
 * index sizes (dbstat), build times, and process memory (RSS) with and without the baseline loaded.
 *
 * Flags: --spirits N (100000) --runs N (25 timed runs per query, after 3 warm-ups) --seed N (42)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import MiniSearch from "minisearch";
import { wordsOf } from "../src/modules/search/query-text.ts";
import { createTestApp } from "../test/support/test-app.ts";

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const SPIRITS = arg("spirits", 100_000);
const RUNS = arg("runs", 25);
const SEED = arg("seed", 42);
const WARMUP = 3;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const rss = () => process.memoryUsage().rss;
const heap = () => process.memoryUsage().heapUsed;
/** RSS once the garbage is collected and the allocator has had a moment to hand free pages back. */
const settledRss = async () => {
  Bun.gc(true);
  await Bun.sleep(1500);
  return rss();
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

// --- The queries ---------------------------------------------------------------------------------
type Query = { kind: string; label: string; params: Record<string, string> };
const FACETS = "type,country,region,distillery,tags,awards,ageBucket,priceBucket,caskType";
const Q = (kind: string, label: string, params: Record<string, string>): Query => ({ kind, label, params });
const QUERIES: Query[] = [
  Q("text", "islay peated", { q: "islay peated " }),
  Q("text", "sherry cask", { q: "sherry cask " }),
  Q("text", "peated islay 18", { q: "peated islay 18 " }),
  Q("text", "japanese mizunara", { q: "japanese mizunara " }),
  Q("text", "rhum agricole", { q: "rhum agricole " }),
  Q("typo", "lagavullin", { q: "lagavullin " }),
  Q("typo", "laphroig 10", { q: "laphroig 10 " }),
  Q("typo", "glenfidick 18", { q: "glenfidick 18 " }),
  Q("prefix", "glen (typing)", { q: "glen" }),
  Q("prefix", "springl (typing)", { q: "springl" }),
  Q("phrase", '"sea spray"', { q: '"sea spray"' }),
  Q("phrase", '"christmas cake" sherry', { q: '"christmas cake" sherry ' }),
  Q("text+facets", "islay peated", { q: "islay peated ", facets: FACETS }),
  Q("text+facets", "sherry cask under 300", { q: "sherry cask under 300 ", facets: FACETS }),
  Q("text+facets", "cask strength bourbon", { q: "cask strength bourbon ", facets: FACETS }),
  Q("text+facets", "vanilla oak", { q: "vanilla oak ", facets: FACETS }),
  Q("text+filters+facets", "smoke, scotch 12-18y", {
    q: "smoke ",
    type: "scotch",
    minAge: "12",
    maxAge: "18",
    facets: FACETS,
  }),
  Q("text+filters+facets", "cognac, gold medal", {
    q: "cognac ",
    medals: "gold,double_gold",
    facets: FACETS,
  }),
  Q("text+filters+facets", "speyside, sherry casks, price", {
    q: "speyside ",
    caskType: "sherry",
    currency: "GBP",
    minPrice: "5000",
    maxPrice: "20000",
    facets: FACETS,
  }),
  Q("text+filters+facets", "rum, limited, by price", {
    q: "rum ",
    limited: "true",
    sort: "price_desc",
    currency: "GBP",
    facets: FACETS,
  }),
  Q("browse+facets", "everything", { facets: FACETS }),
  Q("browse+facets", "scotch from Islay", { type: "scotch", region: "Islay", facets: FACETS }),
  Q("browse+facets", "single casks by age", { tags: "single-cask", sort: "age_desc", facets: FACETS }),
  Q("browse+facets", "whisky 25+, top rated", {
    type: "whisky",
    minAge: "25",
    sort: "rating",
    facets: FACETS,
  }),
];

// --- Our search: a fresh database, the generated catalog, the real app ---------------------------
console.log("# Search benchmark");
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; bun ${Bun.version}`,
);
console.log(`load average at start: ${load()} (the machine is shared; figures move with it)`);
console.log(
  `catalog: ${SPIRITS.toLocaleString("en-GB")} generated spirits (seed ${SEED}); ${QUERIES.length} queries × ${RUNS} timed runs\n`,
);

// The catalog is generated by the seed command in its own process, so the memory measured here is that
// of a process serving searches, not of one that has just generated 100,000 spirits.
const dir = mkdtempSync(join(tmpdir(), "angelshare-bench-search-"));
const url = `file:${join(dir, "search.db")}`;
let t0 = performance.now();
const seeded = Bun.spawnSync(
  [
    process.execPath,
    "src/cli/seed.ts",
    "--spirits",
    String(SPIRITS),
    "--seed",
    String(SEED),
    "--database",
    url,
  ],
  { env: { ...process.env, LOG_LEVEL: "silent" }, stderr: "pipe" },
);
if (seeded.exitCode !== 0) throw new Error(`seed failed: ${seeded.stderr.toString()}`);
const seedMs = performance.now() - t0;

Bun.gc(true);
const rssStart = rss();
const t = await createTestApp({ env: { DATABASE_URL: url } });
/** Server-Timing of the last search: where its time went, by stage. */
let lastStages: Record<string, number> = {};
const call = async (params: Record<string, string>) => {
  const res = await t.app.request(`/api/v1/spirits?${new URLSearchParams({ limit: "20", ...params })}`);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  lastStages = Object.fromEntries(
    (res.headers.get("Server-Timing") ?? "")
      .split(",")
      .map((part) => /([\w-]+);dur=([\d.]+)/.exec(part))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [m[1]!, Number(m[2])]),
  );
  return (await res.json()) as { total: number; items: { id: string }[] };
};
t0 = performance.now();
await call({ q: "warm " }); // loads the in-memory copy of the index and the vocabulary
const warmMs = performance.now() - t0;
const rssOurs = await settledRss();

const sizes = await t.deps.client.execute(
  "SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC",
);
const size = (pred: (name: string) => boolean) =>
  sizes.rows.filter((r) => pred(String(r.name))).reduce((n, r) => n + Number(r.bytes), 0);
const ftsBytes = size((n) => n.startsWith("spirits_fts"));
const facetBytes = size((n) => n.startsWith("search_documents") || n.startsWith("search_terms"));
const spiritsBytes = size(
  (n) =>
    n === "spirits" ||
    (n.startsWith("spirits_") && !n.startsWith("spirits_fts")) ||
    n === "sqlite_autoindex_spirits_1",
);
const fileBytes = size(() => true);

async function time(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await run();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await run();
    out.push(performance.now() - s);
  }
  return out;
}

const ours = new Map<Query, number[]>();
const oursTotals = new Map<Query, number>();
const stages = new Map<string, Map<string, number[]>>();
for (const q of QUERIES) {
  ours.set(q, await time(() => call(q.params)));
  oursTotals.set(q, (await call(q.params)).total);
  const byStage = stages.get(q.kind) ?? new Map<string, number[]>();
  stages.set(q.kind, byStage);
  for (let i = 0; i < 5; i++) {
    await call(q.params);
    for (const [stage, ms] of Object.entries(lastStages))
      byStage.set(stage, [...(byStage.get(stage) ?? []), ms]);
  }
}
const rssOursAfter = await settledRss();
const heapOurs = heap();

// --- The baseline: MiniSearch over the same rows ---------------------------------------------------
type Doc = {
  id: string;
  name: string;
  distillery: string;
  brand: string;
  facts: string;
  awards: string;
  tags: string;
  notes: string;
  description: string;
  type: string;
  country: string;
  region: string | null;
  ageYears: number | null;
  price: number;
  currency: string;
  limited: boolean;
  status: string;
  rating: number | null;
  createdAt: string;
  tagList: string[];
  medals: string[];
  awardNames: string[];
  casks: string[];
  ageBucket: string;
  priceBucket: string;
};
t0 = performance.now();
const rows = await t.deps.client.execute(
  `SELECT d.*, x.name, x.facts, x.awards AS awards_text, x.tags AS tags_text, x.notes, x.description,
     s.tags AS tag_json, s.awards AS award_json,
     (SELECT group_concat(value, '|') FROM search_terms t WHERE t.doc_id = d.doc_id AND t.facet = 'cask') AS casks
   FROM search_documents d JOIN search_text x ON x.doc_id = d.doc_id JOIN spirits s ON s.id = d.spirit_id`,
);
const docs: Doc[] = rows.rows.map((r) => {
  const awards = JSON.parse(String(r.award_json)) as { name: string; medal: string }[];
  return {
    id: String(r.spirit_id),
    name: String(r.name),
    distillery: String(r.distillery),
    brand: String(r.brand),
    facts: String(r.facts),
    awards: String(r.awards_text),
    tags: String(r.tags_text),
    notes: String(r.notes),
    description: String(r.description),
    type: String(r.type),
    country: String(r.country),
    region: r.region === null ? null : String(r.region),
    ageYears: r.age_years === null ? null : Number(r.age_years),
    price: Number(r.price_minor),
    currency: String(r.currency),
    limited: Number(r.limited) === 1,
    status: String(r.status),
    rating: r.rating === null ? null : Number(r.rating),
    createdAt: String(r.created_at),
    tagList: JSON.parse(String(r.tag_json)),
    medals: awards.map((a) => a.medal),
    awardNames: awards.map((a) => a.name),
    casks: r.casks ? String(r.casks).split("|") : [],
    ageBucket: String(r.age_bucket),
    priceBucket: String(r.price_bucket),
  };
});
const readMs = performance.now() - t0;
const rssBeforeMini = await settledRss();
t0 = performance.now();
const FIELDS = ["name", "distillery", "brand", "facts", "awards", "tags", "notes", "description"];
const mini = new MiniSearch<Doc>({
  fields: FIELDS,
  idField: "id",
  tokenize: (text) => wordsOf(text),
  processTerm: (term) => term,
  searchOptions: {
    boost: { name: 10, distillery: 5, brand: 5, facts: 3, awards: 2, tags: 2, notes: 1, description: 1 },
  },
});
mini.addAll(docs);
const miniBuildMs = performance.now() - t0;
const rssMini = await settledRss();
const byId = new Map(docs.map((d) => [d.id, d]));

const WHISKY = ["whisky", "scotch", "bourbon", "rye", "irish", "japanese"];
const BRANDY = ["brandy", "cognac", "armagnac", "calvados"];
const VISIBLE = new Set(["announced", "available", "sold_out"]);

/** The same search with MiniSearch: text, filters, disjunctive facets, sort, one page. */
function miniSearch(params: Record<string, string>) {
  const raw = params.q ?? "";
  // The same price words, read the same simple way for the queries above.
  const under = /under (\d+)/.exec(raw);
  const text = raw.replace(/under \d+/, "");
  const phrases = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!.toLowerCase());
  const words = wordsOf(text);
  const typing = !/\s$/.test(raw) && !raw.endsWith('"');
  const fuzzy = (term: string) => (/^\d+$/.test(term) || term.length < 4 ? false : term.length >= 8 ? 2 : 1);
  let hits: { id: string; score: number }[];
  if (words.length) {
    const options = {
      prefix: (_t: string, i: number, all: string[]) => typing && i === all.length - 1,
      fuzzy: (term: string) => fuzzy(term),
      combineWith: "AND" as const,
    };
    hits = mini.search(words.join(" "), options);
    if (!hits.length && words.length > 1)
      hits = mini.search(words.join(" "), { ...options, combineWith: "OR" });
    if (phrases.length) {
      hits = hits.filter((h) => {
        const d = byId.get(h.id)!;
        const all = wordsOf(
          [d.name, d.distillery, d.brand, d.facts, d.awards, d.tags, d.notes, d.description].join(" "),
        ).join(" ");
        return phrases.every((p) => all.includes(wordsOf(p).join(" ")));
      });
    }
  } else {
    hits = docs.map((d) => ({ id: d.id, score: 0 }));
  }
  const list = (k: string) => (params[k] ? params[k]!.split(",") : undefined);
  const types = list("type")?.flatMap((x) => (x === "whisky" ? WHISKY : x === "brandy" ? BRANDY : [x]));
  const conj = (d: Doc) =>
    VISIBLE.has(d.status) &&
    (!params.minAge || (d.ageYears !== null && d.ageYears >= Number(params.minAge))) &&
    (!params.maxAge || (d.ageYears !== null && d.ageYears <= Number(params.maxAge))) &&
    (!params.currency || d.currency === params.currency) &&
    (!params.minPrice || d.price >= Number(params.minPrice)) &&
    (!params.maxPrice || d.price <= Number(params.maxPrice)) &&
    (!under || d.price <= Number(under[1]) * 100) &&
    (!params.limited || d.limited) &&
    (!params.tags || params.tags.split(",").every((x) => d.tagList.includes(x)));
  const disj: [string, (d: Doc) => boolean][] = [];
  if (types) disj.push(["type", (d) => types.includes(d.type)]);
  if (params.region) disj.push(["region", (d) => d.region === params.region]);
  if (params.medals) disj.push(["medals", (d) => d.medals.some((m) => list("medals")!.includes(m))]);
  if (params.caskType) disj.push(["caskType", (d) => d.casks.some((c) => list("caskType")!.includes(c))]);
  const facetNames = list("facets") ?? [];
  const counts = new Map<string, Map<string, number>>(facetNames.map((f) => [f, new Map()]));
  const bump = (facet: string, value: string | null) => {
    const m = counts.get(facet);
    if (m && value !== null) m.set(value, (m.get(value) ?? 0) + 1);
  };
  const countDoc = (d: Doc, only?: string) => {
    const each = (facet: string, values: (string | null)[]) => {
      if (!only || only === facet) for (const v of values) bump(facet, v);
    };
    each("type", [d.type, WHISKY.includes(d.type) ? "whisky" : BRANDY.includes(d.type) ? "brandy" : null]);
    each("country", [d.country]);
    each("region", [d.region]);
    each("distillery", [d.distillery]);
    each("tags", d.tagList);
    each("awards", d.awardNames);
    each("ageBucket", [d.ageBucket]);
    each("priceBucket", [d.priceBucket]);
    each("caskType", d.casks);
  };
  const matched: { d: Doc; score: number }[] = [];
  for (const h of hits) {
    const d = byId.get(h.id)!;
    if (!conj(d)) continue;
    const failed = disj.filter(([, f]) => !f(d));
    if (failed.length === 0) {
      matched.push({ d, score: h.score });
      if (facetNames.length) countDoc(d);
    } else if (failed.length === 1 && facetNames.length) countDoc(d, failed[0]![0]);
  }
  const facets = Object.fromEntries(
    [...counts].map(([f, m]) => [f, [...m].sort((a, b) => b[1] - a[1]).slice(0, 20)]),
  );
  const sort = params.sort ?? (words.length ? "relevance" : "newest");
  const key: Record<string, (x: { d: Doc; score: number }) => number | string> = {
    relevance: (x) => -x.score,
    newest: (x) => -Date.parse(x.d.createdAt),
    price_desc: (x) => -x.d.price,
    age_desc: (x) => -(x.d.ageYears ?? -1),
    rating: (x) => -(x.d.rating ?? -1),
  };
  const k = key[sort]!;
  const page = matched
    .map((x) => ({ x, v: k(x) }))
    .sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : a.x.d.id < b.x.d.id ? -1 : 1))
    .slice(0, 20)
    .map((e) => e.x.d);
  return { total: matched.length, items: page, facets };
}

const baseline = new Map<Query, number[]>();
const baselineTotals = new Map<Query, number>();
for (const q of QUERIES) {
  baseline.set(q, await time(async () => miniSearch(q.params)));
  baselineTotals.set(q, miniSearch(q.params).total);
}

// --- Report ----------------------------------------------------------------------------------------
const f = (x: number) => x.toFixed(x < 10 ? 2 : 1).padStart(7);
console.log(
  `npm run seed (generate, insert, index; own process): ${(seedMs / 1000).toFixed(1)} s; first search (loads the in-memory facet copy and vocabulary): ${warmMs.toFixed(0)} ms`,
);
console.log(
  `database: ${mib(fileBytes)} in all; FTS5 index ${mib(ftsBytes)}; facet tables (search_documents, search_terms) ${mib(facetBytes)}; spirits ${mib(spiritsBytes)}`,
);
console.log(
  `MiniSearch: rows read in ${(readMs / 1000).toFixed(1)} s, index built in ${(miniBuildMs / 1000).toFixed(1)} s`,
);
console.log(
  `memory (RSS): runtime and code ${mib(rssStart)}; our search ready ${mib(rssOurs)}, after all queries ${mib(rssOursAfter)}; ` +
    `+ rows for MiniSearch ${mib(rssBeforeMini)}; + MiniSearch index ${mib(rssMini)} (index alone ≈ ${mib(rssMini - rssBeforeMini)}); ` +
    `JS heap in use with ours only ${mib(heapOurs)}\n`,
);

console.log("per query (ms; ours through the whole app, MiniSearch in memory; total = matches)");
console.log(
  `${"kind".padEnd(20)} ${"query".padEnd(32)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"mini p50".padStart(9)} ${"mini p95".padStart(9)} ${"total".padStart(7)} ${"mini".padStart(7)}`,
);
for (const q of QUERIES) {
  const a = ours.get(q)!;
  const b = baseline.get(q)!;
  console.log(
    `${q.kind.padEnd(20)} ${q.label.padEnd(32)} ${f(quantile(a, 0.5))} ${f(quantile(a, 0.95))} ${f(quantile(b, 0.5)).padStart(9)} ${f(quantile(b, 0.95)).padStart(9)} ${String(oursTotals.get(q)).padStart(7)} ${String(baselineTotals.get(q)).padStart(7)}`,
  );
}

console.log("\nper kind (all runs of its queries pooled)");
console.log(
  `${"kind".padEnd(20)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"mini p50".padStart(9)} ${"mini p95".padStart(9)} ${"p95 ratio".padStart(10)}`,
);
const kinds = [...new Set(QUERIES.map((q) => q.kind))];
for (const kind of kinds) {
  const a = QUERIES.filter((q) => q.kind === kind).flatMap((q) => ours.get(q)!);
  const b = QUERIES.filter((q) => q.kind === kind).flatMap((q) => baseline.get(q)!);
  const ratio = quantile(a, 0.95) / quantile(b, 0.95);
  console.log(
    `${kind.padEnd(20)} ${f(quantile(a, 0.5))} ${f(quantile(a, 0.95))} ${f(quantile(b, 0.5)).padStart(9)} ${f(quantile(b, 0.95)).padStart(9)} ${`${ratio.toFixed(2)}×`.padStart(10)}`,
  );
}
console.log("\nwhere our time goes, median ms per stage (from the Server-Timing header)");
const STAGES = ["index", "match", "facets", "rank", "sort", "fetch", "highlight"];
console.log(`${"kind".padEnd(20)} ${STAGES.map((x) => x.padStart(9)).join(" ")}`);
for (const kind of kinds) {
  const byStage = stages.get(kind)!;
  console.log(
    `${kind.padEnd(20)} ${STAGES.map((x) => (byStage.has(x) ? quantile(byStage.get(x)!, 0.5).toFixed(2) : "-").padStart(9)).join(" ")}`,
  );
}
const faceted = QUERIES.filter((q) => q.params.facets).flatMap((q) => ours.get(q)!);
console.log(`\nload average at end: ${load()}`);
console.log(
  `target: p95 of searches with facets < 25 ms: ${quantile(faceted, 0.95).toFixed(1)} ms; RSS < 300 MB: ${mib(rssOursAfter)} (our search alone, before the baseline is loaded)`,
);
t.close();
rmSync(dir, { recursive: true, force: true });
