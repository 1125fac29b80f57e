/**
 * The admission check on orders: while a queue release is open, an order for its spirit needs the
 * `Admission-Token` of the caller's admitted place. The place is claimed for the order (status `ordering`,
 * the order's id fixed) in one guarded write, so one admission places one order however many requests
 * race with it; when the order is refused after all (sold out, a rule), the admission is given back.
 */
import { and, eq } from "drizzle-orm";
import { releaseQueuePlaces } from "../../db/schema/queues.ts";
import type { ReleaseRow } from "../../db/schema/releases.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { type Admission, AdmissionTokenError, admissionKey, verifyAdmission } from "./queue-tokens.ts";

export const ADMISSION_HEADER = "Admission-Token";

/** What an order brings to the gate: the token it sent (if any) and the id the order will have. */
export type AdmissionPass = { token: string | undefined; orderId: string };

const invalid = (detail: string, release: ReleaseRow) =>
  new DomainError("admission-invalid", detail, {
    extra: { releaseId: release.id, header: ADMISSION_HEADER },
  });

/** Claims the caller's admission for the order; answers the bottles it may take of the spirit. */
export async function claimAdmission(
  deps: Deps,
  release: ReleaseRow,
  customerId: string,
  pass: AdmissionPass | undefined,
  now: Date,
): Promise<number> {
  if (!pass?.token) {
    throw new DomainError(
      "admission-required",
      `${release.name} is sold through a waiting room: send the ${ADMISSION_HEADER} header your admitted place gives (GET /api/v1/releases/${release.id}/queue/me).`,
      { extra: { releaseId: release.id, spiritId: release.spiritId, header: ADMISSION_HEADER } },
    );
  }
  let admission: Admission;
  try {
    admission = await verifyAdmission(admissionKey(deps.config), pass.token, now);
  } catch (err) {
    if (!(err instanceof AdmissionTokenError)) throw err;
    if (err.reason === "expired") {
      throw new DomainError("admission-expired", err.message, {
        extra: { releaseId: release.id, header: ADMISSION_HEADER },
      });
    }
    throw invalid(err.message, release);
  }
  if (admission.customerId !== customerId) {
    throw invalid("This admission token was issued to another customer.", release);
  }
  if (admission.releaseId !== release.id) {
    throw invalid("This admission token is for another release.", release);
  }
  const at = now.toISOString();
  const rs = await deps.client.execute({
    sql: `UPDATE release_queue_places SET status = 'ordering', order_id = ?, updated_at = ?
          WHERE id = ? AND release_id = ? AND customer_id = ? AND status = 'admitted' AND admission_expires_at > ?
          RETURNING admitted_quantity`,
    args: [pass.orderId, at, admission.placeId, release.id, customerId, at],
  });
  const claimed = rs.rows[0];
  if (claimed) return Math.min(release.perCustomerLimit, Number(claimed.admitted_quantity));
  const place = await deps.db.query.releaseQueuePlaces.findFirst({
    where: eq(releaseQueuePlaces.id, admission.placeId),
  });
  if (
    place &&
    (place.status === "expired" || (place.status === "admitted" && place.admissionExpiresAt! <= at))
  ) {
    throw new DomainError("admission-expired", "The admission's window to order is over.", {
      extra: { releaseId: release.id, header: ADMISSION_HEADER, expiresAt: place.admissionExpiresAt },
    });
  }
  const why =
    place?.status === "ordering" || place?.status === "done"
      ? "This admission has been used for an order already."
      : `This admission is no longer valid (the place is ${place?.status ?? "gone"}).`;
  throw invalid(why, release);
}

/**
 * After the order: placed, the admission is done and keeps the bottles it ordered out of the allocation;
 * refused, it is the customer's to use again until it expires. No-op for an order without an admission.
 */
export async function settleAdmission(
  deps: Deps,
  orderId: string,
  outcome: { placed: true; quantities: Map<string, number> } | { placed: false },
) {
  const p = releaseQueuePlaces;
  const at = deps.clock.now().toISOString();
  const claimed = and(eq(p.orderId, orderId), eq(p.status, "ordering"));
  if (!outcome.placed) {
    await deps.db.update(p).set({ status: "admitted", orderId: null, updatedAt: at }).where(claimed);
    return;
  }
  const [place] = await deps.db.select().from(p).where(claimed);
  if (!place) return;
  const release = await deps.db.query.releases.findFirst({
    where: (r, { eq }) => eq(r.id, place.releaseId),
  });
  const ordered = release ? outcome.quantities.get(release.spiritId) : undefined;
  await deps.db
    .update(p)
    .set({ status: "done", admittedQuantity: ordered ?? place.admittedQuantity, updatedAt: at })
    .where(claimed);
}
