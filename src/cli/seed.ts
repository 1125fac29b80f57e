// `npm run seed -- --spirits 100000 [--seed 42] [--currency GBP] [--from 0] [--database file:./data/x.db]`
// Generates a realistic, deterministic catalog (the same seed gives the same spirits) and loads it, with
// the search index built after the rows. Migrations are applied first, so a new file works.
import { parseArgs } from "node:util";
import { parseConfig } from "../config.ts";
import { openLocalDatabase } from "../db/local.ts";
import { runMigrations } from "../db/migrate.ts";
import { loadGeneratedCatalog } from "../db/seed/load-catalog.ts";
import { progressBar } from "../db/seed/progress.ts";
import { GENERATOR_CURRENCIES } from "../db/seed/spirit-generator.ts";

const USAGE =
  "usage: npm run seed -- --spirits <count> [--seed <number>] [--currency GBP] [--from <index>] [--database <libSQL URL>]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  values = parseArgs({
    options: {
      spirits: { type: "string", default: "1000" },
      seed: { type: "string", default: "42" },
      currency: { type: "string", default: "GBP" },
      from: { type: "string", default: "0" },
      database: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const whole = (name: string, max: number) => {
  const text = String(values[name]);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max)
    fail(`--${name} must be a whole number up to ${max}`);
  return n;
};
const count = whole("spirits", 10_000_000);
const seed = whole("seed", 2 ** 32 - 1);
const from = whole("from", 10_000_000);
const currency = String(values.currency).toUpperCase();
if (!GENERATOR_CURRENCIES.includes(currency))
  fail(`--currency must be one of ${GENERATOR_CURRENCIES.join(", ")}`);

const config = parseConfig({
  ...process.env,
  ...(values.database ? { DATABASE_URL: String(values.database) } : {}),
});
const { db, client } = await openLocalDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
try {
  await runMigrations(db);
  const bar = progressBar(process.stderr);
  const started = performance.now();
  const result = await loadGeneratedCatalog(client, {
    count,
    from,
    seed,
    currency,
    now: new Date(),
    onProgress: (phase, done, total) => bar.update(phase === "spirits" ? "spirits" : "index", done, total),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(
    `${result.inserted.toLocaleString("en-GB")} spirits added (${(result.generated - result.inserted).toLocaleString("en-GB")} were already there), ` +
      `${result.indexed.toLocaleString("en-GB")} indexed, in ${seconds}s, into ${config.DATABASE_URL}`,
  );
} finally {
  client.close();
}
