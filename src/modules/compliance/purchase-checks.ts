/**
 * Whether a purchase may happen under the rules for its destination and the buyer's age. Every order
 * asks, so the rules per destination are read through a short cache that staff's edits clear.
 */
import type { Row } from "@libsql/client";
import { readCache } from "../../db/read-cache.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { codesFor, type Destination } from "../../http/destinations.ts";
import type { ComplianceContext, DestinationRules } from "./compliance.context.ts";
import { ageAt, parseBirthDate } from "./legal-age.ts";
import { DEFAULT_MINIMUM_AGE } from "./rule-records.ts";

/**
 * How long the rules for a destination are trusted: this service's own edits drop them at once; an edit
 * made by another process (or service instance) applies at most this late.
 */
export const RULES_CACHE_MS = 5_000;

export type PurchaseCheck = {
  /** `YYYY-MM-DD` (a longer ISO-8601 string is read by its date); null when the customer gave none. */
  dateOfBirth: string | null | undefined;
  country: string;
  region?: string | null | undefined;
  /** The moment the purchase happens (the app's clock, so tests can move it). */
  at: Date;
};

export type ComplianceRule = "destination-blocked" | "date-of-birth-required" | "under-legal-age";

/** What `canBuy` answers: yes (with the age that applied), or the rule that says no. */
export type PurchaseVerdict =
  | { allowed: true; minimumAge: number; ageLimitFrom: string | null }
  | {
      allowed: false;
      rule: ComplianceRule;
      detail: string;
      /** The destination code of the rule that applied ("US-UT", "US"); null for the default age. */
      ruleCode: string | null;
      minimumAge?: number;
    };

/** The cache a compliance context keeps: keyed by a destination's codes, most specific first. */
export function destinationRulesCache(deps: Deps): ComplianceContext["rulesCache"] {
  return readCache<string, DestinationRules>({
    ttlMs: RULES_CACHE_MS,
    maxEntries: 2_000,
    shareLoads: deps.sharedReads ?? false,
  });
}

function rulesFor({ deps, rulesCache }: ComplianceContext, destination: Destination) {
  const codes = codesFor(destination).filter((c) => c !== "*");
  return rulesCache.get(codes.join("|"), () => readRulesFor(deps, codes));
}

/**
 * The rules that bear on one destination: one hand-written statement, because it runs on every order
 * (building the query with drizzle cost more than running it).
 */
async function readRulesFor(deps: Deps, codes: string[]): Promise<DestinationRules> {
  const marks = codes.map(() => "?").join(", ");
  const { rows } = await deps.client.execute({
    sql: `SELECT 'age' AS kind, code, minimum_age AS age, NULL AS reason FROM compliance_age_limits WHERE code IN (${marks})
            UNION ALL
            SELECT 'blocked', code, NULL, reason FROM compliance_blocked_destinations WHERE code IN (${marks})`,
    args: [...codes, ...codes],
  });
  // Most specific first: the subdivision's rule wins over the country's.
  const rank = (r: Row) => codes.indexOf(String(r.code));
  const sorted = [...rows].sort((a, b) => rank(a) - rank(b));
  const age = sorted.find((r) => r.kind === "age");
  const blocked = sorted.find((r) => r.kind === "blocked");
  return {
    minimumAge: age ? Number(age.age) : DEFAULT_MINIMUM_AGE,
    ageLimitFrom: age ? String(age.code) : null,
    blocked: blocked ? { code: String(blocked.code), reason: String(blocked.reason) } : undefined,
  };
}

/** Whether the purchase may happen and, if not, which rule stops it (for filtering, never throws). */
export async function canBuy(ctx: ComplianceContext, input: PurchaseCheck): Promise<PurchaseVerdict> {
  const destination = { country: input.country, region: input.region };
  const r = await rulesFor(ctx, destination);
  // The destination first: no date of birth would change that answer.
  if (r.blocked) {
    return {
      allowed: false,
      rule: "destination-blocked",
      ruleCode: r.blocked.code,
      detail: `Spirits cannot be shipped to ${r.blocked.code}: ${r.blocked.reason}.`,
    };
  }
  const birth = parseBirthDate(input.dateOfBirth);
  if (!birth) {
    return {
      allowed: false,
      rule: "date-of-birth-required",
      ruleCode: r.ageLimitFrom,
      minimumAge: r.minimumAge,
      detail: input.dateOfBirth
        ? "The date of birth on the customer profile is not a valid date (YYYY-MM-DD); correct it to buy spirits."
        : "Buying spirits needs a date of birth on the customer profile.",
    };
  }
  if (ageAt(birth, input.at) < r.minimumAge) {
    const where = r.ageLimitFrom ?? input.country.toUpperCase();
    return {
      allowed: false,
      rule: "under-legal-age",
      ruleCode: r.ageLimitFrom,
      minimumAge: r.minimumAge,
      detail: `The legal age to buy spirits for delivery to ${where} is ${r.minimumAge}.`,
    };
  }
  return { allowed: true, minimumAge: r.minimumAge, ageLimitFrom: r.ageLimitFrom };
}

/**
 * Throws a problem naming the rule an order breaks: 403 `destination-blocked`, 422
 * `date-of-birth-required`, 403 `under-legal-age` (with `minimumAge`).
 */
export async function checkOrder(ctx: ComplianceContext, input: PurchaseCheck): Promise<void> {
  const v = await canBuy(ctx, input);
  if (v.allowed) return;
  throw new DomainError(v.rule, v.detail, {
    extra: {
      rule: v.rule,
      ...(v.ruleCode ? { ruleCode: v.ruleCode } : {}),
      ...(v.minimumAge !== undefined ? { minimumAge: v.minimumAge } : {}),
    },
    ...(v.rule === "date-of-birth-required"
      ? { errors: [{ path: "dateOfBirth", message: "is required on the customer profile" }] }
      : {}),
  });
}
