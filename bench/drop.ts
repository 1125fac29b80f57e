/**
 * A ballot drawn at scale, in-process on the embedded libSQL file: N entries (100,000 by default) from
 * N customers for 100 bottles. Each round times our draw end to end (claim, SHA-256 Fisher-Yates shuffle,
 * every place written, winners' reserved orders placed through the stock engine) beside a naive draw in the
 * same run (`ORDER BY random()` in SQL and the same places written, no verifiability, no orders), and
 * samples the process's RSS while it runs. Medians of the rounds; exits non-zero if a bottle is oversold.
 *   bun bench/drop.ts [entries=100000] [rounds=3] [--winners 100] [--clients 5000] [--bottles 500]
 * Targets (issue 12): the draw under 2 s and 200 MB on this machine. Then runs bench/drop-queue.ts (a
 * waiting room opened to 5,000 sockets; its own header has its figures) and fails if either half does.
 */
import { sql } from "drizzle-orm";
import { entryHash } from "../src/modules/releases/ballot-draw.ts";
import { createTestApp, type TestClock } from "../test/support/test-app.ts";

const entries = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
/** `--winners N`: the bottles drawn for, so the winners' orders placed (100 by default, the targets' size). */
const winnersAt = process.argv.indexOf("--winners");
const BOTTLES = winnersAt === -1 ? 100 : Number(process.argv[winnersAt + 1]);
if (!Number.isInteger(BOTTLES) || BOTTLES < 1) throw new Error("--winners must be a whole number above 0");
const HOUR = 3_600_000;

const app = await createTestApp({ env: { DATABASE_URL: `file:${await tempFile()}` } });
const clock = app.deps.clock as TestClock;
let staff = await app.signIn("staff");
const location = await app.services.locations.create(
  { name: "Bench warehouse", kind: "warehouse", country: "GB", region: null, shipsTo: ["*"], active: true },
  staff.id,
);

async function tempFile() {
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  return `${await mkdtemp(`${tmpdir()}/drop-bench-`)}/bench.db`;
}

