/**
 * Turns one notice into inbox entries, e-mail records and live messages. Customers are taken a chunk at a
 * time; each chunk is one atomic batch (its notifications and their e-mails together), so a short write
 * lock is taken per chunk and a chunk written before a crash is not written again: the unique
 * (customer, event) index skips it, and an e-mail row is only written beside a notification this run made.
 */
import type { InStatement } from "@libsql/client";
import { newId } from "../../db/ids.ts";
import type { DomainEvent } from "../events/domain-events.ts";
import { planEmail } from "./email-schedule.ts";
import { type Settings, settingsOf, wantsEmail } from "./notification-settings.ts";
import { publishLive } from "./notification-sockets.ts";
import type { NotificationsContext } from "./notifications.context.ts";
import type { Notification } from "./notifications.schemas.ts";
import type { Message, Notice } from "./targeting.ts";

const CHUNK = 1000;

const INSERT_NOTIFICATIONS = `INSERT INTO notifications
  (id, customer_id, topic, title, body, link, subject_id, source_event_id, created_at)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?, ?, ?, ?, ?, ?, ?
  FROM json_each(?) WHERE true
  ON CONFLICT (customer_id, source_event_id) DO NOTHING
  RETURNING id, customer_id`;

// Only beside a notification this batch made: when the notification was already there, so is its e-mail.
const INSERT_EMAILS = `INSERT INTO notification_emails
  (id, notification_id, customer_id, kind, local_day, send_after, status, attempts, created_at)
  SELECT json_extract(v.value, '$[0]'), json_extract(v.value, '$[1]'), json_extract(v.value, '$[2]'),
         json_extract(v.value, '$[3]'), json_extract(v.value, '$[4]'), json_extract(v.value, '$[5]'),
         'pending', 0, ?
  FROM json_each(?) v
  WHERE EXISTS (SELECT 1 FROM notifications n WHERE n.id = json_extract(v.value, '$[1]'))`;

/** Single e-mails already planned per customer and local day (the cap's count). */
async function singlesPerDay(ctx: NotificationsContext, pairs: [string, string][]) {
  const counts = new Map<string, number>();
  if (!pairs.length) return counts;
  const rs = await ctx.deps.client.execute({
    sql: `SELECT e.customer_id, e.local_day, count(*) AS n FROM json_each(?) v
          JOIN notification_emails e ON e.customer_id = json_extract(v.value, '$[0]')
            AND e.local_day = json_extract(v.value, '$[1]') AND e.kind = 'single' AND e.status <> 'skipped'
          GROUP BY e.customer_id, e.local_day`,
    args: [JSON.stringify(pairs)],
  });
  for (const r of rs.rows) counts.set(`${r.customer_id}|${r.local_day}`, Number(r.n));
  return counts;
}

/** One message of a notice for some of its customers: what a chunk is made of. */
type Delivery = { event: DomainEvent; notice: Notice; message: Message; customerIds: string[] };

/**
 * Writes the deliveries' notifications and e-mails in ONE atomic batch, after one read of their customers'
 * settings and one of their e-mail counts, whatever the number of deliveries (several events' notices go
 * in one chunk: a drop's order events were three round trips each). Answers what it made.
 */
async function deliverChunk(
  ctx: NotificationsContext,
  deliveries: Delivery[],
): Promise<(Notification & { customerId: string })[]> {
  const now = ctx.deps.clock.now();
  const at = now.toISOString();
  const settings = await settingsOf(ctx, [...new Set(deliveries.flatMap((d) => d.customerIds))]);
  const planned = deliveries
    .map((d) => {
      const recipients = d.customerIds.filter((id) => settings.get(id)!.topics[d.notice.topic].enabled);
      return { ...d, rows: recipients.map((customerId) => ({ id: newId("ntf"), customerId })) };
    })
    .filter((d) => d.rows.length);
  if (!planned.length) return [];

  const emailing = planned.flatMap((d) =>
    d.rows.filter((r) => wantsEmail(settings.get(r.customerId)!, d.notice.topic)),
  );
  const days = emailing.map((r) => {
    const s = settings.get(r.customerId) as Settings;
    return [r.customerId, planEmail(now, s, () => 0).localDay] as [string, string];
  });
  const counts = await singlesPerDay(ctx, days);
  const emails = emailing.map((r) => {
    const s = settings.get(r.customerId)!;
    const plan = planEmail(now, s, (day) => counts.get(`${r.customerId}|${day}`) ?? 0);
    // A customer told twice in one chunk: the first single counts against the cap of the second. (Handed
    // over again after a crash, a notification already there counts once more here: the cap errs low.)
    if (plan.kind === "single") {
      const key = `${r.customerId}|${plan.localDay}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [newId("nem"), r.id, r.customerId, plan.kind, plan.localDay, plan.sendAfter.toISOString()];
  });

  const statements: InStatement[] = planned.map(({ event, notice, message, rows }) => ({
    sql: INSERT_NOTIFICATIONS,
    args: [
      notice.topic,
      message.title,
      message.body,
      notice.link,
      notice.subjectId,
      event.id,
      at,
      JSON.stringify(rows.map((r) => [r.id, r.customerId])),
    ],
  }));
  if (emails.length) statements.push({ sql: INSERT_EMAILS, args: [at, JSON.stringify(emails)] });
  const results = await ctx.deps.client.batch(statements, "write");
  return planned.flatMap(({ notice, message }, i) =>
    (results[i]?.rows ?? []).map((r) => ({
      id: String(r.id),
      customerId: String(r.customer_id),
      topic: notice.topic,
      title: message.title,
      body: message.body,
      link: notice.link,
      subjectId: notice.subjectId,
      createdAt: at,
      readAt: null,
    })),
  );
}

/** Writes a chunk and tells those of its customers who are online now. */
async function deliverAndPublish(ctx: NotificationsContext, deliveries: Delivery[]) {
  const made = await deliverChunk(ctx, deliveries);
  await publishLive(
    ctx,
    made.map(({ customerId, ...notification }) => ({
      customerId,
      message: { type: "notification", notification },
    })),
  );
  return made.length;
}

/** Stores the notice for each of its customers who wants the topic, and tells those online now. */
export async function deliverNotice(ctx: NotificationsContext, event: DomainEvent, notice: Notice) {
  return deliverNotices(ctx, [{ event, notice }]);
}

/**
 * Several events' notices, in as few chunks as their customers allow: up to CHUNK customers a chunk, a
 * notice with more is split across chunks of its own as before.
 */
export async function deliverNotices(
  ctx: NotificationsContext,
  notices: { event: DomainEvent; notice: Notice }[],
) {
  let created = 0;
  let chunk: Delivery[] = [];
  let size = 0;
  const flush = async () => {
    if (chunk.length) created += await deliverAndPublish(ctx, chunk);
    chunk = [];
    size = 0;
  };
  for (const { event, notice } of notices) {
    for (const message of notice.messages) {
      const customerIds = [...new Set(message.customerIds)];
      for (let i = 0; i < customerIds.length; i += CHUNK) {
        const part = customerIds.slice(i, i + CHUNK);
        if (size + part.length > CHUNK) await flush();
        chunk.push({ event, notice, message, customerIds: part });
        size += part.length;
      }
    }
  }
  await flush();
  return created;
}
