/**
 * The hold reaper for a single server: sleeps until the next thing is due (the next hold to lapse, the
 * next pre-order release) and then runs the work. It does not poll every second: it asks when the next
 * expiry is, and it is woken early when a hold is placed that lapses before its current wake-up (a spirit
 * with a short hold time). A longest sleep catches anything it could not know about (another process
 * writing the same database, a clock jump). Readers never depend on it: every read already treats a lapsed
 * hold as released. Only standard timers: no runtime API.
 */
import { type Clock, systemTimers, type Timers } from "../deps.ts";

export type ReaperOptions = {
  clock: Clock;
  /** What it sleeps on (default: systemTimers). */
  timers?: Timers;
  /** When the next work is due (ISO time), or null when nothing is pending. */
  nextDueAt: () => Promise<string | null>;
  /** Does what is due. */
  run: () => Promise<unknown>;
  /** Lets the reaper hear of new holds (their expiry) to wake up earlier when needed. */
  subscribe?: (wake: (dueAt: string) => void) => () => void;
  onError?: (err: unknown) => void;
  /** Longest sleep between two looks (default 30 s). */
  maxSleepMs?: number;
  /** Slack after the due time, so the hold has lapsed when the work runs (default 5 ms). */
  slackMs?: number;
};

export type Reaper = {
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Resolves once no run is in progress (the next wake-up is then planned). */
  idle(): Promise<void>;
  /** When the reaper will next look (ms since the epoch), for tests and logs. */
  readonly wakeAt: number | null;
};

export function createReaper(options: ReaperOptions): Reaper {
  const { clock, nextDueAt, run } = options;
  const timers = options.timers ?? systemTimers;
  const maxSleep = options.maxSleepMs ?? 30_000;
  const slack = options.slackMs ?? 5;
  let timer: unknown;
  let wakeAt: number | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  let unsubscribe: (() => void) | undefined;

  const report = (err: unknown) => options.onError?.(err);

  function arm(delay: number) {
    if (stopped) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    const ms = Math.max(0, Math.min(delay, maxSleep));
    wakeAt = clock.now().getTime() + ms;
    timer = timers.setTimeout(tick, ms);
  }

  async function schedule() {
    try {
      const next = await nextDueAt();
      arm(next ? Date.parse(next) - clock.now().getTime() + slack : maxSleep);
    } catch (err) {
      report(err);
      arm(maxSleep);
    }
  }

  function tick() {
    timer = undefined;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await run();
        } catch (err) {
          report(err);
        }
      } while (again && !stopped);
      await schedule();
    })().finally(() => {
      running = null;
    });
  }

  function wake(dueAt: string) {
    if (stopped) return;
    const at = Date.parse(dueAt) + slack;
    if (wakeAt === null || at < wakeAt) arm(at - clock.now().getTime());
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = options.subscribe?.(wake);
      // Straight away: whatever lapsed while the server was down goes back on sale first.
      arm(0);
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      wakeAt = null;
      await running;
    },
    async idle() {
      await running;
    },
    get wakeAt() {
      return wakeAt;
    },
  };
}

/** Runs `job` once a day at the given UTC hour (the daily stock audit). Returns the function that stops it. */
export function everyDayAt(
  hourUtc: number,
  clock: Clock,
  job: () => Promise<unknown>,
  onError?: (err: unknown) => void,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const next = () => {
    const now = clock.now();
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    timer = setTimeout(
      () => {
        if (stopped) return;
        job()
          .catch((err) => onError?.(err))
          .finally(next);
      },
      // Timers cap near 24.8 days; a day is far below that.
      at.getTime() - now.getTime(),
    );
    (timer as { unref?: () => void }).unref?.();
  };
  next();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
