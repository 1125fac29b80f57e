import { z } from "@hono/zod-openapi";
import { pageQueryShape } from "../../http/pagination.ts";
import { isTimeZone } from "./local-time.ts";
import { NOTIFICATION_TOPICS, type NotificationTopic } from "./topics.ts";

export const NotificationTopicSchema = z
  .enum(NOTIFICATION_TOPICS as unknown as [NotificationTopic, ...NotificationTopic[]])
  .openapi("NotificationTopic", {
    description:
      "What the news is about: `new_release` (a release or drop matching the customer's preferences or wishlist), `price_drop` (a wishlisted spirit got cheaper), `back_in_stock` (a wishlisted spirit can be bought again), `hold_expiring` (a reserved order is about to lapse), `order_status` (an order was placed, paid, shipped, cancelled, expired or refunded), `ballot_result` (the customer won a ballot), `queue_admission` (the customer's turn came in a release's waiting room), `waitlist_offer` (bottles of a sold-out spirit are reserved for the customer from its waitlist).",
  });

export const NotificationSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_01hx5k3m2n8q7r6t5v4w3x" }),
    topic: NotificationTopicSchema,
    title: z.string().openapi({ example: "Price drop: Port Ardnahoe 12" }),
    body: z.string().openapi({ example: "Port Ardnahoe 12 on your wishlist is now £95.00 (was £120.00)." }),
    link: z
      .string()
      .nullable()
      .openapi({ description: "The API path of what it is about.", example: "/api/v1/spirits/spr_01hx" }),
    subjectId: z
      .string()
      .nullable()
      .openapi({ description: "The id of the spirit, release or order it is about." }),
    createdAt: z.string().openapi({ example: "2026-06-01T12:00:00.000Z" }),
    readAt: z.string().nullable().openapi({ description: "When the customer marked it read; null: unread." }),
  })
  .openapi("Notification");
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationListSchema = z
  .object({
    items: z.array(NotificationSchema),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().openapi({ description: "Unread notifications in the whole inbox." }),
  })
  .openapi("NotificationList");

const booleanQuery = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((v) => v === "true");

export const NotificationListQuerySchema = z.object({
  ...pageQueryShape({ defaultLimit: 20, maxLimit: 100 }),
  unread: booleanQuery
    .optional()
    .openapi({ type: "boolean", description: "`true`: only unread notifications." }),
});
export type NotificationListQuery = z.output<typeof NotificationListQuerySchema>;

export const CustomerParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, description: "A customer id, or `me`.", example: "me" }),
});

export const NotificationParamsSchema = CustomerParamsSchema.extend({
  notificationId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "notificationId", in: "path" }, example: "ntf_01hx5k3m2n8q7r6t5v4w3x" }),
});

export const MarkedReadSchema = z
  .object({ marked: z.number().int().openapi({ description: "Notifications that were unread." }) })
  .openapi("NotificationsMarkedRead");

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a local time HH:MM (00:00 to 23:59)")
  .openapi({ example: "22:00" });

export const QuietHoursSchema = z
  .strictObject({ start: hhmm, end: hhmm.openapi({ example: "07:00" }) })
  .refine((q) => q.start !== q.end, { message: "must start and end at different times", path: ["end"] })
  .openapi("QuietHours", {
    description:
      "Local times in `timeZone`; they may run past midnight (22:00 to 07:00). E-mails due inside them are sent when they end (deferred, never dropped).",
  });

export const TopicSettingSchema = z
  .strictObject({
    enabled: z.boolean().openapi({ description: "Told about this topic at all (false: opted out)." }),
    email: z.boolean().openapi({ description: "Also by e-mail, when e-mail is on." }),
  })
  .openapi("NotificationTopicSetting");

const topicsShape = Object.fromEntries(NOTIFICATION_TOPICS.map((t) => [t, TopicSettingSchema])) as Record<
  NotificationTopic,
  typeof TopicSettingSchema
>;

export const NotificationSettingsSchema = z
  .object({
    channels: z
      .object({
        inApp: z
          .literal(true)
          .openapi({ description: "Always on: every notification is kept in the inbox." }),
        email: z.boolean().openapi({ description: "E-mail opted in (off until the customer turns it on)." }),
      })
      .openapi("NotificationChannels"),
    topics: z.object(topicsShape).openapi("NotificationTopicSettings"),
    quietHours: QuietHoursSchema.nullable(),
    timeZone: z.string().openapi({ example: "Europe/London" }),
    dailyEmailLimit: z.number().int().openapi({ example: 5 }),
    updatedAt: z.string().nullable().openapi({ description: "Null while the customer has the defaults." }),
  })
  .openapi("NotificationSettings");
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const MAX_DAILY_EMAIL_LIMIT = 100;

export const NotificationSettingsInputSchema = z
  .strictObject({
    channels: z
      .strictObject({
        inApp: z.literal(true, { error: "is always true: the inbox keeps every notification" }).optional(),
        email: z.boolean(),
      })
      .openapi({ description: "`inApp` may be left out (it is always on)." }),
    topics: z
      .strictObject(
        Object.fromEntries(NOTIFICATION_TOPICS.map((t) => [t, TopicSettingSchema.optional()])) as Record<
          NotificationTopic,
          z.ZodOptional<typeof TopicSettingSchema>
        >,
      )
      .default({})
      .openapi({ description: "Per topic; a topic left out is on, by e-mail too." }),
    quietHours: QuietHoursSchema.nullable().default(null),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, "must be an IANA time zone such as Europe/London (or UTC)")
      .default("UTC"),
    dailyEmailLimit: z
      .number()
      .int(`must be a whole number from 1 to ${MAX_DAILY_EMAIL_LIMIT}`)
      .min(1, `must be a whole number from 1 to ${MAX_DAILY_EMAIL_LIMIT}`)
      .max(MAX_DAILY_EMAIL_LIMIT, `must be a whole number from 1 to ${MAX_DAILY_EMAIL_LIMIT}`)
      .default(5)
      .openapi({
        description:
          "E-mails a day (in `timeZone`), one per notification; beyond it the day's others go out together in one digest at the day's end.",
      }),
  })
  .openapi("NotificationSettingsInput", {
    description: "The whole settings (PUT replaces them); members left out take their defaults.",
    example: {
      channels: { email: true },
      topics: { price_drop: { enabled: true, email: false }, order_status: { enabled: true, email: true } },
      quietHours: { start: "22:00", end: "07:00" },
      timeZone: "Europe/London",
      dailyEmailLimit: 5,
    },
  });
export type NotificationSettingsInput = z.output<typeof NotificationSettingsInputSchema>;

export const UnsubscribeQuerySchema = z.object({
  token: z
    .string()
    .min(1)
    .max(2000)
    .openapi({
      param: { name: "token", in: "query" },
      description: "The signed token of the e-mail's unsubscribe link (one customer, one topic).",
    }),
});

export const UnsubscribeResultSchema = z
  .object({
    topic: z.union([NotificationTopicSchema, z.literal("*")]).openapi({
      description: "The topic whose e-mails were turned off (`*`: every e-mail).",
    }),
    unsubscribed: z.boolean().openapi({ description: "True once the e-mails are off (again, on a repeat)." }),
  })
  .openapi("UnsubscribeResult");

export const UnsubscribeFormSchema = z
  .object({
    "List-Unsubscribe": z.string().optional().openapi({ example: "One-Click" }),
  })
  .openapi("OneClickUnsubscribeForm", {
    description: "What a mail client posts (RFC 8058); the token in the query is what counts.",
  });
