import { z } from "@hono/zod-openapi";
import { POLL_KINDS, POLL_SUBJECTS, POLL_TEXT_STATUSES } from "../../db/schema/polls.ts";
import { Instant } from "../../http/instant.ts";
import { pageQueryShape } from "../../http/pagination.ts";

export const SCALE_MIN = 1;
export const SCALE_MAX = 5;
export const MAX_TEXT = 500;

const words = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const names = z.array(words(80)).max(50, "must list at most 50 values");

export const PollAudienceSchema = z
  .strictObject({
    favouriteTypes: names.optional(),
    favouriteRegions: names.optional(),
    favouriteDistilleries: names.optional(),
    boughtSpiritIds: z.array(z.string().min(1).max(64)).max(50, "must list at most 50 spirits").optional(),
    boughtTags: names.optional(),
    minimumPurchases: z.number().int("must be a whole number").min(0).max(1000).optional(),
  })
  .openapi("PollAudience", {
    description:
      "Who the poll is meant for; every rule given must hold. Preference lists match when the customer's profile shares a value; purchase rules count paid orders. Empty: every customer.",
  });

export const PollOptionInputSchema = z.strictObject({
  label: words(120),
  spiritId: z.string().min(1).max(64).nullable().default(null).openapi({
    description: "Choosing this option declares interest in the spirit (a recommender signal).",
  }),
});

const pollFields = {
  title: words(120),
  question: words(500),
  kind: z.enum(POLL_KINDS, `must be one of ${POLL_KINDS.join(", ")}`),
  options: z.array(PollOptionInputSchema).max(20, "must list at most 20 options").default([]),
  subjectType: z.enum(POLL_SUBJECTS, `must be one of ${POLL_SUBJECTS.join(", ")}`),
  subjectId: z.string().min(1).max(64).nullable().default(null),
  theme: words(120).nullable().default(null),
  audience: PollAudienceSchema.default({}),
  opensAt: Instant,
  closesAt: Instant,
};

export const PollInputSchema = z
  .strictObject(pollFields)
  .superRefine((v, ctx) => {
    const choice = v.kind === "single_choice" || v.kind === "multiple_choice";
    if (choice && v.options.length < 2)
      ctx.addIssue({ code: "custom", path: ["options"], message: "a choice poll needs at least 2 options" });
    if (!choice && v.options.length > 0)
      ctx.addIssue({ code: "custom", path: ["options"], message: `a ${v.kind} poll takes no options` });
    if (v.subjectType === "theme" ? !v.theme : !v.subjectId) {
      const path = v.subjectType === "theme" ? "theme" : "subjectId";
      ctx.addIssue({ code: "custom", path: [path], message: `is required for a ${v.subjectType} poll` });
    }
    if (Date.parse(v.opensAt) >= Date.parse(v.closesAt))
      ctx.addIssue({ code: "custom", path: ["closesAt"], message: "must be after opensAt" });
  })
  .openapi("PollInput", {
    example: {
      title: "Next winter's release",
      question: "Which cask finish should our next limited edition have?",
      kind: "single_choice",
      options: [
        { label: "Oloroso sherry", spiritId: null },
        { label: "Port pipe", spiritId: null },
      ],
      subjectType: "theme",
      subjectId: null,
      theme: "cask finishes",
      audience: { favouriteTypes: ["single_malt"] },
      opensAt: "2026-12-10T10:00:00.000Z",
      closesAt: "2026-12-24T10:00:00.000Z",
    },
  });
export type PollInput = z.output<typeof PollInputSchema>;

export const PollPatchSchema = z
  .strictObject({
    title: pollFields.title.optional(),
    question: pollFields.question.optional(),
    audience: PollAudienceSchema.optional(),
    opensAt: Instant.optional(),
    closesAt: Instant.optional(),
  })
  .openapi("PollPatch", {
    description:
      "Question, audience and opening may change until the poll opens; the title and closing time always.",
  });
export type PollPatch = z.output<typeof PollPatchSchema>;

export const POLL_STATES = ["scheduled", "open", "closed"] as const;

