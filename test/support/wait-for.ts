/**
 * Waits on a condition instead of a fixed sleep: a fixed sleep is too long on a quiet machine and too
 * short on a loaded one. Used where the code under test works after its answer (writes after the
 * response, a Worker's real time, sockets closing on both ends).
 */
export type WaitOptions = {
  /** Give up after this long (default 3 s, below bun's 5 s per test, so the failure names `what`). */
  timeoutMs?: number;
  /** Pause between two looks (default 5 ms). */
  intervalMs?: number;
  /** What is awaited, for the error. */
  what?: string;
};

type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/** Resolves with the first truthy value of `check`; rejects after `timeoutMs` with the last value seen. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 3000, intervalMs = 5, what = "the condition" }: WaitOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(value)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
