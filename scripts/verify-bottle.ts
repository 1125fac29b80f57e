/**
 * Verifies a bottle's provenance offline from what a shop publishes: its chain, the chain head's Merkle
 * proof against the latest signed checkpoint, and that checkpoint's Ed25519 signature.
 *
 *   npm run verify-bottle -- https://shop.example bat_01hx…-42
 *
 * Exits 0 when every check holds, 1 when one fails, 2 when the shop cannot be read.
 */
import {
  BottleProvenanceSchema,
  ProvenanceKeysSchema,
} from "../src/modules/provenance/provenance.schemas.ts";
import { verifyBottle } from "../src/modules/provenance/verify.ts";

const [base, serial] = process.argv.slice(2);
if (!base || !serial) {
  console.error("usage: verify-bottle <shop base URL> <serial>");
  process.exit(2);
}
const root = base.replace(/\/+$/, "").replace(/\/api\/v1$/, "");

async function read(path: string): Promise<unknown> {
  const res = await fetch(`${root}${path}`);
  if (!res.ok) {
    console.error(`${path}: ${res.status} ${await res.text()}`);
    process.exit(2);
  }
  return res.json();
}

const record = BottleProvenanceSchema.parse(
  await read(`/api/v1/bottles/${encodeURIComponent(serial)}/provenance`),
);
const { keys } = ProvenanceKeysSchema.parse(await read("/.well-known/provenance-keys.json"));
const checks = await verifyBottle(record, keys);
for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
