/** The stored rules as staff see them: every age limit and blocked destination, in code order. */
import { asc } from "drizzle-orm";
import {
  type AgeLimitRow,
  ageLimits,
  type BlockedDestinationRow,
  blockedDestinations,
} from "../../db/schema/compliance.ts";
import type { ComplianceContext } from "./compliance.context.ts";
import type { AgeLimit, BlockedDestination, ComplianceRules } from "./compliance.schemas.ts";

/** For a country with no age limit of its own: the most common legal purchase age for spirits. */
export const DEFAULT_MINIMUM_AGE = 18;

export const toAgeLimit = (r: AgeLimitRow): AgeLimit => ({
  code: r.code,
  minimumAge: r.minimumAge,
  note: r.note,
  updatedAt: r.updatedAt,
});

export const toBlocked = (r: BlockedDestinationRow): BlockedDestination => ({
  code: r.code,
  reason: r.reason,
  updatedAt: r.updatedAt,
});

export async function rules({ deps: { db } }: ComplianceContext): Promise<ComplianceRules> {
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
