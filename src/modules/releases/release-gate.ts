/** The release's rules applied to a customer: asked directly, and by order placing for every spirit. */
import { eq } from "drizzle-orm";
import { readCache } from "../../db/read-cache.ts";
import { type ReleaseRow, releases } from "../../db/schema/releases.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { firstFailedRule } from "./eligibility.ts";
import { type AdmissionPass, claimAdmission } from "./queue-admissions.ts";
import { allocationGuard, type ReleaseGateAnswer } from "./release-allocation.ts";
import { ballotOf, findReleaseRow } from "./release-views.ts";
import type { ReleasesContext } from "./releases.context.ts";

/**
 * How long another process may go on missing a new or changed release at order time. A release's rules and
 * window only change before it opens, so this matters only for one created or moved moments before it opens.
 */
const GATE_CACHE_MS = 5_000;

/** Every buyer asks, per spirit, and almost all spirits have no release. */
export const releasesOfSpiritCache = (deps: Deps): ReleasesContext["releasesOfSpirit"] =>
  readCache({ ttlMs: GATE_CACHE_MS, maxEntries: 5_000, shareLoads: deps.sharedReads ?? false });

/** Whether the customer passes the release's rules now; the same check guards entries and holds. */
export async function releaseEligibility(ctx: ReleasesContext, id: string, customerId: string) {
  const row = await findReleaseRow(ctx, id);
  const facts = await ctx.ports.entrantFacts(customerId);
  if (!facts) throw new DomainError("not-found", `Customer ${customerId} was not found.`);
  const refusal = firstFailedRule(row.eligibility, facts, ctx.deps.clock.now());
  return { eligible: !refusal, rule: refusal?.rule ?? null, detail: refusal?.detail ?? null };
}

/**
 * The release that governs a spirit's orders at `t`: a ballot from its opening until it is settled (its
 * bottles go only to winners), else a first-come release whose window is open.
 */
async function governing(
  ctx: ReleasesContext,
  ofSpirit: ReleaseRow[],
  t: string,
): Promise<ReleaseRow | undefined> {
  for (const r of ofSpirit) {
    if (r.mode !== "ballot" || r.opensAt > t) continue;
    if (!(await ballotOf(ctx, r.id))?.settledAt) return r;
  }
  return ofSpirit.find((r) => r.mode !== "ballot" && r.opensAt <= t && t < r.closesAt);
}

/**
 * Order placing asks this for every spirit: a release that governs it now checks its rules again (the
 * hold is where they matter) and answers its per-customer limit; other spirits answer null. A ballot
 * refuses every order but the ones it places for its winners (`grant` is its id). A queue release takes
 * only orders with the caller's admission (`admission`), claimed for this order (queue-admissions.ts).
 */
export async function gateForOrder(
  ctx: ReleasesContext,
  spiritId: string,
  customerId: string,
  at: Date,
  grant?: string,
  admission?: AdmissionPass,
): Promise<ReleaseGateAnswer | null> {
  const t = at.toISOString();
  const ofSpirit = await ctx.releasesOfSpirit.get(spiritId, () =>
    ctx.deps.db.select().from(releases).where(eq(releases.spiritId, spiritId)),
  );
  const live = await governing(ctx, ofSpirit, t);
  if (!live) return null;
  if (live.mode === "ballot" && grant !== live.id) {
    throw new DomainError(
      "ballot-only",
      `${live.name} is sold by ballot: only its winners' orders take these bottles until it is settled.`,
      { extra: { releaseId: live.id, spiritId } },
    );
  }
  const facts = await ctx.ports.entrantFacts(customerId);
  const refusal = facts ? firstFailedRule(live.eligibility, facts, at) : null;
  if (refusal) {
    throw new DomainError("not-eligible", refusal.detail, {
      extra: { rule: refusal.rule, releaseId: live.id },
    });
  }
  if (live.mode === "queue")
    return { limit: await claimAdmission(ctx.deps, live, customerId, admission, at) };
  if (live.mode === "first_come") return { limit: live.perCustomerLimit, guard: allocationGuard(live) };
  return { limit: live.perCustomerLimit };
}
