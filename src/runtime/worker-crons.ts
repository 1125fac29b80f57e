// The cron expressions of wrangler.toml's [triggers], and what worker.ts's scheduled handler runs for each
// (the work the Bun entry's timers do). No Workers types here: the tests import it too.

/** Every minute: lapsed holds, expired orders, due pre-orders, ballots and queues, queued recommendation refreshes, events, provenance sealing. */
export const CRON_EVERY_MINUTE = "* * * * *";
/** Hourly: idempotency keys older than a day are deleted. */
export const CRON_HOURLY = "7 * * * *";
/** Nightly at 03:17 UTC: the stock audit and the signed provenance checkpoint. */
export const CRON_NIGHTLY = "17 3 * * *";

export const CRONS = [CRON_EVERY_MINUTE, CRON_HOURLY, CRON_NIGHTLY] as const;
