import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, jsonContent, problemResponses } from "../../http/openapi.ts";

export const AuditVerificationSchema = z
  .object({
    ok: z.boolean(),
    entries: z.number().int().openapi({ description: "Entries whose links hold, from the first." }),
    head: z.string().nullable().openapi({ description: "The hash of the last entry that holds." }),
    firstBroken: z
      .object({
        id: z.string(),
        at: z.string(),
        action: z.string(),
        position: z.number().int(),
        reason: z.string(),
      })
      .nullable(),
  })
  .openapi("AuditVerification");

export const verifyAuditLog = createRoute({
  method: "get",
  path: "/audit/verify",
  tags: ["Audit"],
  summary: "Verify the audit log's hash chain (admin)",
  description:
    "Recomputes every entry's hash from the first (SHA-256 over canonical JSON of the entry and the previous hash) and names the first link that does not hold.",
  ...access("admin"),
  middleware: [requireRole("admin")],
  responses: {
    200: jsonContent(AuditVerificationSchema, "Whether the chain holds, and if not where it breaks."),
    ...problemResponses(...AUTH_ERRORS),
  },
});

export type VerifyAuditLogRoute = typeof verifyAuditLog;
