/**
 * The notification e-mail sender, run after each dispatch (src/runtime/event-work.ts): it reads what is
 * due (an idle run only reads), claims it (two senders never send one row: a claim lapses if its sender
 * dies, and the row goes again), sends each single and each day's digest through deps.mailer, and records
 * the outcome: sent with its Message-ID, a retry on a backoff, given up after the last, or skipped when
 * the customer turned that e-mail off (or has no address any more) since it was queued.
 */
import type { InStatement } from "@libsql/client";
import type { NotificationRow } from "../../db/schema/notifications.ts";
import { type DueProbe, existsProbe } from "../events/due-probe.ts";
import { digestEmail, type Links, singleEmail } from "./email-content.ts";
import { toNotification } from "./inbox.ts";
import { settingsOf, wantsEmail } from "./notification-settings.ts";
import type { NotificationsContext } from "./notifications.context.ts";
import type { Notification } from "./notifications.schemas.ts";
import { ALL_TOPICS, type NotificationTopic } from "./topics.ts";
import { signUnsubscribe } from "./unsubscribe-tokens.ts";

/** Waits after the 1st, 2nd, ... failed attempt; after the last the e-mail is given up. */
export const EMAIL_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
const CLAIM_MS = 5 * 60_000;

type Claimed = {
  id: string;
  notificationId: string;
  customerId: string;
  kind: "single" | "digest";
  localDay: string;
  attempts: number;
};

export type SendReport = { sent: number; failed: number; skipped: number; more: boolean };

const DUE = "status = 'pending' AND send_after <= :now AND (locked_until IS NULL OR locked_until <= :now)";

/** Whether any e-mail is due and this runtime can send it (src/modules/events/due-probe.ts). */
export const dueEmailsProbe = (ctx: NotificationsContext): DueProbe | undefined =>
  ctx.deps.mailer
    ? existsProbe("notification_emails", DUE, { now: ctx.deps.clock.now().toISOString() })
    : undefined;

async function claimDue(ctx: NotificationsContext, limit: number): Promise<Claimed[] | null> {
  const { client, clock } = ctx.deps;
  const now = clock.now();
  const at = now.toISOString();
  const due = await client.execute({
    sql: `SELECT id, customer_id, kind, local_day FROM notification_emails
          WHERE ${DUE.replaceAll(":now", "?1")} ORDER BY send_after LIMIT ?2`,
    args: [at, limit],
  });
  if (!due.rows.length) return null;
  const singles = due.rows.filter((r) => r.kind === "single").map((r) => String(r.id));
  // A digest goes whole: every pending row of that customer's day, however many there are.
  const days = [
    ...new Set(due.rows.filter((r) => r.kind === "digest").map((r) => `${r.customer_id}|${r.local_day}`)),
  ];
  const claimed = await client.execute({
    sql: `UPDATE notification_emails SET locked_until = ?
          WHERE status = 'pending' AND (locked_until IS NULL OR locked_until <= ?)
            AND (id IN (SELECT value FROM json_each(?))
                 OR (kind = 'digest' AND customer_id || '|' || local_day IN (SELECT value FROM json_each(?))))
          RETURNING id, notification_id, customer_id, kind, local_day, attempts`,
    args: [
      new Date(now.getTime() + CLAIM_MS).toISOString(),
      at,
      JSON.stringify(singles),
      JSON.stringify(days),
    ],
  });
  return claimed.rows.map((r) => ({
    id: String(r.id),
    notificationId: String(r.notification_id),
    customerId: String(r.customer_id),
    kind: r.kind === "digest" ? "digest" : "single",
    localDay: String(r.local_day),
    attempts: Number(r.attempts),
  }));
}

async function notificationsOf(ctx: NotificationsContext, ids: string[]) {
  const rs = await ctx.deps.client.execute({
    sql: `SELECT id, customer_id, topic, title, body, link, subject_id, source_event_id, created_at, read_at
          FROM notifications WHERE id IN (SELECT value FROM json_each(?))`,
    args: [JSON.stringify(ids)],
  });
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return new Map(
    rs.rows.map((r) => {
      const row: NotificationRow = {
        id: String(r.id),
        customerId: String(r.customer_id),
        topic: String(r.topic),
        title: String(r.title),
        body: String(r.body),
        link: text(r.link),
        subjectId: text(r.subject_id),
        sourceEventId: String(r.source_event_id),
        createdAt: String(r.created_at),
        readAt: text(r.read_at),
      };
      return [row.id, toNotification(row)];
    }),
  );
}

