import type { Logger, Timers } from "../../deps.ts";

/**
 * The Bun server's dispatcher: runs `dispatch` every `intervalMs`, at once again while a run says there
 * is more, one run at a time. `stop` waits for the run in progress (a stop mid-delivery loses nothing:
 * what was not recorded as handled is delivered again by the next start).
 */
export function startDispatchLoop(options: {
  dispatch: () => Promise<{ more: boolean }>;
  intervalMs: number;
  timers: Timers;
  logger: Logger;
}) {
  const { dispatch, intervalMs, timers, logger } = options;
  let stopped = false;
  let handle: unknown;
  let current: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (!stopped) handle = timers.setTimeout(tick, ms);
  };
  function tick() {
    current = dispatch()
      .then((r) => schedule(r.more ? 0 : intervalMs))
      .catch((err) => {
        logger.log("error", { msg: "event dispatch failed", err: String(err) });
        schedule(intervalMs);
      });
  }
  schedule(0);
  return {
    async stop() {
      stopped = true;
      timers.clearTimeout(handle);
      await current;
    },
  };
}
