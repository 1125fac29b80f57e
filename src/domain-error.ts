import type { ProblemCode } from "./problem-codes.ts";

/** One invalid field of an input: where (`a.b.0`) and why, in the API's own words. */
export type FieldIssue = { path: string; message: string };

export type DomainErrorInit = {
  /** Invalid fields, for `validation` and the other 422 codes. */
  errors?: FieldIssue[];
  /** Facts a client can act on (RFC 9457 extension members), such as `available` on `sold-out`. */
  extra?: Record<string, unknown>;
  /** Headers the answer must carry, such as `Retry-After` on `too-many-attempts`. */
  headers?: Record<string, string>;
  title?: string;
};

/**
 * What services throw when a request cannot be done: a code from the one enum, a sentence for people, and
 * the facts behind it. Services know nothing of HTTP; `src/http/errors.ts` maps each code to a status.
 */
export class DomainError extends Error {
  constructor(
    public readonly code: ProblemCode,
    public readonly detail: string,
    public readonly init: DomainErrorInit = {},
  ) {
    super(detail);
    this.name = "DomainError";
  }
}

/** `The request body has 2 invalid fields: email, dateOfBirth.`: the detail names the fields, not just a count. */
export function invalidFieldsDetail(what: string, errors: readonly FieldIssue[]): string {
  const paths = [...new Set(errors.map((e) => e.path))];
  const named =
    paths.length > 5 ? `${paths.slice(0, 5).join(", ")} and ${paths.length - 5} more` : paths.join(", ");
  return `${what} has ${errors.length} invalid field${errors.length === 1 ? "" : "s"}: ${named}.`;
}

export const invalidFields = (errors: FieldIssue[], what = "The request body") =>
  new DomainError("validation", invalidFieldsDetail(what, errors), { errors });

/** Zod issues as our `{ path, message }` list. */
export function fieldErrors(issues: readonly { path: PropertyKey[]; message: string }[]): FieldIssue[] {
  return issues.map((i) => ({
    path: i.path.map(String).join(".") || "(root)",
    message: i.message,
  }));
}
