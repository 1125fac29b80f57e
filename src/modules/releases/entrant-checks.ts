/**
 * What every way into a limited release asks of the customer first (a ballot entry, a place in a waiting
 * room): the anti-bot check, when the shop has one, then the release's eligibility rules.
 */

import type { ReleaseRow } from "../../db/schema/releases.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import type { AuditService } from "../audit/audit.service.ts";

/** What ballots and waiting rooms both need from other modules (built in releases.wiring.ts). */
export type EntrantPorts = {
  audit: AuditService;
  release(id: string): Promise<ReleaseRow>;
  /** The release's rules applied to the customer now (the same check as GET /releases/{id}/eligibility). */
  eligibility(
    releaseId: string,
    customerId: string,
  ): Promise<{ eligible: boolean; rule: string | null; detail: string | null }>;
};

export async function requireEntrant(
  deps: Pick<Deps, "humanCheck">,
  ports: Pick<EntrantPorts, "eligibility">,
  entry: {
    action: "ballot-entry" | "queue-join";
    releaseId: string;
    customerId: string;
    humanToken: string | undefined;
    clientAddress: string | undefined;
  },
) {
  if (deps.humanCheck) {
    const human = await deps.humanCheck.verify(entry.humanToken, {
      action: entry.action,
      clientAddress: entry.clientAddress,
    });
    if (!human) {
      throw new DomainError(
        "human-check-failed",
        "The anti-bot check did not pass: send a fresh humanToken.",
      );
    }
  }
  const eligibility = await ports.eligibility(entry.releaseId, entry.customerId);
  if (!eligibility.eligible) {
    throw new DomainError("not-eligible", eligibility.detail ?? "You may not take part.", {
      extra: { rule: eligibility.rule, releaseId: entry.releaseId },
    });
  }
}
