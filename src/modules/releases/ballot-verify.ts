/**
 * Recomputes a published draw (GET /releases/{id}/draw) from its own figures, as anyone can: the seed
 * against the commitment, the entries against their digest, every place in the draw order, the winners.
 * scripts/verify-draw.ts prints these checks; nothing here trusts the shop beyond what it published.
 */

import type { Draw } from "./ballot.schemas.ts";
import { commitmentOf, drawOrder, entriesDigest, firstWinners } from "./ballot-draw.ts";

export type DrawCheck = { name: string; ok: boolean; detail: string };

export async function verifyDraw(draw: Draw): Promise<DrawCheck[]> {
  if (!draw.seed || draw.allocation === null || !draw.entriesDigest) {
    return [
      {
        name: "drawn",
        ok: false,
        detail: "the ballot has not been drawn yet: only its commitment is public",
      },
    ];
  }
  const checks: DrawCheck[] = [];
  const commitment = await commitmentOf(draw.seed);
  checks.push({
    name: "commitment",
    ok: commitment === draw.commitment,
    detail:
      commitment === draw.commitment
        ? "SHA-256(seed) is the commitment published before the draw"
        : `SHA-256(seed) is ${commitment}, not ${draw.commitment}`,
  });
  const digest = await entriesDigest(draw.entries.map((e) => e.hash));
  checks.push({
    name: "entries",
    ok: digest === draw.entriesDigest,
    detail:
      digest === draw.entriesDigest
        ? `${draw.entries.length} entries match their digest`
        : `the entries hash to ${digest}, not ${draw.entriesDigest}`,
  });
  const order = await drawOrder(draw.seed, draw.entries);
  const misplaced = order.findIndex((e, k) => e.position !== k + 1);
  checks.push({
    name: "order",
    ok: misplaced === -1,
    detail:
      misplaced === -1
        ? "every entry is at the place the seed gives it"
        : `entry ${order[misplaced]!.hash} should be at place ${misplaced + 1}, the shop says ${order[misplaced]!.position}`,
  });
  const winners = firstWinners(order, draw.allocation).map((e) => e.hash);
  const same = winners.length === draw.winners.length && winners.every((h, i) => h === draw.winners[i]);
  checks.push({
    name: "winners",
    ok: same,
    detail: same
      ? `${winners.length} winners for ${draw.allocation} bottles, in draw order`
      : `the draw gives ${winners.length} winners (${winners.slice(0, 3).join(", ")}…), the shop published ${draw.winners.length}`,
  });
  return checks;
}
