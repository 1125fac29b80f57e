/**
 * Each customer's notification settings: e-mail opted in or not (in-app is always on), per-topic opt-in and
 * out, quiet hours in their time zone and the daily e-mail cap. A customer who never changed anything has
 * no row and the defaults: every topic on, e-mail off.
 */
import { eq } from "drizzle-orm";
import { type NotificationSettingsRow, notificationSettings } from "../../db/schema/notifications.ts";
import { DomainError } from "../../domain-error.ts";
import type { QuietHours } from "./local-time.ts";
import { type NotificationsContext, nowIso } from "./notifications.context.ts";
import type { NotificationSettings, NotificationSettingsInput } from "./notifications.schemas.ts";
import { ALL_TOPICS, NOTIFICATION_TOPICS, type NotificationTopic, type UnsubscribeTopic } from "./topics.ts";

export type TopicSetting = { enabled: boolean; email: boolean };

/** The settings as the consumer and the e-mail sender use them, defaults filled in. */
export type Settings = {
  email: boolean;
  topics: Record<NotificationTopic, TopicSetting>;
  quietHours: QuietHours | null;
  timeZone: string;
  dailyEmailLimit: number;
  updatedAt: string | null;
};

export const DEFAULT_DAILY_EMAIL_LIMIT = 5;
const TOPIC_DEFAULT: TopicSetting = { enabled: true, email: true };

function topicsOf(stored: Record<string, TopicSetting> | undefined) {
  return Object.fromEntries(
    NOTIFICATION_TOPICS.map((t) => [t, { ...TOPIC_DEFAULT, ...stored?.[t] }]),
  ) as Record<NotificationTopic, TopicSetting>;
}

export const DEFAULT_SETTINGS: Settings = {
  email: false,
  topics: topicsOf(undefined),
  quietHours: null,
  timeZone: "UTC",
  dailyEmailLimit: DEFAULT_DAILY_EMAIL_LIMIT,
  updatedAt: null,
};

const fromRow = (r: NotificationSettingsRow): Settings => ({
  email: r.emailEnabled,
  topics: topicsOf(r.topics),
  quietHours: r.quietStart && r.quietEnd ? { start: r.quietStart, end: r.quietEnd } : null,
  timeZone: r.timeZone,
  dailyEmailLimit: r.dailyEmailLimit,
  updatedAt: r.updatedAt,
});

export const toApiSettings = (s: Settings): NotificationSettings => ({
  channels: { inApp: true, email: s.email },
  topics: s.topics,
  quietHours: s.quietHours,
  timeZone: s.timeZone,
  dailyEmailLimit: s.dailyEmailLimit,
  updatedAt: s.updatedAt,
});

/** Whether a customer wants e-mail about the topic (their channel and the topic's own switch). */
export const wantsEmail = (s: Settings, topic: NotificationTopic) =>
  s.email && s.topics[topic].enabled && s.topics[topic].email;

async function requireCustomer(ctx: NotificationsContext, customerId: string) {
  if (!(await ctx.ports.customerExists(customerId))) {
    throw new DomainError("not-found", "Customer was not found.");
  }
}

export async function readSettings(ctx: NotificationsContext, customerId: string): Promise<Settings> {
  const [row] = await ctx.deps.db
    .select()
    .from(notificationSettings)
    .where(eq(notificationSettings.customerId, customerId));
  return row ? fromRow(row) : DEFAULT_SETTINGS;
}

export async function getSettings(ctx: NotificationsContext, customerId: string): Promise<Settings> {
  await requireCustomer(ctx, customerId);
  return readSettings(ctx, customerId);
}

/** Every customer's settings (defaults for those without a row), a chunk of ids per query. */
export async function settingsOf(
  ctx: NotificationsContext,
  customerIds: string[],
): Promise<Map<string, Settings>> {
  const found = new Map<string, Settings>();
  for (let i = 0; i < customerIds.length; i += 1000) {
    const rs = await ctx.deps.client.execute({
      sql: `SELECT customer_id, email_enabled, topics, quiet_start, quiet_end, time_zone, daily_email_limit, updated_at
            FROM notification_settings WHERE customer_id IN (SELECT value FROM json_each(?))`,
      args: [JSON.stringify(customerIds.slice(i, i + 1000))],
    });
    for (const r of rs.rows) {
      found.set(
        String(r.customer_id),
        fromRow({
          customerId: String(r.customer_id),
          emailEnabled: Boolean(Number(r.email_enabled)),
          topics: JSON.parse(String(r.topics)),
          quietStart: r.quiet_start === null ? null : String(r.quiet_start),
          quietEnd: r.quiet_end === null ? null : String(r.quiet_end),
          timeZone: String(r.time_zone),
          dailyEmailLimit: Number(r.daily_email_limit),
          updatedAt: String(r.updated_at),
        }),
      );
    }
  }
  return new Map(customerIds.map((id) => [id, found.get(id) ?? DEFAULT_SETTINGS]));
}

async function write(ctx: NotificationsContext, customerId: string, s: Omit<Settings, "updatedAt">) {
  const row: NotificationSettingsRow = {
    customerId,
    emailEnabled: s.email,
    topics: s.topics,
    quietStart: s.quietHours?.start ?? null,
    quietEnd: s.quietHours?.end ?? null,
    timeZone: s.timeZone,
    dailyEmailLimit: s.dailyEmailLimit,
    updatedAt: nowIso(ctx),
  };
  const { customerId: _id, ...set } = row;
  await ctx.deps.db
    .insert(notificationSettings)
    .values(row)
    .onConflictDoUpdate({ target: notificationSettings.customerId, set });
  return fromRow(row);
}

/** Replaces the settings (PUT): members left out take their defaults. */
export async function putSettings(
  ctx: NotificationsContext,
  customerId: string,
  input: NotificationSettingsInput,
): Promise<Settings> {
  await requireCustomer(ctx, customerId);
  return write(ctx, customerId, {
    email: input.channels.email,
    topics: topicsOf(input.topics as Record<string, TopicSetting>),
    quietHours: input.quietHours,
    timeZone: input.timeZone,
    dailyEmailLimit: input.dailyEmailLimit,
  });
}

/** One-click unsubscribe: no more e-mail about the topic (`*`: no e-mail at all); in-app stays. */
export async function unsubscribeEmail(
  ctx: NotificationsContext,
  customerId: string,
  topic: UnsubscribeTopic,
): Promise<Settings> {
  const current = await readSettings(ctx, customerId);
  if (topic === ALL_TOPICS) return write(ctx, customerId, { ...current, email: false });
  const topics = { ...current.topics, [topic]: { ...current.topics[topic], email: false } };
  return write(ctx, customerId, { ...current, topics });
}
