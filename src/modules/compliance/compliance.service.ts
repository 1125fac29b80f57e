import type { Row } from "@libsql/client";
import { asc, eq } from "drizzle-orm";
import { readCache } from "../../db/read-cache.ts";
import {
  type AgeLimitRow,
  ageLimits,
  type BlockedDestinationRow,
  blockedDestinations,
} from "../../db/schema/compliance.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { codesFor, type Destination } from "../../http/destinations.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type {
  AgeLimit,
  AgeLimitInput,
  BlockedDestination,
  BlockedDestinationInput,
  ComplianceRules,
} from "./compliance.schemas.ts";

/**
 * How long the rules for a destination are trusted: this service's own edits drop them at once; an edit
 * made by another process (or service instance) applies at most this late.
 */
export const RULES_CACHE_MS = 5_000;

/** For a country with no age limit of its own: the most common legal purchase age for spirits. */
export const DEFAULT_MINIMUM_AGE = 18;

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

type BirthDate = { y: number; m: number; d: number };

/** A real calendar date at the start of the string, or undefined. */
export function parseBirthDate(text: string | null | undefined): BirthDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text ?? "");
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return { y, m: mo, d };
}

/**
 * Completed years at `at`, by the UTC calendar date: the birthday counts from 00:00 UTC. Someone born on
 * 29 February comes of age on 1 March in common years (as in UK law), never on 28 February.
 */
export function ageAt(birth: BirthDate, at: Date): number {
  const [y, m, d] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()];
  const beforeBirthday = m < birth.m || (m === birth.m && d < birth.d);
  return y - birth.y - (beforeBirthday ? 1 : 0);
}

const toAgeLimit = (r: AgeLimitRow): AgeLimit => ({
  code: r.code,
  minimumAge: r.minimumAge,
  note: r.note,
  updatedAt: r.updatedAt,
});
const toBlocked = (r: BlockedDestinationRow): BlockedDestination => ({
  code: r.code,
  reason: r.reason,
  updatedAt: r.updatedAt,
});

/**
 * Legal age and shipping rules for selling spirits: a minimum age per country or subdivision, and the
 * destinations that may not receive spirits. Staff edit both; orders check them with `checkOrder`.
 */
export function createComplianceService(deps: Deps, audit: AuditService) {
  const { db, clock } = deps;

  async function rules(): Promise<ComplianceRules> {
    const [ages, blocked] = await db.batch([
      db.select().from(ageLimits).orderBy(asc(ageLimits.code)),
      db.select().from(blockedDestinations).orderBy(asc(blockedDestinations.code)),
    ]);
    return {
      defaultMinimumAge: DEFAULT_MINIMUM_AGE,
      ageLimits: ages.map(toAgeLimit),
      blockedDestinations: blocked.map(toBlocked),
    };
  }

  type DestinationRules = Awaited<ReturnType<typeof readRulesFor>>;
  /** Per destination (its codes), read through a short cache: every order asks, staff rarely edit. */
  const rulesCache = readCache<string, DestinationRules>({
    ttlMs: RULES_CACHE_MS,
    maxEntries: 2_000,
    shareLoads: deps.sharedReads ?? false,
  });
  function rulesFor(destination: Destination): Promise<DestinationRules> {
    const codes = codesFor(destination).filter((c) => c !== "*");
    return rulesCache.get(codes.join("|"), () => readRulesFor(codes));
  }

  /**
   * The rules that bear on one destination: one hand-written statement, because it runs on every order
   * (building the query with drizzle cost more than running it).
   */
  async function readRulesFor(codes: string[]) {
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
  async function canBuy(input: PurchaseCheck): Promise<PurchaseVerdict> {
    const destination = { country: input.country, region: input.region };
    const r = await rulesFor(destination);
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
  async function checkOrder(input: PurchaseCheck): Promise<void> {
    const v = await canBuy(input);
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

  async function setAgeLimit(code: string, input: AgeLimitInput, actorId?: string) {
    const existing = await db.query.ageLimits.findFirst({ where: eq(ageLimits.code, code) });
    if (existing && existing.minimumAge === input.minimumAge && existing.note === input.note) {
      return { ageLimit: toAgeLimit(existing), created: false };
    }
    const row: AgeLimitRow = {
      code,
      ...input,
      updatedAt: clock.now().toISOString(),
      updatedBy: actorId ?? null,
    };
    await db.batch([
      db.insert(ageLimits).values(row).onConflictDoUpdate({ target: ageLimits.code, set: row }),
      audit.entry({
        actorId,
        action: "compliance.age_limit_set",
        subject: code,
        detail: { ...input, previous: existing?.minimumAge ?? null },
      }),
    ]);
    rulesCache.clear();
    return { ageLimit: toAgeLimit(row), created: !existing };
  }

  async function removeAgeLimit(code: string, actorId?: string): Promise<void> {
    const existing = await db.query.ageLimits.findFirst({ where: eq(ageLimits.code, code) });
    if (!existing) throw notFoundRule("age limit", code);
    await db.batch([
      db.delete(ageLimits).where(eq(ageLimits.code, code)),
      audit.entry({
        actorId,
        action: "compliance.age_limit_removed",
        subject: code,
        detail: { minimumAge: existing.minimumAge },
      }),
    ]);
    rulesCache.clear();
  }

  async function blockDestination(code: string, input: BlockedDestinationInput, actorId?: string) {
    const existing = await db.query.blockedDestinations.findFirst({
      where: eq(blockedDestinations.code, code),
    });
    if (existing && existing.reason === input.reason)
      return { destination: toBlocked(existing), created: false };
    const row: BlockedDestinationRow = {
      code,
      reason: input.reason,
      updatedAt: clock.now().toISOString(),
      updatedBy: actorId ?? null,
    };
    await db.batch([
      db
        .insert(blockedDestinations)
        .values(row)
        .onConflictDoUpdate({ target: blockedDestinations.code, set: row }),
      audit.entry({ actorId, action: "compliance.destination_blocked", subject: code, detail: { ...input } }),
    ]);
    rulesCache.clear();
    return { destination: toBlocked(row), created: !existing };
  }

  async function unblockDestination(code: string, actorId?: string): Promise<void> {
    const existing = await db.query.blockedDestinations.findFirst({
      where: eq(blockedDestinations.code, code),
    });
    if (!existing) throw notFoundRule("blocked destination", code);
    await db.batch([
      db.delete(blockedDestinations).where(eq(blockedDestinations.code, code)),
      audit.entry({
        actorId,
        action: "compliance.destination_unblocked",
        subject: code,
        detail: { reason: existing.reason },
      }),
    ]);
    rulesCache.clear();
  }

  return {
    rules,
    canBuy,
    checkOrder,
    setAgeLimit,
    removeAgeLimit,
    blockDestination,
    unblockDestination,
  };
}

const notFoundRule = (what: string, code: string) =>
  new DomainError("not-found", `There is no ${what} for ${code}.`);

export type ComplianceService = ReturnType<typeof createComplianceService>;