async function call(method: string, path: string, body: unknown) {
  const res = await app.app.request(path, {
    method,
    headers: { ...staff.headers, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

let round = 0;
/** A ballot of `entries` entries by as many new customers, its window just closed. */
async function closedBallot() {
  const r = ++round;
  staff = await app.signIn("staff"); // the clock moved past the last token's expiry
  const spirit = await call("POST", "/api/v1/spirits", {
    name: `Bench Ballot Malt ${r}`,
    brand: "Bench",
    distillery: "Bench Distillery",
    type: "scotch",
    country: "GB",
    abv: 52.1,
    bottleSizeMl: 700,
    price: { amountMinor: 45000, currency: "GBP" },
  });
  await call("PATCH", `/api/v1/inventory/${spirit.id}`, {
    type: "receive",
    locationId: location.id,
    quantity: BOTTLES,
  });
  const now = clock.now().getTime();
  const release = await call("POST", "/api/v1/releases", {
    spiritId: spirit.id,
    name: `Bench ballot ${r}`,
    mode: "ballot",
    allocation: BOTTLES,
    opensAt: new Date(now - HOUR).toISOString(),
    closesAt: new Date(now + HOUR).toISOString(),
  });
  const at = new Date(now).toISOString();
  const shipping = JSON.stringify({
    name: "B",
    lines: ["1 Bench Road"],
    city: "Leith",
    postalCode: "EH6 6AA",
    country: "GB",
    region: "GB-SCT",
  });
  // Customers and entries in bulk, by SQL: the HTTP path of an entry is not what this measures.
  await app.deps.client.batch([
    {
      sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO accounts (id, email, role, created_at, updated_at)
            SELECT printf('cus_b%d_%07d', ?, i), printf('b%d-%d@bench.test', ?, i), 'customer', ?, ? FROM n`,
      args: [entries, r, r, at, at],
    },
    {
      sql: `INSERT INTO customers (id, name, date_of_birth, country, region, preferences, created_at, updated_at)
            SELECT id, 'Bench', '1980-01-01', 'GB', 'GB-SCT', '{}', created_at, created_at FROM accounts
            WHERE id LIKE printf('cus_b%d_%%', ?)`,
      args: [r],
    },
    {
      sql: `INSERT INTO release_entries (id, hash, release_id, customer_id, quantity, address_key, building_key, shipping, status, created_at, updated_at)
            SELECT value ->> '$[0]', value ->> '$[1]', ?, value ->> '$[2]', 1, 'a' || (value ->> '$[2]'),
                   'b' || (value ->> '$[2]'), ?, 'entered', ?, ? FROM json_each(?)`,
      args: [release.id, shipping, at, at, JSON.stringify(await entryRows(r))],
    },
  ]);
  clock.advance(2 * HOUR);
  return { releaseId: release.id, spiritId: spirit.id };
}

/** Each entry's id, hash and customer, as an entry made through the API would have them. */
async function entryRows(r: number) {
  const rows: string[][] = [];
  for (let i = 1; i <= entries; i++) {
    const n = String(i).padStart(7, "0");
    rows.push([`ent_b${r}_${n}`, await entryHash(`ent_b${r}_${n}`), `cus_b${r}_${n}`]);
  }
  return rows;
}

/** Runs `work` while sampling RSS every 5 ms; answers its time and the peak RSS above the start. */
async function measure(work: () => Promise<void>) {
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, mb: (peak - base) / 2 ** 20, rssMb: peak / 2 ** 20 };
}

async function naiveDraw(releaseId: string) {
  const rs = await app.deps.client.execute({
    sql: "SELECT id FROM release_entries WHERE release_id = ? AND status = 'entered' ORDER BY random()",
    args: [releaseId],
  });
  const places = rs.rows.map((row, k) => [String(row.id), k + 1]);
  await app.deps.db.run(sql`UPDATE release_entries SET status = 'waiting', draw_position = d.place
    FROM (SELECT value ->> '$[0]' AS id, value ->> '$[1]' AS place FROM json_each(${JSON.stringify(places)})) AS d
    WHERE release_entries.id = d.id`);
}

async function oversold(releaseId: string, spiritId: string): Promise<string[]> {
  const problems: string[] = [];
  const won = await app.deps.client.execute({
    sql: `SELECT coalesce(sum(quantity), 0) AS n FROM release_entries WHERE release_id = ? AND status = 'won'`,
    args: [releaseId],
  });
  if (Number(won.rows[0]!.n) > BOTTLES) problems.push(`${won.rows[0]!.n} bottles awarded of ${BOTTLES}`);
  const levels = await app.deps.client.execute({
    sql: "SELECT on_hand, reserved FROM inventory_levels WHERE spirit_id = ?",
    args: [spiritId],
  });
  for (const l of levels.rows) {
    if (Number(l.reserved) > Number(l.on_hand) || Number(l.reserved) < 0) {
      problems.push(`level reserved ${l.reserved} of on hand ${l.on_hand}`);
    }
  }
  return problems;
}

const ours: Awaited<ReturnType<typeof measure>>[] = [];
const naive: Awaited<ReturnType<typeof measure>>[] = [];
const failures: string[] = [];
for (let i = 0; i < rounds; i++) {
  const a = await closedBallot();
  ours.push(await measure(() => app.services.ballots.draw(a.releaseId, staff.id).then(() => undefined)));
  failures.push(...(await oversold(a.releaseId, a.spiritId)));
  const b = await closedBallot();
  naive.push(await measure(() => naiveDraw(b.releaseId)));
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const row = (name: string, xs: typeof ours) =>
  `${name.padEnd(44)} ${median(xs.map((x) => x.ms))
    .toFixed(0)
    .padStart(7)} ms ${median(xs.map((x) => x.mb))
    .toFixed(0)
    .padStart(6)} MB ${median(xs.map((x) => x.rssMb))
    .toFixed(0)
    .padStart(7)} MB`;
console.log(
  `ballot draw, ${entries.toLocaleString("en")} entries for ${BOTTLES} bottles, ${rounds} rounds (median), Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores`,
);
console.log(`${"".padEnd(44)} ${"time".padStart(10)} ${"RSS +".padStart(9)} ${"RSS peak".padStart(10)}`);
console.log(row(`ours: verifiable draw + ${BOTTLES} winners' orders`, ours));
console.log(row("naive: ORDER BY random(), places only", naive));
console.log(
  `ours/naive: ${(median(ours.map((x) => x.ms)) / median(naive.map((x) => x.ms))).toFixed(2)}x time; targets: < 2000 ms, < 200 MB`,
);
console.log(`oversold: ${failures.length ? failures.join("; ") : "0 bottles"}`);
app.close();
// The waiting-room half of the drop (bench/drop-queue.ts), in its own process so neither's memory counts
// against the other; its options (--clients, --bottles) follow the ballot's.
const queue = Bun.spawnSync(
  [process.execPath, `${import.meta.dir}/drop-queue.ts`, ...process.argv.slice(4)],
  {
    stdio: ["inherit", "inherit", "inherit"],
  },
);
process.exit(failures.length || queue.exitCode ? 1 : 0);
