import { and, eq, type SQL } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { readCache } from "../../db/read-cache.ts";
import { type ReleaseBallotRow, releaseBallots } from "../../db/schema/ballots.ts";
import { type ReleaseQueueRow, releaseQueues } from "../../db/schema/queues.ts";
import { type ReleaseRow, releases } from "../../db/schema/releases.ts";
import type { Deps } from "../../deps.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { outboxInsert } from "../events/outbox.ts";
import { ballotView, DEFAULT_CLAIM_MINUTES } from "./ballot.context.ts";
import { commitmentOf, newSeed } from "./ballot-draw.ts";
import { type EntrantFacts, firstFailedRule } from "./eligibility.ts";
import { DEFAULT_ADMISSION_MINUTES, queueView, wakeQueueAt } from "./queue.context.ts";
import { type AdmissionPass, claimAdmission } from "./queue-admissions.ts";
import { allocationGuard, type ReleaseGateAnswer, soldInRelease } from "./release-allocation.ts";
import { releaseState } from "./release-state.ts";
import { announceReleaseWindows } from "./release-windows.ts";
import type { Release, ReleaseInput, ReleaseListQuery, ReleasePatch } from "./releases.schemas.ts";

/** What releases need from other modules (built in releases.wiring.ts). */
export type ReleasesPorts = {
  audit: AuditService;
  spiritExists(spiritId: string): Promise<boolean>;
  /** Bottles the stock engine can still sell of the spirit (its available, all locations). */
  available(spiritId: string): Promise<number>;
  entrantFacts(customerId: string): Promise<EntrantFacts | undefined>;
};

const BY_OPENING: Sort<ReleaseRow> = {
  name: "releases_opening",
  keys: [
    { column: releases.opensAt, direction: "asc", value: (r) => r.opensAt },
    { column: releases.id, direction: "asc", value: (r) => r.id },
  ],
};

/**
 * How long another process may go on missing a new or changed release at order time. A release's rules and
 * window only change before it opens, so this matters only for one created or moved moments before it opens.
 */
const GATE_CACHE_MS = 5_000;

const notFound = (id: string) => new DomainError("not-found", `Release ${id} was not found.`);

