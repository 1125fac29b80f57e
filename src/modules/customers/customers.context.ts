import type { SpiritStatus } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { WishlistSpirit } from "./customers.schemas.ts";

/** What the wishlist needs of the catalog: a spirit by id, as the catalog service answers it. */
export type CatalogPort = {
  findSpirit(id: string): Promise<
    | (Omit<WishlistSpirit, "imageUrl" | "status"> & {
        status: SpiritStatus;
        media: { url: string; kind: string }[];
      })
    | undefined
  >;
};

/** What customers need from other modules (built in services.ts). */
export type CustomersPorts = {
  audit: Pick<AuditService, "entry">;
  catalog: CatalogPort;
  /** The interactions module's hooks: wishlist changes are behaviour signals, profile changes refresh recommendations. */
  signals?: {
    recordWishlistChange(customerId: string, spiritId: string, change: "added" | "removed"): Promise<void>;
    profileChanged(customerId: string): Promise<void>;
  };
};

/** What every customers operation takes: the runtime's parts and the other modules' ports. */
export type CustomersContext = { deps: Deps; ports: CustomersPorts };

/** Tells the recommender after the change is committed: a failure there is logged, never a failed request. */
export async function signal(
  { deps }: CustomersContext,
  what: string,
  send: () => Promise<void> | undefined,
) {
  try {
    await send();
  } catch (err) {
    deps.logger.log("error", { msg: `recording ${what} for recommendations failed`, err: String(err) });
  }
}
