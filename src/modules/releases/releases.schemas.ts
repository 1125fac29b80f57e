import { z } from "@hono/zod-openapi";
import { RELEASE_MODES } from "../../db/schema/releases.ts";
import { pageQueryShape } from "../../http/pagination.ts";
import { BallotSummarySchema } from "./ballot.schemas.ts";
import { QueueSummarySchema } from "./queue.schemas.ts";
import { RELEASE_STATES } from "./release-state.ts";

const Instant = z.iso.datetime({ message: "must be an ISO-8601 UTC time", offset: false }).openapi({
  example: "2026-12-10T10:00:00.000Z",
});
const whole = (max: number) =>
  z
    .number("must be a whole number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`);

export const EligibilitySchema = z
  .strictObject({
    minimumAccountAgeDays: z.number().int().min(0).max(3650).optional(),
    minimumPurchases: z.number().int().min(0).max(1000).optional(),
    requireVerifiedEmail: z.boolean().optional().openapi({
      description: "Reads the account's e-mail verification flag; without one, nobody passes this rule.",
    }),
  })
  .openapi("ReleaseEligibility");

const releaseFields = {
  spiritId: z.string().min(1).max(64),
  batchId: z.string().min(1).max(64).nullable().default(null),
  name: z.string().trim().min(1, "must not be empty").max(120, "must be at most 120 characters"),
  mode: z.enum(RELEASE_MODES, "must be first_come, queue or ballot"),
  allocation: whole(100_000),
  perCustomerLimit: whole(100).default(1),
  opensAt: Instant,
  closesAt: Instant,
  eligibility: EligibilitySchema.default({}),
  claimMinutes: z
    .number("must be a whole number of minutes")
    .int("must be a whole number of minutes")
    .min(5, "must be at least 5 minutes")
    .max(10_080, "must be at most 10080 minutes (a week)")
    .optional()
    .openapi({
      description:
        "Ballots only: how long a winner has to pay before the bottles pass to the next entry in draw order (default 2880, two days).",
    }),
  admissionMinutes: z
    .number("must be a whole number of minutes")
    .int("must be a whole number of minutes")
    .min(1, "must be at least 1 minute")
    .max(240, "must be at most 240 minutes")
    .optional()
    .openapi({
      description:
        "Queues only: how long an admitted buyer has to place their order before the admission passes to the next in line (default 10).",
    }),
};

const windowInOrder = (v: { opensAt?: string; closesAt?: string }) =>
  !v.opensAt || !v.closesAt || Date.parse(v.opensAt) < Date.parse(v.closesAt);
const windowIssue = { path: ["closesAt"], message: "must be after opensAt" };

export const ReleaseInputSchema = z
  .strictObject(releaseFields)
  .refine(windowInOrder, windowIssue)
  .openapi("ReleaseInput", {
    example: {
      spiritId: "spr_01hx5k3m2n8q7r6t5v4w3x",
      batchId: null,
      name: "Port Ellen 1983, the last casks",
      mode: "first_come",
      allocation: 120,
      perCustomerLimit: 1,
      opensAt: "2026-12-10T10:00:00.000Z",
      closesAt: "2026-12-10T22:00:00.000Z",
      eligibility: { minimumAccountAgeDays: 30 },
    },
  });
export type ReleaseInput = z.output<typeof ReleaseInputSchema>;

const {
  spiritId: _s,
  batchId: _b,
  mode: _m,
  claimMinutes: _c,
  admissionMinutes: _a,
  ...patchable
} = releaseFields;
export const ReleasePatchSchema = z
  .strictObject({
    name: patchable.name.optional(),
    allocation: whole(100_000).optional(),
    perCustomerLimit: whole(100).optional(),
    opensAt: Instant.optional(),
    closesAt: Instant.optional(),
    eligibility: EligibilitySchema.optional(),
  })
  .openapi("ReleasePatch");
export type ReleasePatch = z.output<typeof ReleasePatchSchema>;

export const ReleaseSchema = z
  .object({
    id: z.string().openapi({ example: "rel_01hx4k7m2qa9c3r5t7v9wxyz" }),
    spiritId: z.string(),
    batchId: z.string().nullable(),
    name: z.string(),
    mode: z.enum(RELEASE_MODES),
    state: z.enum(RELEASE_STATES),
    allocation: z.number().int(),
    remaining: z
      .number()
      .int()
      .openapi({ description: "Bottles of the allocation the stock engine still has." }),
    perCustomerLimit: z.number().int(),
    opensAt: z.string(),
    closesAt: z.string(),
    eligibility: EligibilitySchema,
    ballot: BallotSummarySchema.nullable().openapi({ description: "Ballots only; null for other modes." }),
    queue: QueueSummarySchema.nullable().openapi({ description: "Queues only; null for other modes." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Release");
export type Release = z.infer<typeof ReleaseSchema>;

export const ReleaseListSchema = z
  .object({ items: z.array(ReleaseSchema), nextCursor: z.string().nullable() })
  .openapi("ReleaseList");

export const ReleaseListQuerySchema = z.object({ ...pageQueryShape() });
export type ReleaseListQuery = z.output<typeof ReleaseListQuerySchema>;

export const ReleaseIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "rel_01hx4k7m2qa9c3r5t7v9wxyz" }),
});

export const EligibilityResultSchema = z
  .object({
    eligible: z.boolean(),
    rule: z.string().nullable().openapi({ description: "The first rule the caller fails, or null." }),
    detail: z.string().nullable(),
  })
  .openapi("ReleaseEligibilityResult");
