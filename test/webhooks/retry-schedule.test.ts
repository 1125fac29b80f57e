/** The retry schedule's jitter both ways, and the give-up after the last delay. */
import { expect, test } from "bun:test";
import { nextRetryDelayMs, RETRY_DELAYS_MS } from "../../src/modules/webhooks/retry-schedule.ts";

test("each delay moves by up to a fifth either way; after seven failures it is given up", () => {
  for (const [i, base] of RETRY_DELAYS_MS.entries()) {
    expect(nextRetryDelayMs(i + 1, () => 0)).toBe(base * 0.8);
    expect(nextRetryDelayMs(i + 1, () => 0.5)).toBe(base);
    expect(nextRetryDelayMs(i + 1, () => 1)).toBe(base * 1.2);
  }
  expect(nextRetryDelayMs(RETRY_DELAYS_MS.length + 1)).toBeNull();
  // With the real random source, retries after the same failure spread out.
  const spread = new Set(Array.from({ length: 50 }, () => nextRetryDelayMs(4)));
  expect(spread.size).toBeGreaterThan(40);
  for (const d of spread) expect(d! >= 7_200_000 * 0.8 && d! <= 7_200_000 * 1.2).toBe(true);
  // Exponential-ish: each base delay is at least the one before it, about a day in all.
  expect(RETRY_DELAYS_MS.every((d, i) => i === 0 || d >= RETRY_DELAYS_MS[i - 1]!)).toBe(true);
  const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) / 3_600_000;
  expect(total).toBeGreaterThan(24);
  expect(total).toBeLessThan(36);
});
