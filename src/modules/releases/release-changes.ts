/** Staff's changes of a release: creating one (with its ballot or queue) and changing it before it opens. */
import { eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { releaseBallots } from "../../db/schema/ballots.ts";
import { releaseQueues } from "../../db/schema/queues.ts";
import { type ReleaseRow, releases } from "../../db/schema/releases.ts";
import { DomainError, invalidFields } from "../../domain-error.ts";
import { outboxInsert } from "../events/outbox.ts";
import { DEFAULT_CLAIM_MINUTES } from "./ballot.context.ts";
import { commitmentOf, newSeed } from "./ballot-draw.ts";
import { DEFAULT_ADMISSION_MINUTES, wakeQueueAt } from "./queue.context.ts";
import { findReleaseRow, releaseNotFound, toRelease } from "./release-views.ts";
import type { ReleasesContext } from "./releases.context.ts";
import type { Release, ReleaseInput, ReleasePatch } from "./releases.schemas.ts";

export async function createRelease(
  ctx: ReleasesContext,
  input: ReleaseInput,
  actorId?: string,
): Promise<Release> {
  const { deps, ports } = ctx;
  const { db, clock } = deps;
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
    outboxInsert(db, "release.created", row.id, { releaseId: row.id, spiritId, mode, opensAt, closesAt }, at),
    ...(mode === "ballot" ? [ballot] : []),
    ...(mode === "queue" ? [queue] : []),
  ]);
  ctx.releasesOfSpirit.delete(row.spiritId);
  // The waiting room opens on time where no short round runs (Workers: the release's object's alarm).
  if (mode === "queue") await wakeQueueAt(deps, row.id, opensAt);
  return toRelease(ctx, row);
}

/** The window, allocation and rules may change until the release opens; after that only its name. */
export async function patchRelease(
  ctx: ReleasesContext,
  id: string,
  input: ReleasePatch,
  actorId?: string,
): Promise<Release> {
  const { deps, ports } = ctx;
  const { db, clock } = deps;
  const current = await findReleaseRow(ctx, id);
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
  ctx.releasesOfSpirit.delete(current.spiritId);
  if (!updated[0]) throw releaseNotFound(id);
  // An earlier opening needs an earlier alarm (a later one only wakes the queue to find it not due yet).
  if (current.mode === "queue" && input.opensAt !== undefined) await wakeQueueAt(deps, id, next.opensAt);
  return toRelease(ctx, updated[0]);
}
