import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ProblemCode, ProblemCodeSchema } from "../problem-codes.ts";

export const PROBLEM_TYPE_BASE = "https://angelshare.dev/problems/";

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({ example: "priceMinor" }),
    message: z.string().openapi({ example: "must be a whole number" }),
  })
  .openapi("FieldError");

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: `${PROBLEM_TYPE_BASE}validation` }),
    code: ProblemCodeSchema,
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().optional().openapi({ example: "The request body has 1 invalid field: priceMinor." }),
    instance: z.string().optional().openapi({ example: "/api/v1/spirits" }),
    requestId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .passthrough()
  .openapi("Problem", { description: "An RFC 9457 problem document." });

export type Problem = z.infer<typeof ProblemSchema>;
export type FieldError = z.infer<typeof FieldErrorSchema>;

const TITLES: Record<number, [code: ProblemCode, title: string]> = {
  400: ["bad-request", "Bad request"],
  401: ["unauthorized", "Authentication required"],
  403: ["forbidden", "Forbidden"],
  404: ["not-found", "Not found"],
  405: ["method-not-allowed", "Method not allowed"],
  409: ["conflict", "Conflict"],
  413: ["payload-too-large", "Payload too large"],
  415: ["unsupported-media-type", "Unsupported media type"],
  422: ["validation", "Validation failed"],
  429: ["too-many-requests", "Too many requests"],
  500: ["internal", "Internal server error"],
  501: ["not-implemented", "Not implemented"],
  503: ["unavailable", "Service unavailable"],
};

export type ProblemInit = {
  /** What went wrong (src/problem-codes.ts), also the last segment of the type URI; defaults to one per status. */
  code?: ProblemCode;
  title?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members (RFC 9457 extensions), such as `available` on a sold-out problem. */
  extra?: Record<string, unknown>;
};

/** Thrown by handlers and services; turned into application/problem+json by the app's error handler. */
export class ProblemError extends Error {
  constructor(
    public readonly status: ContentfulStatusCode,
    public readonly detail: string,
    public readonly init: ProblemInit = {},
  ) {
    super(detail);
    this.name = "ProblemError";
  }

  toProblem(instance?: string, requestId?: string): Problem {
    const [fallback, title] = TITLES[this.status] ?? ["error", "Error"];
    const code = this.init.code ?? fallback;
    // Extension members first: RFC 9457's own members (and ours) always win, so `status` stays the HTTP status.
    return {
      ...this.init.extra,
      type: PROBLEM_TYPE_BASE + code,
      code,
      title: this.init.title ?? title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
      ...(this.init.errors ? { errors: this.init.errors } : {}),
    };
  }
}

export const notFound = (what: string) => new ProblemError(404, `${what} was not found.`);
export const conflict = (detail: string, init?: ProblemInit) => new ProblemError(409, detail, init);
export const forbidden = (detail = "You may not do this.") => new ProblemError(403, detail);

export function problemResponse(c: Context, err: ProblemError): Response {
  const body = err.toProblem(c.req.path, c.get("requestId") as string | undefined);
  const headers = new Headers({ "Content-Type": "application/problem+json", ...err.init.headers });
  return new Response(JSON.stringify(body), { status: err.status, headers });
}
