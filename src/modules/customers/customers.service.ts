/**
 * Customer profiles (the customer row beside each account) and wishlists, bound to one context. Each
 * operation lives in the file of its concern, as a plain function taking the context: profile-views.ts,
 * profile-changes.ts, wishlist-views.ts, wishlist-changes.ts, audience.ts (who news is for). Callers
 * resolve `me` and check who may reach which customer (resolveCustomerId) before calling.
 */
import type { Deps } from "../../deps.ts";
import type { Principal } from "../../http/auth.ts";
import { emailsOf, matchingPreferences, type SpiritProfile, wishersOf } from "./audience.ts";
import type { CatalogPort, CustomersContext, CustomersPorts } from "./customers.context.ts";
import type { CustomerPatch, CustomerReplace } from "./customers.schemas.ts";
import { patchCustomer, profileProblems, replaceCustomer } from "./profile-changes.ts";
import { customerExists, getCustomer } from "./profile-views.ts";
import { addToWishlist, removeFromWishlist } from "./wishlist-changes.ts";
import { listWishlist, wishlistCounts } from "./wishlist-views.ts";

export type { CatalogPort, CustomersPorts };

export function createCustomersService(deps: Deps, ports: CustomersPorts) {
  const ctx: CustomersContext = { deps, ports };
  return {
    getCustomer: (id: string) => getCustomer(ctx, id),
    replaceCustomer: (id: string, input: CustomerReplace, actor: Principal) =>
      replaceCustomer(ctx, id, input, actor),
    patchCustomer: (id: string, patch: CustomerPatch, actor: Principal) =>
      patchCustomer(ctx, id, patch, actor),
    profileProblems: (id: string, body: unknown, mode: "replace" | "patch") =>
      profileProblems(ctx, id, body, mode),
    listWishlist: (customerId: string, query: { limit: number; cursor?: string }) =>
      listWishlist(ctx, customerId, query),
    addToWishlist: (customerId: string, spiritId: string) => addToWishlist(ctx, customerId, spiritId),
    removeFromWishlist: (customerId: string, spiritId: string) =>
      removeFromWishlist(ctx, customerId, spiritId),
    wishlistCounts: (spiritIds: string[]) => wishlistCounts(ctx, spiritIds),
    /** Who news about a spirit is for (targeted notifications): its wishers, and whose preferences it matches. */
    wishersOf: (spiritId: string) => wishersOf(deps, spiritId),
    matchingPreferences: (spirit: SpiritProfile) => matchingPreferences(deps, spirit),
    emailsOf: (customerIds: string[]) => emailsOf(deps, customerIds),
    customerExists: (id: string) => customerExists(ctx, id),
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