/** The host part of our Message-IDs: the public URL's host. */
const messageHost = (base: string) => {
  try {
    return new URL(base).hostname || "angelshare.invalid";
  } catch {
    return "angelshare.invalid";
  }
};

/** One run of the sender over at most `limit` due rows (and the whole of each due digest). */
export async function sendDueEmails(
  ctx: NotificationsContext,
  options: { limit?: number } = {},
): Promise<SendReport> {
  const report: SendReport = { sent: 0, failed: 0, skipped: 0, more: false };
  const mailer = ctx.deps.mailer;
  // Nothing here can send: the rows wait for a runtime that can.
  if (!mailer) return report;
  const limit = options.limit ?? 50;
  const claimed = await claimDue(ctx, limit);
  if (!claimed?.length) return report;
  report.more = claimed.length >= limit;

  const now = ctx.deps.clock.now();
  const at = now.toISOString();
  const customers = [...new Set(claimed.map((c) => c.customerId))];
  const [items, settings, addresses] = await Promise.all([
    notificationsOf(
      ctx,
      claimed.map((c) => c.notificationId),
    ),
    settingsOf(ctx, customers),
    ctx.ports.emailsOf(customers),
  ]);
  const base = ctx.publicBaseUrl;
  const host = messageHost(base);
  const writes: InStatement[] = [];
  const skip = (rows: Claimed[], why: string) => {
    report.skipped += rows.length;
    writes.push({
      sql: `UPDATE notification_emails SET status = 'skipped', last_error = ?, locked_until = NULL
            WHERE id IN (SELECT value FROM json_each(?))`,
      args: [why, JSON.stringify(rows.map((r) => r.id))],
    });
  };

  // One group per e-mail: each single alone, each customer's day of digest rows together.
  const groups = new Map<string, Claimed[]>();
  for (const c of claimed) {
    const key = c.kind === "single" ? c.id : `${c.customerId}|${c.localDay}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const rows of groups.values()) {
    const first = rows[0]!;
    const to = addresses.get(first.customerId);
    const s = settings.get(first.customerId)!;
    if (!to) {
      skip(rows, "the customer has no e-mail address (or the account is disabled)");
      continue;
    }
    // Settings may have changed since the rows were queued: an unsubscribe applies to what waits too.
    const wanted = rows.filter((r) => {
      const n = items.get(r.notificationId);
      return n && wantsEmail(s, n.topic as NotificationTopic);
    });
    if (wanted.length < rows.length) {
      skip(
        rows.filter((r) => !wanted.includes(r)),
        "the customer turned these e-mails off",
      );
    }
    if (!wanted.length) continue;
    const notes = wanted.map((r) => items.get(r.notificationId) as Notification);
    const messageId = `${first.id}@${host}`;
    const topic = first.kind === "single" ? (notes[0]!.topic as NotificationTopic) : ALL_TOPICS;
    const links: Links = {
      base,
      unsubscribeToken: await signUnsubscribe(ctx.unsubscribeKey, first.customerId, topic, now),
    };
    const message =
      first.kind === "single"
        ? singleEmail(to, notes[0]!, links, messageId)
        : digestEmail(to, notes, first.localDay, links, messageId);
    const ids = JSON.stringify(wanted.map((r) => r.id));
    try {
      await mailer.send(message);
      report.sent += 1;
      writes.push({
        sql: `UPDATE notification_emails SET status = 'sent', attempts = attempts + 1, sent_at = ?, message_id = ?,
                locked_until = NULL, last_error = NULL
              WHERE id IN (SELECT value FROM json_each(?))`,
        args: [at, `<${messageId}>`, ids],
      });
    } catch (err) {
      const attempt = first.attempts + 1;
      const delay = EMAIL_RETRY_DELAYS_MS[attempt - 1];
      report.failed += 1;
      ctx.deps.logger.log("warn", { msg: "notification e-mail failed", attempt, err: String(err) });
      writes.push({
        sql: `UPDATE notification_emails SET status = ?, attempts = ?, send_after = ?, last_error = ?, locked_until = NULL
              WHERE id IN (SELECT value FROM json_each(?))`,
        args: [
          delay === undefined ? "failed" : "pending",
          attempt,
          new Date(now.getTime() + (delay ?? 0)).toISOString(),
          String(err).slice(0, 500),
          ids,
        ],
      });
    }
  }
  if (writes.length) await ctx.deps.client.batch(writes, "write");
  return report;
}
