import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const POLL_KINDS = ["single_choice", "multiple_choice", "scale", "text"] as const;
export type PollKind = (typeof POLL_KINDS)[number];

export const POLL_SUBJECTS = ["spirit", "release", "theme"] as const;
export type PollSubject = (typeof POLL_SUBJECTS)[number];

/** A choice; one naming a spirit makes choosing it a declared interest in that spirit. */
export type PollOption = { id: string; label: string; spiritId?: string | null | undefined };

/**
 * Who a poll is meant for; every rule is optional and all given must hold (src/modules/polls/audience.ts).
 * Preference lists match when they share a value with the customer's; purchase rules read orders that were
 * paid for.
 */
export type PollAudience = {
  favouriteTypes?: string[] | undefined;
  favouriteRegions?: string[] | undefined;
  favouriteDistilleries?: string[] | undefined;
  boughtSpiritIds?: string[] | undefined;
  boughtTags?: string[] | undefined;
  minimumPurchases?: number | undefined;
};

export const polls = sqliteTable(
  "polls",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    question: text("question").notNull(),
    kind: text("kind", { enum: POLL_KINDS }).notNull(),
    options: text("options", { mode: "json" }).$type<PollOption[]>().notNull(),
    subjectType: text("subject_type", { enum: POLL_SUBJECTS }).notNull(),
    /** The spirit or release asked about; null for a theme. */
    subjectId: text("subject_id"),
    theme: text("theme"),
    audience: text("audience", { mode: "json" }).$type<PollAudience>().notNull(),
    opensAt: text("opens_at").notNull(),
    closesAt: text("closes_at").notNull(),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("polls_opens_idx").on(t.opensAt, t.id), index("polls_subject_idx").on(t.subjectId)],
);
export type PollRow = typeof polls.$inferSelect;

export const POLL_TEXT_STATUSES = ["pending", "approved", "rejected"] as const;
export type PollTextStatus = (typeof POLL_TEXT_STATUSES)[number];

/** One answer per customer and poll, replaced when they edit it before the poll closes. */
export const pollAnswers = sqliteTable(
  "poll_answers",
  {
    id: text("id").primaryKey(),
    pollId: text("poll_id")
      .notNull()
      .references(() => polls.id),
    customerId: text("customer_id").notNull(),
    choices: text("choices", { mode: "json" }).$type<string[]>().notNull(),
    scale: integer("scale"),
    text: text("text"),
    /** Free text is moderated like reviews: shown in results only once approved. */
    textStatus: text("text_status", { enum: POLL_TEXT_STATUSES }),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("poll_answers_once_idx").on(t.pollId, t.customerId),
    index("poll_answers_customer_idx").on(t.customerId),
  ],
);
export type PollAnswerRow = typeof pollAnswers.$inferSelect;
