import type { Logger } from "../../deps.ts";
import type { RecommendationsService } from "./recommendations.service.ts";

/**
 * The background job on a single server: every `intervalMs` it refreshes queued customers until the
 * queue is empty. Runs never overlap; a failure is logged and retried on the next tick. `stop()` waits
 * for a run in progress. (On Workers the same `processQueue` is driven by a cron trigger or Queue.)
 */
export function startRecommendationWorker(
  service: Pick<RecommendationsService, "processQueue">,
  options: { intervalMs: number; logger: Logger },
) {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      for (;;) {
        if (stopped) return;
        const { processed } = await service.processQueue();
        if (!processed) return;
        options.logger.log("debug", { msg: "recommendations refreshed", processed });
      }
    } catch (err) {
      options.logger.log("error", { msg: "recommendation refresh failed", error: String(err) });
    }
  };
  const timer = setInterval(() => {
    running ??= tick().finally(() => {
      running = undefined;
    });
  }, options.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
