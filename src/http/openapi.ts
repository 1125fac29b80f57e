import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { type FieldIssue, fieldErrors, invalidFieldsDetail } from "../domain-error.ts";
import { ProblemError, ProblemSchema, problemResponse } from "./problem.ts";

type ValidationResult = { success: boolean; target: string; error?: { issues: readonly ZodIssueLike[] } };
type ZodIssueLike = { path: PropertyKey[]; message: string };

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/**
 * The 422 for input that failed its schema. `rules` are what a service checks beside the schema (today's
 * date, stored values): they join the list, except on a field the schema already faulted.
 */
function validationProblem(c: Context<AppEnv>, result: ValidationResult, rules: FieldIssue[] = []) {
  const errors = fieldErrors(result.error?.issues ?? []);
  const faulted = errors.map((e) => e.path).filter((p) => p !== "(root)");
  errors.push(...rules.filter((r) => !faulted.some((p) => overlaps(p, r.path))));
  const where = result.target === "json" ? "request body" : result.target;
  return problemResponse(c, new ProblemError(422, invalidFieldsDetail(`The ${where}`, errors), { errors }));
}

/** Requests whose route handler started: an answer without it was made before (validation, media type). */
const handled = new WeakSet<Context>();

/** Whether this request's route handler ran, so that its answer is the operation's and not the input's. */
export const handlerRan = (c: Context): boolean => handled.has(c);

/**
 * Every router is made here so validation errors have one shape everywhere (422 with `errors`), and so
 * every handler marks that it started (`handlerRan`).
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result);
    },
  });
  const openapi = router.openapi;
  router.openapi = ((route, handler, hook) =>
    openapi(
      route,
      ((c: Context, next: () => Promise<void>) => {
        handled.add(c);
        return (handler as (c: Context, next: () => Promise<void>) => unknown)(c, next);
      }) as typeof handler,
      hook,
    )) as typeof router.openapi;
  return router;
}

/**
 * A route's hook for a body whose service checks rules a schema cannot: when the body fails its schema,
 * `rules` run over the body as sent, so one answer lists every problem (a bad e-mail and a date of birth in
 * the future together) instead of the second only after the first is fixed. When the body passes, the
 * service checks the same rules itself.
 */
export function withBodyRules(rules: (c: Context<AppEnv>, body: unknown) => Promise<FieldIssue[]>) {
  // biome-ignore lint/suspicious/noExplicitAny: the hook's typed signature differs per route; this one serves any
  return async (result: ValidationResult & { data?: unknown }, c: Context<AppEnv, any>): Promise<any> => {
    if (result.success) return undefined;
    return validationProblem(c, result, result.target === "json" ? await rules(c, result.data) : []);
  };
}

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (for example JSON that does not parse).",
  401: "Missing, expired or invalid bearer token.",
  403: "The caller's role does not allow this.",
  404: "No such resource, or not one the caller may see.",
  409: "The request conflicts with the current state.",
  413: "The body is larger than 1 MiB.",
  415: "The body is not JSON.",
  422: "The request failed validation; `errors` lists each field.",
  429: "Too many requests; see `Retry-After`.",
  500: "Unexpected error (a bug); the body never holds internal details.",
  502: "A provider this needs (payments) refused or did not answer; nothing changed.",
};

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502;

/** The problem responses a route can give, to spread into its `responses`. */
export function problemResponses<S extends ErrorStatus>(...statuses: S[]) {
  const all = [...new Set<ErrorStatus>([...statuses, 500])];
  return Object.fromEntries(
    all.map((s) => [
      s,
      {
        description: DESCRIPTIONS[s] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  ) as {
    [K in S | 500]: {
      description: string;
      content: { "application/problem+json": { schema: typeof ProblemSchema } };
    };
  };
}

/** Standard sets: what any route with a JSON body, or an authenticated one, can answer. */
export const BODY_ERRORS = [400, 413, 415, 422] as const;
export const AUTH_ERRORS = [401, 403] as const;

export const jsonContent = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T>(schema: T, description?: string) => ({
  body: {
    content: { "application/json": { schema } },
    required: true,
    ...(description ? { description } : {}),
  },
});
