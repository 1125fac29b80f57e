/**
 * Notification fan-out: a new release that matches M of N customers (--customers, default 100,000;
 * --matching, default 50,000; --email, the share with e-mail on, default 0.1). Times the notifications
 * consumer from the release's outbox event to every matching inbox filled (settings read, opt-outs and
 * e-mail plans, one batch per 1,000 customers), then the e-mail sender handing the queued e-mails to a mailer
 * that does nothing (the sender is measured, not a mail server), and reports the peak RSS. The baseline in
 * the same run is the floor: one bare INSERT ... SELECT that matches and writes the same rows in SQL, with
 * no settings, no e-mail and no chunking.
 *
 *   flock /tmp/angelshare-heavy.lock bun bench/notify.ts
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { outboxInsert } from "../src/modules/events/outbox.ts";
import { createTestApp } from "../test/support/test-app.ts";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "100000" },
    matching: { type: "string", default: "50000" },
    email: { type: "string", default: "0.1" },
  },
});
const total = Number(values.customers);
const matching = Number(values.matching);
const emailShare = Number(values.email);

let mailed = 0;
const app = await createTestApp({
  clock: { now: () => new Date() },
  deps: {
    mailer: {
      async send() {
        mailed++;
      },
    },
  },
});
const staff = await app.signIn("staff");

// The population, straight into the tables (making 100,000 accounts over HTTP is measured elsewhere).
const at = new Date().toISOString();
const g0 = performance.now();
for (let i = 0; i < total; i += 1000) {
  const rows = Array.from({ length: Math.min(1000, total - i) }, (_, j) => {
    const k = i + j;
    const preferences = { favouriteTypes: [k < matching ? "bourbon" : "gin"], favouriteRegions: ["Islay"] };
    return [
      `cus_bench_${k}`,
      `bench-${k}@example.test`,
      JSON.stringify(preferences),
      k % Math.round(1 / emailShare) === 0,
    ];
  });
  await app.deps.client.batch(
    [
      {
        sql: `INSERT INTO accounts (id, email, role, disabled, created_at, updated_at)
              SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), 'customer', 0, ?, ? FROM json_each(?)`,
        args: [at, at, JSON.stringify(rows)],
      },
      {
        sql: `INSERT INTO customers (id, name, preferences, created_at, updated_at)
              SELECT json_extract(value, '$[0]'), 'Bench', json_extract(value, '$[2]'), ?, ? FROM json_each(?)`,
        args: [at, at, JSON.stringify(rows)],
      },
      {
        sql: `INSERT INTO notification_settings (customer_id, email_enabled, topics, quiet_start, quiet_end, time_zone, daily_email_limit, updated_at)
              SELECT json_extract(value, '$[0]'), 1, '{}', '23:00', '06:00', 'Europe/London', 3, ?
              FROM json_each(?) WHERE json_extract(value, '$[3]')`,
        args: [at, JSON.stringify(rows)],
      },
    ],
    "write",
  );
}
const g1 = performance.now();

const res = await app.call("POST", "/api/v1/spirits", {
  headers: staff.headers,
  body: {
    name: "Bench Bourbon",
    brand: "Bench",
    distillery: "Bench Still",
    type: "bourbon",
    country: "US",
    abv: 50,
    bottleSizeMl: 700,
    price: { amountMinor: 9000, currency: "GBP" },
  },
});
if (res.status !== 201) throw new Error(`spirit: ${res.status} ${await res.text()}`);
const spiritId = ((await res.json()) as { id: string }).id;
// Consumers catch up with what came before, so only the release is measured.
while ((await app.services.events.dispatch()).more);

const releaseId = "rel_bench";
const now = new Date();
const [event] = await outboxInsert(
  app.deps.db,
  "release.created",
  releaseId,
  {
    releaseId,
    spiritId,
    mode: "ballot",
    opensAt: new Date(now.getTime() + 86_400_000).toISOString(),
    closesAt: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
  },
  now.toISOString(),
).returning();

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
while ((await app.services.events.dispatch()).more);
const t1 = performance.now();
const peakKiB = process.resourceUsage().maxRSS;
const count = async (sql: string, args: (string | number)[]) =>
  Number((await app.deps.client.execute({ sql, args })).rows[0]!.n);
const told = await count("SELECT count(*) AS n FROM notifications WHERE source_event_id = ?", [event!.id]);
const queued = await count(
  "SELECT count(*) AS n FROM notification_emails e JOIN notifications n ON n.id = e.notification_id WHERE n.source_event_id = ?",
  [event!.id],
);

// The e-mails wait for quiet hours in some runs (London night): send them as if it were after.
await app.deps.client.execute("UPDATE notification_emails SET send_after = '2000-01-01T00:00:00.000Z'");
const s0 = performance.now();
while ((await app.services.notifications.sendDueEmails({ limit: 200 })).more);
const s1 = performance.now();

// Baseline: the floor, matching and writing the same rows in one statement.
const b0 = performance.now();
const bare = await app.deps.client.execute({
  sql: `INSERT INTO notifications (id, customer_id, topic, title, body, link, subject_id, source_event_id, created_at)
        SELECT 'ntf_bare_' || c.id, c.id, 'new_release', 'New release', 'Body', NULL, ?, 'evt_bare', ?
        FROM customers c JOIN accounts a ON a.id = c.id
        WHERE a.disabled = 0
          AND EXISTS (SELECT 1 FROM json_each(c.preferences, '$.favouriteTypes') j WHERE j.value = 'bourbon')`,
  args: [releaseId, now.toISOString()],
});
const b1 = performance.now();
app.close();

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; libSQL file`,
);
console.log(
  `${total.toLocaleString("en-GB")} customers (made in ${((g1 - g0) / 1000).toFixed(1)} s), ${matching.toLocaleString("en-GB")} matching, ${Math.round(emailShare * 100)}% with e-mail on`,
);
console.log(
  `fan-out (release.created -> inboxes): ${told.toLocaleString("en-GB")} notifications and ${queued.toLocaleString("en-GB")} e-mails queued in ${((t1 - t0) / 1000).toFixed(2)} s (${Math.round((told / (t1 - t0)) * 1000).toLocaleString("en-GB")}/s); RSS ${mib(rssBefore)} before, peak ${mib(peakKiB * 1024)}`,
);
console.log(
  `e-mail sender: ${mailed.toLocaleString("en-GB")} handed to the mailer in ${((s1 - s0) / 1000).toFixed(2)} s (${Math.round((mailed / (s1 - s0)) * 1000).toLocaleString("en-GB")}/s)`,
);
console.log(
  `baseline (one bare INSERT ... SELECT): ${bare.rowsAffected.toLocaleString("en-GB")} rows in ${((b1 - b0) / 1000).toFixed(2)} s -> fan-out ${((t1 - t0) / (b1 - b0)).toFixed(1)}x the floor`,
);
if (told !== matching) {
  console.error(`told ${told} of ${matching}`);
  process.exit(1);
}
