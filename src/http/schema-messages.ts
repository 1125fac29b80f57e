import { z } from "@hono/zod-openapi";

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

/** Type names as a client would say them. */
const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  tuple: "a list",
  record: "an object",
  map: "an object",
  set: "a list",
  date: "a date",
  null: "null",
  undefined: "left out",
  nan: "a number",
  literal: "the one allowed value",
  file: "a file",
};

const typeName = (t: unknown) => TYPE_NAMES[String(t)] ?? String(t);

/** What an input is, in the same words: `must be text, not a number`. */
function received(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  return typeName(typeof input);
}

const FORMATS: Record<string, string> = {
  email: "an e-mail address",
  url: "a URL such as https://example.com",
  uuid: "a UUID",
  guid: "a GUID",
  ulid: "a ULID",
  cuid: "a CUID",
  cuid2: "a CUID",
  nanoid: "a nanoid",
  datetime: "a date and time in ISO-8601 UTC, such as 2026-05-20T09:30:00Z",
  date: "a calendar date written YYYY-MM-DD",
  time: "a time written HH:MM or HH:MM:SS",
  duration: "an ISO-8601 duration such as PT15M",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  cidrv4: "an IPv4 range",
  cidrv6: "an IPv6 range",
  base64: "base64 text",
  base64url: "base64url text",
  e164: "an international (E.164) phone number such as +441312345678",
  jwt: "a JWT",
  lowercase: "in lower case",
  uppercase: "in upper case",
  json_string: "JSON text",
  emoji: "an emoji",
};

/** `a, b or c`, values quoted as JSON would show them. */
const oneOf = (values: readonly unknown[]) => {
  const shown = values.map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? String(v))));
  return shown.length <= 1 ? (shown[0] ?? "") : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
};

const plural = (n: number | bigint, one: string, many: string) =>
  Number(n) === 1 ? `1 ${one}` : `${n} ${many}`;

type Bound = { origin?: string; inclusive?: boolean; exact?: boolean };

function sized(iss: Bound, n: number | bigint, side: "least" | "most"): string | undefined {
  const count =
    iss.origin === "string"
      ? plural(n, "character", "characters")
      : iss.origin === "array" || iss.origin === "set"
        ? plural(n, "entry", "entries")
        : iss.origin === "file"
          ? plural(n, "byte", "bytes")
          : undefined;
  if (count === undefined) return undefined;
  const verb = iss.origin === "string" || iss.origin === "file" ? "be" : "have";
  if (side === "least" && Number(n) === 1 && !iss.exact)
    return iss.origin === "string" ? "must not be empty" : "must have at least one entry";
  return `must ${verb} ${iss.exact ? "exactly" : `at ${side}`} ${count}`;
}

type AnyIssue = {
  code?: string;
  input?: unknown;
  path?: PropertyKey[];
  expected?: unknown;
  values?: readonly unknown[];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
  format?: string;
  pattern?: string;
  prefix?: string;
  suffix?: string;
  includes?: string;
  divisor?: number;
  keys?: string[];
  errors?: readonly (readonly { code?: string; path?: PropertyKey[]; expected?: unknown }[])[];
  options?: readonly unknown[];
};

/**
 * Every message zod would otherwise write in its own words ("Invalid input: expected string, received
 * undefined"), in ours: what the field must be. The field itself is the issue's path, which each error
 * lists beside the message. Schemas that say more (`must`, their own messages) take precedence.
 */
export function apiMessage(iss: AnyIssue): string {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "is required";
      if (iss.expected === "never") return "is not allowed here";
      return `must be ${typeName(iss.expected)}, not ${received(iss.input)}`;
    case "invalid_value":
      return (iss.values?.length ?? 0) === 1
        ? `must be ${oneOf(iss.values ?? [])}`
        : `must be one of ${oneOf(iss.values ?? [])}`;
    case "too_small": {
      const n = iss.minimum ?? 0;
      const size = sized(iss, n, "least");
      if (size) return size;
      const shown = iss.origin === "date" ? new Date(Number(n)).toISOString() : String(n);
      if (iss.exact) return `must be exactly ${shown}`;
      return iss.inclusive ? `must be ${shown} or more` : `must be more than ${shown}`;
    }
    case "too_big": {
      const n = iss.maximum ?? 0;
      const size = sized(iss, n, "most");
      if (size) return size;
      const shown = iss.origin === "date" ? new Date(Number(n)).toISOString() : String(n);
      if (iss.exact) return `must be exactly ${shown}`;
      return iss.inclusive ? `must be ${shown} or less` : `must be less than ${shown}`;
    }
    case "invalid_format":
      if (iss.format === "starts_with") return `must start with "${iss.prefix}"`;
      if (iss.format === "ends_with") return `must end with "${iss.suffix}"`;
      if (iss.format === "includes") return `must contain "${iss.includes}"`;
      if (iss.format === "regex") return `does not have the form this field takes (pattern ${iss.pattern})`;
      return `must be ${FORMATS[iss.format ?? ""] ?? `in the ${iss.format} format`}`;
    case "not_multiple_of":
      return iss.divisor === 1 ? "must be a whole number" : `must be a multiple of ${iss.divisor}`;
    case "unrecognized_keys":
      return `unknown field ${(iss.keys ?? []).map((k) => `"${k}"`).join(", ")}`;
    case "invalid_key":
      return "has a member name that is not allowed here";
    case "invalid_element":
      return "has an entry that is not allowed here";
    case "invalid_union": {
      if (iss.options?.length) return `must be one of ${oneOf(iss.options)}`;
      if (iss.input === undefined) return "is required";
      // Every form wanted another type: say which types fit.
      const types = (iss.errors ?? []).map((branch) =>
        branch.length === 1 && branch[0]?.code === "invalid_type" && !branch[0].path?.length
          ? typeName(branch[0].expected)
          : undefined,
      );
      if (types.length && types.every(Boolean)) return `must be ${oneOf([...new Set(types)])}`;
      return "matches none of the forms this field accepts";
    }
    case "custom":
      return "is not an accepted value here";
    default:
      return "is not an accepted value here";
  }
}

/** Makes `apiMessage` the fallback of every zod schema (schemas' own messages still win); idempotent. */
export function useApiMessages(): void {
  z.config({ customError: apiMessage });
}
