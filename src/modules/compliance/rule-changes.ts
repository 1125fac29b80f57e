/**
 * Staff's edits of the rules: each is written with its audit entry in one batch, then clears this
 * service's cached rules so the next order is checked against the edit.
 */
import { eq } from "drizzle-orm";
import {
  type AgeLimitRow,
  ageLimits,
  type BlockedDestinationRow,
  blockedDestinations,
} from "../../db/schema/compliance.ts";
import { DomainError } from "../../domain-error.ts";
import type { ComplianceContext } from "./compliance.context.ts";
import type { AgeLimitInput, BlockedDestinationInput } from "./compliance.schemas.ts";
import { toAgeLimit, toBlocked } from "./rule-records.ts";

const notFoundRule = (what: string, code: string) =>
  new DomainError("not-found", `There is no ${what} for ${code}.`);

export async function setAgeLimit(
  { deps: { db, clock }, audit, rulesCache }: ComplianceContext,
  code: string,
  input: AgeLimitInput,
  actorId?: string,
) {
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

export async function removeAgeLimit(
  { deps: { db }, audit, rulesCache }: ComplianceContext,
  code: string,
  actorId?: string,
): Promise<void> {
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

export async function blockDestination(
  { deps: { db, clock }, audit, rulesCache }: ComplianceContext,
  code: string,
  input: BlockedDestinationInput,
  actorId?: string,
) {
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

export async function unblockDestination(
  { deps: { db }, audit, rulesCache }: ComplianceContext,
  code: string,
  actorId?: string,
): Promise<void> {
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
