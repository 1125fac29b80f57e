// `npm run import -- <file.csv> [--kind spirits|stock] [--dry-run] [--url http://localhost:3000] [--token <JWT>]`
// Sends the file to a running server's import route (the API: its stock queue, roles and audit log apply).
// The token may also come from ANGELSHARE_TOKEN (`npm run -s token -- --role staff` prints one).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type ImportKind, runCsvImport } from "./csv-import-client.ts";

const USAGE =
  "usage: npm run import -- <file.csv> [--kind spirits|stock] [--dry-run] [--url http://localhost:3000] [--token <JWT>]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const options = {
  kind: { type: "string" },
  "dry-run": { type: "boolean" },
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean" },
} as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options, allowPositionals: true });
} catch (err) {
  fail((err as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail("name one CSV file");
const kind = values.kind;
if (kind !== undefined && kind !== "spirits" && kind !== "stock") fail("--kind must be spirits or stock");
const token = values.token ?? process.env.ANGELSHARE_TOKEN;
if (!token) fail("give a staff token with --token or ANGELSHARE_TOKEN");
let text: string;
try {
  text = readFileSync(positionals[0]!, "utf8");
} catch (err) {
  fail(`cannot read ${positionals[0]}: ${(err as Error).message}`);
}
process.exit(
  await runCsvImport({
    text,
    ...(kind ? { kind: kind as ImportKind } : {}),
    dryRun: Boolean(values["dry-run"]),
    url: values.url ?? `http://localhost:${process.env.PORT ?? 3000}`,
    token,
    stderr: process.stderr,
  }),
);
