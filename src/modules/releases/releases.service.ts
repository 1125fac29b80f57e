/**
 * The releases module's own operations, bound to one context. Each lives in the file of its concern, as a
 * plain function taking the context: release-views.ts (a release and the list), release-changes.ts
 * (creating and changing one), release-gate.ts (eligibility and the check on orders), release-windows.ts.
 * Ballots and waiting rooms have their own services (ballot.service.ts, queue.service.ts).
 */
import type { Deps } from "../../deps.ts";
import type { AdmissionPass } from "./queue-admissions.ts";
import { createRelease, patchRelease } from "./release-changes.ts";
import { gateForOrder, releaseEligibility, releasesOfSpiritCache } from "./release-gate.ts";
import { findReleaseRow, getRelease, listReleases } from "./release-views.ts";
import { announceReleaseWindows, releaseWindowsProbe } from "./release-windows.ts";
import type { ReleasesContext, ReleasesPorts } from "./releases.context.ts";
import type { ReleaseInput, ReleaseListQuery, ReleasePatch } from "./releases.schemas.ts";

export type { ReleasesPorts };

export function createReleasesService(deps: Deps, ports: ReleasesPorts) {
  const ctx: ReleasesContext = { deps, ports, releasesOfSpirit: releasesOfSpiritCache(deps) };
  return {
    listPage: (q: ReleaseListQuery) => listReleases(ctx, q),
    get: (id: string) => getRelease(ctx, id),
    create: (input: ReleaseInput, actorId?: string) => createRelease(ctx, input, actorId),
    patch: (id: string, input: ReleasePatch, actorId?: string) => patchRelease(ctx, id, input, actorId),
    eligibility: (id: string, customerId: string) => releaseEligibility(ctx, id, customerId),
    gateForOrder: (
      spiritId: string,
      customerId: string,
      at: Date,
      grant?: string,
      admission?: AdmissionPass,
    ) => gateForOrder(ctx, spiritId, customerId, at, grant, admission),
    findRow: (id: string) => findReleaseRow(ctx, id),
    announceWindows: () => announceReleaseWindows(deps),
    windowsProbe: () => releaseWindowsProbe(deps),
  };
}

export type ReleasesService = ReturnType<typeof createReleasesService>;
