import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { customers } from "./accounts.ts";

/**
 * Targeted notifications (src/modules/notifications/): a customer's inbox, their settings, and the e-mails
 * sent for them. Every notification comes from one outbox event; the unique (customer, event) pair is what
 * makes the consumer idempotent (an event handed over again makes no second notification).
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    /** What kind of news it is (NOTIFICATION_TOPICS); settings opt in and out per topic. */
    topic: text("topic").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** The API path of what it is about (a spirit, release or order), or null. */
    link: text("link"),
    /** The id of what it is about (a spirit, release or order). */
    subjectId: text("subject_id"),
    /** The outbox event it was made from. */
    sourceEventId: text("source_event_id").notNull(),
    createdAt: text("created_at").notNull(),
    readAt: text("read_at"),
  },
  (t) => [
    uniqueIndex("notifications_event_uq").on(t.customerId, t.sourceEventId),
    // The inbox newest first, and its unread part (most customers read most of it).
    index("notifications_inbox_idx").on(t.customerId, t.createdAt, t.id),
    index("notifications_unread_idx").on(t.customerId, t.createdAt, t.id).where(sql`read_at IS NULL`),
  ],
);

export type NotificationTopicSetting = { enabled: boolean; email: boolean };

/** One row per customer who changed anything; a customer without one has the defaults (notification-settings.ts). */
export const notificationSettings = sqliteTable("notification_settings", {
  customerId: text("customer_id")
    .primaryKey()
    .references(() => customers.id),
  /** Opted in to e-mail (in-app is always on). */
  emailEnabled: integer("email_enabled", { mode: "boolean" }).notNull().default(false),
  /** Per topic: told at all (`enabled`) and by e-mail too (`email`); a topic left out takes the defaults. */
  topics: text("topics", { mode: "json" }).$type<Record<string, NotificationTopicSetting>>().notNull(),
  /** Local "HH:MM" in `timeZone`; e-mails due inside are sent when the quiet hours end. */
  quietStart: text("quiet_start"),
  quietEnd: text("quiet_end"),
  /** IANA time zone of the quiet hours and of the day the e-mail cap counts. */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** E-mails a day, one each; what comes beyond goes into one digest at the end of the day. */
  dailyEmailLimit: integer("daily_email_limit").notNull().default(5),
  updatedAt: text("updated_at").notNull(),
});

export const NOTIFICATION_EMAIL_KINDS = ["single", "digest"] as const;
export const NOTIFICATION_EMAIL_STATUSES = ["pending", "sent", "failed", "skipped"] as const;

/**
 * The e-mail record of one notification: sent on its own (`single`) or with the day's others in one digest
 * (`digest`: every row of a customer's `localDay` goes out as one e-mail, with one `messageId`).
 */
export const notificationEmails = sqliteTable(
  "notification_emails",
  {
    id: text("id").primaryKey(),
    notificationId: text("notification_id")
      .notNull()
      .references(() => notifications.id),
    customerId: text("customer_id").notNull(),
    kind: text("kind", { enum: NOTIFICATION_EMAIL_KINDS }).notNull(),
    /** The customer's local date (YYYY-MM-DD) the e-mail counts for. */
    localDay: text("local_day").notNull(),
    /** Not before then (quiet hours, the digest's end of day, a retry's backoff). */
    sendAfter: text("send_after").notNull(),
    status: text("status", { enum: NOTIFICATION_EMAIL_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** A sender claims the row until then, so two senders never send it twice. */
    lockedUntil: text("locked_until"),
    lastError: text("last_error"),
    /** The Message-ID the mail server was handed (shared by a digest's rows). */
    messageId: text("message_id"),
    sentAt: text("sent_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("notification_emails_notification_uq").on(t.notificationId),
    index("notification_emails_due_idx").on(t.status, t.sendAfter),
    index("notification_emails_day_idx").on(t.customerId, t.localDay, t.kind),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationSettingsRow = typeof notificationSettings.$inferSelect;
export type NotificationEmailRow = typeof notificationEmails.$inferSelect;
