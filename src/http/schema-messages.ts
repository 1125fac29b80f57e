/**
 * Validation messages in the API's own words, shared by every module's zod schemas: `z.string(must("text"))`,
 * `z.object(shape, strictFields("an object with name"))`.
 */
type Issue = { code: string; input?: unknown; keys?: string[] };

/** "is required" for a missing field, else what the field must be (zod's own words name types, not rules). */
export const must = (what: string) => ({
  error: (iss: Issue) => (iss.input === undefined ? "is required" : `must be ${what}`),
});

/** Objects name the fields they do not know, so a typo is not silently dropped. */
export const strictFields = (what: string) => ({
  error: (iss: Issue) =>
    iss.code === "unrecognized_keys"
      ? `unknown field ${(iss.keys ?? []).map((k) => `"${k}"`).join(", ")}`
      : iss.input === undefined
        ? "is required"
        : iss.code === "invalid_type"
          ? `must be ${what}`
          : undefined,
});
