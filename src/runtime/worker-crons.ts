// The cron expressions of wrangler.toml's [triggers], and what worker.ts's scheduled handler runs for each.
// No Workers types here: the tests (type-checked with Bun's types) import it too.

/** Every minute: lapsed holds, expired orders, due pre-orders (the net under the objects' alarms). */
export const CRON_REAP_HOLDS = "* * * * *";
/** Nightly at 03:17 UTC: the stock audit. */
export const CRON_AUDIT_STOCK = "17 3 * * *";