export const PollSchema = z
  .object({
    id: z.string().openapi({ example: "pol_01hx4k7m2qa9c3r5t7v9wxyz" }),
    title: z.string(),
    question: z.string(),
    kind: z.enum(POLL_KINDS),
    options: z.array(z.object({ id: z.string(), label: z.string(), spiritId: z.string().nullable() })),
    subjectType: z.enum(POLL_SUBJECTS),
    subjectId: z.string().nullable(),
    theme: z.string().nullable(),
    audience: PollAudienceSchema,
    state: z.enum(POLL_STATES),
    opensAt: z.string(),
    closesAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Poll");
export type Poll = z.infer<typeof PollSchema>;

export const PollListSchema = z
  .object({ items: z.array(PollSchema), nextCursor: z.string().nullable() })
  .openapi("PollList");

export const PollListQuerySchema = z.object({ ...pageQueryShape() });
export type PollListQuery = z.output<typeof PollListQuerySchema>;

const idParam = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: "path" }, example });
export const PollIdParamsSchema = z.object({ id: idParam("id", "pol_01hx4k7m2qa9c3r5t7v9wxyz") });
export const CustomerIdParamsSchema = z.object({ id: idParam("id", "me") });
export const PollAnswerParamsSchema = z.object({
  id: idParam("id", "pol_01hx4k7m2qa9c3r5t7v9wxyz"),
  answerId: idParam("answerId", "pan_01hx4k7m2qa9c3r5t7v9wxyz"),
});

export const AnswerInputSchema = z
  .strictObject({
    choices: z
      .array(z.string().min(1).max(64))
      .max(20)
      .optional()
      .openapi({ description: "Option ids (choice polls)." }),
    scale: z
      .number("must be a whole number")
      .int("must be a whole number")
      .min(SCALE_MIN, `must be from ${SCALE_MIN} to ${SCALE_MAX}`)
      .max(SCALE_MAX, `must be from ${SCALE_MIN} to ${SCALE_MAX}`)
      .optional()
      .openapi({ description: "1 to 5 (scale polls)." }),
    text: words(MAX_TEXT)
      .optional()
      .openapi({ description: "Short free text (text polls), moderated like reviews." }),
  })
  .openapi("PollAnswerInput", { example: { choices: ["opt_1"] } });
export type AnswerInput = z.output<typeof AnswerInputSchema>;

export const AnswerSchema = z
  .object({
    id: z.string(),
    pollId: z.string(),
    choices: z.array(z.string()),
    scale: z.number().int().nullable(),
    text: z.string().nullable(),
    textStatus: z.enum(POLL_TEXT_STATUSES).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("PollAnswer");
export type Answer = z.infer<typeof AnswerSchema>;

export const CustomerPollSchema = z
  .object({ poll: PollSchema, answer: AnswerSchema.nullable() })
  .openapi("CustomerPoll", {
    description: "An open poll meant for the customer, with their answer if they gave one.",
  });
export const CustomerPollListSchema = z
  .object({ items: z.array(CustomerPollSchema) })
  .openapi("CustomerPollList");

export const PollResultsSchema = z
  .object({
    pollId: z.string(),
    state: z.enum(POLL_STATES),
    answers: z.number().int(),
    audience: z.number().int().openapi({ description: "Customers the poll is meant for, counted now." }),
    responseRate: z.number().openapi({ description: "answers / audience (0 when the audience is empty)." }),
    options: z.array(
      z.object({ id: z.string(), label: z.string(), count: z.number().int(), share: z.number() }),
    ),
    scale: z
      .object({
        counts: z.array(z.object({ value: z.number().int(), count: z.number().int() })),
        mean: z.number().nullable(),
      })
      .nullable(),
    texts: z.array(
      z.object({
        answerId: z.string(),
        text: z.string(),
        status: z.enum(POLL_TEXT_STATUSES),
        updatedAt: z.string(),
      }),
    ),
  })
  .openapi("PollResults");
export type PollResults = z.infer<typeof PollResultsSchema>;

export const ModerationInputSchema = z
  .strictObject({ status: z.enum(["approved", "rejected"], "must be approved or rejected") })
  .openapi("PollTextModeration");