export function createReleasesService(deps: Deps, ports: ReleasesPorts) {
  const { db, clock } = deps;
  /** A spirit's releases as order placing sees them: every buyer asks, per spirit, and almost all have none. */
  const releasesOfSpirit = readCache<string, ReleaseRow[]>({
    ttlMs: GATE_CACHE_MS,
    maxEntries: 5_000,
    shareLoads: deps.sharedReads ?? false,
  });

  async function toRelease(row: ReleaseRow): Promise<Release> {
    const sold = row.mode === "first_come" ? await soldInRelease(deps.client, row) : 0;
    const remaining = Math.max(0, Math.min(row.allocation - sold, await ports.available(row.spiritId)));
    const ballot = row.mode === "ballot" ? await ballotOf(row.id) : undefined;
    const queue = row.mode === "queue" ? await queueOf(row.id) : undefined;
    return {
      id: row.id,
      spiritId: row.spiritId,
      batchId: row.batchId,
      name: row.name,
      mode: row.mode,
      state: releaseState(row, remaining, clock.now(), ballot),
      allocation: row.allocation,
      remaining,
      perCustomerLimit: row.perCustomerLimit,
      opensAt: row.opensAt,
      closesAt: row.closesAt,
      eligibility: row.eligibility,
      ballot: ballot ? await ballotView(deps, ballot) : null,
      queue: queue ? await queueView(deps, queue) : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  const ballotOf = async (releaseId: string): Promise<ReleaseBallotRow | undefined> =>
    db.query.releaseBallots.findFirst({ where: eq(releaseBallots.releaseId, releaseId) });

  const queueOf = async (releaseId: string): Promise<ReleaseQueueRow | undefined> =>
    db.query.releaseQueues.findFirst({ where: eq(releaseQueues.releaseId, releaseId) });

  async function findRow(id: string) {
    const row = await db.query.releases.findFirst({ where: eq(releases.id, id) });
    if (!row) throw notFound(id);
    return row;
  }

  async function listPage(q: ReleaseListQuery) {
    const where: SQL[] = [];
    if (q.cursor) where.push(afterCursor(BY_OPENING, decodeCursor(BY_OPENING, q.cursor)));
    const result = await page(
      BY_OPENING,
      q.limit,
      (limit) =>
        db
          .select()
          .from(releases)
          .where(and(...where))
          .orderBy(...orderByOf(BY_OPENING))
          .limit(limit),
      (r) => r,
    );
    return { items: await Promise.all(result.items.map(toRelease)), nextCursor: result.nextCursor };
  }

  const get = async (id: string) => toRelease(await findRow(id));

  async function create(input: ReleaseInput, actorId?: string): Promise<Release> {
    if (!(await ports.spiritExists(input.spiritId))) {
      throw invalidFields([{ path: "spiritId", message: "no such spirit" }]);
    }
    const { claimMinutes, admissionMinutes, ...fields } = input;
    if (claimMinutes !== undefined && input.mode !== "ballot") {
      throw invalidFields([{ path: "claimMinutes", message: "is only for ballot releases" }]);
    }
    if (admissionMinutes !== undefined && input.mode !== "queue") {
      throw invalidFields([{ path: "admissionMinutes", message: "is only for queue releases" }]);
    }
    const now = clock.now();
    const at = now.toISOString();
    const row: ReleaseRow = { id: newId("rel", now.getTime()), ...fields, createdAt: at, updatedAt: at };
    const seed = newSeed();
    const ballot = db.insert(releaseBallots).values({
      releaseId: row.id,
      seed,
      commitment: await commitmentOf(seed),
      claimMinutes: claimMinutes ?? DEFAULT_CLAIM_MINUTES,
    });
    // The queue's seed orders its early arrivals at the opening (queue-order.ts).
    const queue = db.insert(releaseQueues).values({
      releaseId: row.id,
      seed: newSeed(),
      admissionMinutes: admissionMinutes ?? DEFAULT_ADMISSION_MINUTES,
    });
    const { spiritId, mode, opensAt, closesAt } = row;
    await db.batch([
      db.insert(releases).values(row),
      ports.audit.entry({ actorId, action: "release.created", subject: row.id, detail: { ...input } }),
      outboxInsert(
        db,
        "release.created",
        row.id,
        { releaseId: row.id, spiritId, mode, opensAt, closesAt },
        at,
      ),
      ...(mode === "ballot" ? [ballot] : []),
      ...(mode === "queue" ? [queue] : []),
    ]);
    releasesOfSpirit.delete(row.spiritId);
    // The waiting room opens on time where no short round runs (Workers: the release's object's alarm).
    if (mode === "queue") await wakeQueueAt(deps, row.id, opensAt);
    return toRelease(row);
  }

  /** The window, allocation and rules may change until the release opens; after that only its name. */
  async function patch(id: string, input: ReleasePatch, actorId?: string): Promise<Release> {
    const current = await findRow(id);
    const started = clock.now().toISOString() >= current.opensAt;
    const { name, ...rest } = input;
    if (started && Object.keys(rest).length > 0) {
      throw new DomainError("conflict", "Only the name of a release may change once it has opened.");
    }
    const next = { ...current, ...input };
    if (Date.parse(next.opensAt) >= Date.parse(next.closesAt)) {
      throw invalidFields([{ path: "closesAt", message: "must be after opensAt" }]);
    }
    const updatedAt = clock.now().toISOString();
    const [updated] = await db.batch([
      db
        .update(releases)
        .set({ ...input, updatedAt })
        .where(eq(releases.id, id))
        .returning(),
      ports.audit.entry({ actorId, action: "release.changed", subject: id, detail: { ...input } }),
    ]);
    releasesOfSpirit.delete(current.spiritId);
    if (!updated[0]) throw notFound(id);
    // An earlier opening needs an earlier alarm (a later one only wakes the queue to find it not due yet).
    if (current.mode === "queue" && input.opensAt !== undefined) await wakeQueueAt(deps, id, next.opensAt);
    return toRelease(updated[0]);
  }

  /** Whether the customer passes the release's rules now; the same check guards entries and holds. */
  async function eligibility(id: string, customerId: string) {
    const row = await findRow(id);
    const facts = await ports.entrantFacts(customerId);
    if (!facts) throw new DomainError("not-found", `Customer ${customerId} was not found.`);
    const refusal = firstFailedRule(row.eligibility, facts, clock.now());
    return { eligible: !refusal, rule: refusal?.rule ?? null, detail: refusal?.detail ?? null };
  }

  /**
   * The release that governs a spirit's orders at `t`: a ballot from its opening until it is settled (its
   * bottles go only to winners), else a first-come release whose window is open.
   */
  async function governing(ofSpirit: ReleaseRow[], t: string): Promise<ReleaseRow | undefined> {
    for (const r of ofSpirit) {
      if (r.mode !== "ballot" || r.opensAt > t) continue;
      if (!(await ballotOf(r.id))?.settledAt) return r;
    }
    return ofSpirit.find((r) => r.mode !== "ballot" && r.opensAt <= t && t < r.closesAt);
  }

  /**
   * Order placing asks this for every spirit: a release that governs it now checks its rules again (the
   * hold is where they matter) and answers its per-customer limit; other spirits answer null. A ballot
   * refuses every order but the ones it places for its winners (`grant` is its id). A queue release takes
   * only orders with the caller's admission (`admission`), claimed for this order (queue-admissions.ts).
   */
  async function gateForOrder(
    spiritId: string,
    customerId: string,
    at: Date,
    grant?: string,
    admission?: AdmissionPass,
  ): Promise<ReleaseGateAnswer | null> {
    const t = at.toISOString();
    const ofSpirit = await releasesOfSpirit.get(spiritId, () =>
      db.select().from(releases).where(eq(releases.spiritId, spiritId)),
    );
    const live = await governing(ofSpirit, t);
    if (!live) return null;
    if (live.mode === "ballot" && grant !== live.id) {
      throw new DomainError(
        "ballot-only",
        `${live.name} is sold by ballot: only its winners' orders take these bottles until it is settled.`,
        { extra: { releaseId: live.id, spiritId } },
      );
    }
    const facts = await ports.entrantFacts(customerId);
    const refusal = facts ? firstFailedRule(live.eligibility, facts, at) : null;
    if (refusal) {
      throw new DomainError("not-eligible", refusal.detail, {
        extra: { rule: refusal.rule, releaseId: live.id },
      });
    }
    if (live.mode === "queue") return { limit: await claimAdmission(deps, live, customerId, admission, at) };
    if (live.mode === "first_come") return { limit: live.perCustomerLimit, guard: allocationGuard(live) };
    return { limit: live.perCustomerLimit };
  }

  const announceWindows = () => announceReleaseWindows(deps);

  return { listPage, get, create, patch, eligibility, gateForOrder, findRow, announceWindows };
}

export type ReleasesService = ReturnType<typeof createReleasesService>;
