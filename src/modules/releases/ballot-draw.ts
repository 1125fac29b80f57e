/**
 * The ballot's draw, as anyone can recompute it from what GET /releases/{id}/draw publishes
 * (scripts/verify-draw.ts runs these same functions). Algorithm `sha256-fisher-yates-v1`:
 *
 * 1. Each entry is published as `hash = SHA-256("entry:" + entryId)` (hex), in entry id order; an entrant
 *    finds their own entry by hashing the id they were given. `entriesDigest = SHA-256(hashes joined by
 *    "\n")` fixes that list.
 * 2. `commitment = SHA-256(seed)` is public from the release's creation; the seed (64 hex digits) is
 *    revealed at the draw.
 * 3. The draw order is a Fisher-Yates shuffle of the list: for i = n-1 down to 1, j = r(i) modulo i + 1;
 *    swap items i and j. r(i) is 8 bytes of SHA-256(seed + ":" + floor(i / 4)), those at offset
 *    8 * (i mod 4), read as a big-endian unsigned integer: one hash serves four steps. (A 64-bit number
 *    modulo at most 2^32 entries: the bias is below 2^-32.)
 * 4. Winners are taken in draw order while the allocation lasts: an entry wins when its quantity fits in
 *    what is left; one that does not fit is passed over for a smaller one further down.
 */
import { sha256Hex, toHex } from "../../digest.ts";

export const DRAW_ALGORITHM = "sha256-fisher-yates-v1";

export const entryHash = (entryId: string) => sha256Hex(`entry:${entryId}`);

export const entriesDigest = (hashes: readonly string[]) => sha256Hex(hashes.join("\n"));

export const commitmentOf = (seed: string) => sha256Hex(seed);

/** A fresh secret seed: 32 random bytes in hex. */
export function newSeed(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

const CHUNK = 4_096;

/** The swap partner of every step i (n-1 down to 1), hashed in parallel chunks (Web Crypto is async). */
async function swapTargets(seed: string, n: number): Promise<Uint32Array> {
  const targets = new Uint32Array(n);
  const encoder = new TextEncoder();
  const blocks = Math.ceil(n / 4);
  for (let start = 0; start < blocks; start += CHUNK) {
    const end = Math.min(blocks, start + CHUNK);
    const digests = await Promise.all(
      Array.from({ length: end - start }, (_, k) =>
        crypto.subtle.digest("SHA-256", encoder.encode(`${seed}:${start + k}`)),
      ),
    );
    for (let k = 0; k < digests.length; k++) {
      const view = new DataView(digests[k]!);
      for (let lane = 0; lane < 4; lane++) {
        const i = (start + k) * 4 + lane;
        if (i === 0 || i >= n) continue;
        targets[i] = Number(view.getBigUint64(lane * 8, false) % BigInt(i + 1));
      }
    }
  }
  return targets;
}

/** The draw order: the items (in entry id order) shuffled by the seed. */
export async function drawOrder<T>(seed: string, items: readonly T[]): Promise<T[]> {
  const order = [...items];
  const targets = await swapTargets(seed, order.length);
  for (let i = order.length - 1; i >= 1; i--) {
    const j = targets[i]!;
    const held = order[i]!;
    order[i] = order[j]!;
    order[j] = held;
  }
  return order;
}

/** The first winners: entries in draw order whose quantity fits in what is left of the allocation. */
export function firstWinners<T extends { quantity: number }>(ordered: readonly T[], allocation: number): T[] {
  const winners: T[] = [];
  let left = allocation;
  for (const entry of ordered) {
    if (left <= 0) break;
    if (entry.quantity <= left) {
      winners.push(entry);
      left -= entry.quantity;
    }
  }
  return winners;
}
