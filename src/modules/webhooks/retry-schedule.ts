/**
 * When a failed delivery is tried again: the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h after each failure), each delay moved by up to a fifth either way so that a receiver coming
 * back is not hit by every retry at once. About 28 hours in all; after the last, the delivery is given up.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** An endpoint whose attempts have all failed for this long is disabled (staff re-enable it). */
export const DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;

/** The delay before the next attempt after `attempts` failures, or null when the delivery is given up. */
export function nextRetryDelayMs(attempts: number, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + 0.4 * random()));
}
