/**
 * Verifies a ballot's published draw: the seed against the commitment made before entries closed, the
 * entries against their digest, the shuffle (src/modules/releases/ballot-draw.ts) and the winners.
 *
 *   npm run verify-draw -- https://shop.example/api/v1/releases/rel_01hx…/draw
 *   npm run verify-draw -- https://shop.example rel_01hx…
 *   npm run verify-draw -- draw.json            (a saved copy)
 *
 * Pass `--entry <entryId>` to check that your own entry is in the draw, and see its place.
 * Exits 0 when every check holds, 1 when one fails, 2 when the draw cannot be read.
 */
import { readFile } from "node:fs/promises";
import { DrawSchema } from "../src/modules/releases/ballot.schemas.ts";
import { entryHash } from "../src/modules/releases/ballot-draw.ts";
import { verifyDraw } from "../src/modules/releases/ballot-verify.ts";

const args = process.argv.slice(2);
const flag = args.indexOf("--entry");
const entryId = flag >= 0 ? args.splice(flag, 2)[1] : undefined;
const [where, releaseId] = args;
if (!where) {
  console.error(
    "usage: verify-draw <draw URL> | <shop base URL> <releaseId> | <file.json> [--entry <entryId>]",
  );
  process.exit(2);
}

async function readDraw(): Promise<unknown> {
  if (!/^https?:/.test(where!)) return JSON.parse(await readFile(where!, "utf8"));
  const url = releaseId
    ? `${where!.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}/api/v1/releases/${encodeURIComponent(releaseId)}/draw`
    : where!;
  const res = await fetch(url);
  if (!res.ok) {
    console.error(`${url}: ${res.status} ${await res.text()}`);
    process.exit(2);
  }
  return res.json();
}

const parsed = DrawSchema.safeParse(await readDraw());
if (!parsed.success) {
  console.error(`not a published draw: ${parsed.error.issues[0]?.message}`);
  process.exit(2);
}
const checks = await verifyDraw(parsed.data);
if (entryId) {
  const hash = await entryHash(entryId);
  const mine = parsed.data.entries.find((e) => e.hash === hash);
  checks.push({
    name: "my entry",
    ok: Boolean(mine),
    detail: mine
      ? `${hash} is at place ${mine.position} (${mine.outcome})`
      : `${hash} is not among the entries`,
  });
}
for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
