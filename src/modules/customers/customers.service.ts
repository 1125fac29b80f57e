import { and, count, eq, inArray, type SQL } from "drizzle-orm";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { accounts, customers, wishlistItems } from "../../db/schema/accounts.ts";
import type { SpiritStatus } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError, type FieldIssue, invalidFields } from "../../domain-error.ts";
import type { Principal } from "../../http/auth.ts";
import { regionCodeIn } from "../../http/region-code.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { emailsOf, matchingPreferences, type SpiritProfile, wishersOf } from "./audience.ts";
import {
  type Customer,
  type CustomerPatch,
  type CustomerReplace,
  MAX_WISHLIST_ITEMS,
  type Preferences,
  type WishlistItem,
  type WishlistSpirit,
} from "./customers.schemas.ts";
import { mergedPreferences, type ProfileBody, patchedRegion, profileRuleErrors } from "./profile-rules.ts";

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

type WishlistRow = typeof wishlistItems.$inferSelect;

const NEWEST: Sort<WishlistRow> = {
  name: "wishlist_newest",
  keys: [
    { column: wishlistItems.addedAt, direction: "desc", value: (r) => r.addedAt },
    { column: wishlistItems.spiritId, direction: "desc", value: (r) => r.spiritId },
  ],
};

/**
 * Profiles written before regions were ISO 3166-2 codes may hold a name ("Scotland"): the row keeps it, the
 * API reads it as no region (never a value the field's contract does not allow), and the next write replaces it.
 */
const storedRegion = (country: string | null, region: string | null) =>
  region === null ? null : (regionCodeIn(country, region).code ?? null);

const customerNotFound = () => new DomainError("not-found", "Customer was not found.");

/**
 * Customer profiles (the customer row beside each account) and wishlists. Callers resolve `me` and check
 * who may reach which customer (resolveCustomerId) before calling.
 */
export function createCustomersService(
  deps: Deps,
  ports: {
    audit: Pick<AuditService, "entry">;
    catalog: CatalogPort;
    /** The interactions module's hooks: wishlist changes are behaviour signals, profile changes refresh recommendations. */
    signals?: {
      recordWishlistChange(customerId: string, spiritId: string, change: "added" | "removed"): Promise<void>;
      profileChanged(customerId: string): Promise<void>;
    };
  },
) {
  const { db, clock } = deps;

  /** Tells the recommender after the change is committed: a failure there is logged, never a failed request. */
  async function signal(what: string, send: () => Promise<void> | undefined) {
    try {
      await send();
    } catch (err) {
      deps.logger.log("error", { msg: `recording ${what} for recommendations failed`, err: String(err) });
    }
  }

  async function load(id: string) {
    const [row] = await db
      .select({ customer: customers, email: accounts.email, emailVerified: accounts.emailVerified })
      .from(customers)
      .innerJoin(accounts, eq(accounts.id, customers.id))
      .where(eq(customers.id, id));
    return row;
  }

  const toCustomer = (row: NonNullable<Awaited<ReturnType<typeof load>>>): Customer => ({
    id: row.customer.id,
    email: row.email,
    emailVerified: row.emailVerified,
    name: row.customer.name,
    displayName: row.customer.displayName,
    dateOfBirth: row.customer.dateOfBirth,
    country: row.customer.country,
    region: storedRegion(row.customer.country, row.customer.region),
    preferences: row.customer.preferences as Preferences,
    createdAt: row.customer.createdAt,
    updatedAt: row.customer.updatedAt,
  });

  async function getCustomer(id: string): Promise<Customer | undefined> {
    const row = await load(id);
    return row ? toCustomer(row) : undefined;
  }

  const today = () => clock.now().toISOString().slice(0, 10);

  /**
   * The profile rules a schema cannot check (profile-rules.ts), over the body as sent: the route's
   * validation hook lists them beside the schema's errors when the body fails its schema.
   */
  async function profileProblems(
    id: string,
    body: unknown,
    mode: "replace" | "patch",
  ): Promise<FieldIssue[]> {
    const row = await load(id);
    if (!row || typeof body !== "object" || body === null) return [];
    return profileRuleErrors(toCustomer(row), body as ProfileBody, mode, today());
  }

  function checkRules(current: Customer, input: ProfileBody, mode: "replace" | "patch") {
    const errors = profileRuleErrors(current, input, mode, today());
    if (errors.length) throw invalidFields(errors);
  }

  type Profile = Pick<
    Customer,
    "name" | "displayName" | "dateOfBirth" | "country" | "region" | "preferences"
  >;

  /** Writes the profile when anything changed (updatedAt and the audit log stay quiet otherwise). */
  async function save(
    row: NonNullable<Awaited<ReturnType<typeof load>>>,
    next: Profile,
    actor: Principal,
    action: string,
  ): Promise<Customer> {
    const before = toCustomer(row);
    const changed = (Object.keys(next) as (keyof Profile)[]).filter(
      (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(next[k] ?? null),
    );
    if (changed.length === 0) return before;
    const now = clock.now().toISOString();
    const update = db
      .update(customers)
      .set({ ...next, updatedAt: now })
      .where(eq(customers.id, row.customer.id));
    // Staff changing someone's personal data leaves a trail (field names only); a customer's own edits do not.
    if (actor.id !== row.customer.id) {
      await db.batch([
        update,
        ports.audit.entry({
          actorId: actor.id,
          action,
          subject: row.customer.id,
          detail: { fields: changed },
        }),
      ]);
    } else {
      await update;
    }
    if (changed.some((k) => ["preferences", "dateOfBirth", "country", "region"].includes(k))) {
      await signal("a profile change", () => ports.signals?.profileChanged(row.customer.id));
    }
    return { ...before, ...next, updatedAt: now };
  }

  async function replaceCustomer(id: string, input: CustomerReplace, actor: Principal): Promise<Customer> {
    const row = await load(id);
    if (!row) throw customerNotFound();
    checkRules(toCustomer(row), input, "replace");
    return save(
      row,
      {
        name: input.name,
        displayName: input.displayName ?? null,
        dateOfBirth: input.dateOfBirth ?? null,
        country: input.country ?? null,
        region: input.region ?? null,
        preferences: input.preferences ?? {},
      },
      actor,
      "customer.replaced",
    );
  }

  /** A JSON merge patch; the merged preferences are validated as a whole (a price range needs its currency). */
  async function patchCustomer(id: string, patch: CustomerPatch, actor: Principal): Promise<Customer> {
    const row = await load(id);
    if (!row) throw customerNotFound();
    const current = toCustomer(row);
    checkRules(current, patch, "patch");
    const merged =
      patch.preferences === undefined
        ? { value: current.preferences }
        : mergedPreferences(current.preferences, patch.preferences);
    if (merged.errors) throw invalidFields(merged.errors);
    const pick = <T>(value: T | null | undefined, old: T | null) => (value === undefined ? old : value);
    const country = pick(patch.country, current.country);
    return save(
      row,
      {
        name: patch.name ?? current.name,
        displayName: pick(patch.displayName, current.displayName),
        dateOfBirth: pick(patch.dateOfBirth, current.dateOfBirth),
        country,
        region: patchedRegion(country, pick(patch.region, current.region)),
        preferences: merged.value,
      },
      actor,
      "customer.updated",
    );
  }

  async function requireCustomer(id: string) {
    const exists = await db.query.customers.findFirst({ columns: { id: true }, where: eq(customers.id, id) });
    if (!exists) throw customerNotFound();
  }

  async function summaryOf(spiritId: string): Promise<WishlistSpirit | null> {
    const spirit = await ports.catalog.findSpirit(spiritId);
    if (!spirit) return null;
    return {
      id: spirit.id,
      name: spirit.name,
      brand: spirit.brand,
      type: spirit.type,
      status: spirit.status,
      price: { amountMinor: spirit.price.amountMinor, currency: spirit.price.currency },
      imageUrl: spirit.media.find((m) => m.kind === "image")?.url ?? null,
    };
  }

  const toItem = async (row: WishlistRow): Promise<WishlistItem> => ({
    spiritId: row.spiritId,
    addedAt: row.addedAt,
    spirit: await summaryOf(row.spiritId),
  });

  async function listWishlist(customerId: string, query: { limit: number; cursor?: string }) {
    await requireCustomer(customerId);
    const conditions: SQL[] = [eq(wishlistItems.customerId, customerId)];
    if (query.cursor) conditions.push(afterCursor(NEWEST, decodeCursor(NEWEST, query.cursor)));
    const result = await page(
      NEWEST,
      query.limit,
      (limit) =>
        db
          .select()
          .from(wishlistItems)
          .where(and(...conditions))
          .orderBy(...orderByOf(NEWEST))
          .limit(limit),
      (row) => row,
    );
    return { items: await Promise.all(result.items.map(toItem)), nextCursor: result.nextCursor };
  }

  /**
   * Adds a spirit; adding one that is already there changes nothing and answers the existing item
   * (`created: false`). The spirit must exist and not be archived.
   */
  async function addToWishlist(
    customerId: string,
    spiritId: string,
  ): Promise<{ item: WishlistItem; created: boolean }> {
    await requireCustomer(customerId);
    const existing = await db.query.wishlistItems.findFirst({
      where: and(eq(wishlistItems.customerId, customerId), eq(wishlistItems.spiritId, spiritId)),
    });
    if (existing) return { item: await toItem(existing), created: false };

    const spirit = await summaryOf(spiritId);
    if (!spirit) throw invalidFields([{ path: "spiritId", message: "names no spirit in the catalog" }]);
    if (spirit.status === "archived") {
      throw invalidFields([
        { path: "spiritId", message: "names an archived spirit, which can no longer be wished for" },
      ]);
    }
    const [size] = await db
      .select({ n: count() })
      .from(wishlistItems)
      .where(eq(wishlistItems.customerId, customerId));
    if ((size?.n ?? 0) >= MAX_WISHLIST_ITEMS) {
      throw new DomainError(
        "wishlist-full",
        `A wishlist holds at most ${MAX_WISHLIST_ITEMS} spirits; remove some first.`,
      );
    }
    const row = { customerId, spiritId, addedAt: clock.now().toISOString() };
    // A concurrent add of the same spirit wins the unique index; this one then answers its row.
    const inserted = await db.insert(wishlistItems).values(row).onConflictDoNothing().returning();
    if (inserted.length) {
      await signal("a wishlist change", () =>
        ports.signals?.recordWishlistChange(customerId, spiritId, "added"),
      );
      return { item: { spiritId, addedAt: row.addedAt, spirit }, created: true };
    }
    const winner = await db.query.wishlistItems.findFirst({
      where: and(eq(wishlistItems.customerId, customerId), eq(wishlistItems.spiritId, spiritId)),
    });
    return { item: { spiritId, addedAt: winner?.addedAt ?? row.addedAt, spirit }, created: false };
  }

  /** Removes a spirit; removing one that is not there is fine (idempotent). */
  async function removeFromWishlist(customerId: string, spiritId: string): Promise<void> {
    await requireCustomer(customerId);
    const removed = await db
      .delete(wishlistItems)
      .where(and(eq(wishlistItems.customerId, customerId), eq(wishlistItems.spiritId, spiritId)))
      .returning({ spiritId: wishlistItems.spiritId });
    if (removed.length) {
      await signal("a wishlist change", () =>
        ports.signals?.recordWishlistChange(customerId, spiritId, "removed"),
      );
    }
  }

  /** How many customers wish for each spirit (demand insight). */
  async function wishlistCounts(spiritIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (let i = 0; i < spiritIds.length; i += 500) {
      const rows = await db
        .select({ spiritId: wishlistItems.spiritId, n: count() })
        .from(wishlistItems)
        .where(inArray(wishlistItems.spiritId, spiritIds.slice(i, i + 500)))
        .groupBy(wishlistItems.spiritId);
      for (const r of rows) counts.set(r.spiritId, r.n);
    }
    return counts;
  }

  return {
    getCustomer,
    replaceCustomer,
    patchCustomer,
    profileProblems,
    listWishlist,
    addToWishlist,
    removeFromWishlist,
    wishlistCounts,
    /** Who news about a spirit is for (targeted notifications): its wishers, and whose preferences it matches. */
    wishersOf: (spiritId: string) => wishersOf(deps, spiritId),
    matchingPreferences: (spirit: SpiritProfile) => matchingPreferences(deps, spirit),
    emailsOf: (customerIds: string[]) => emailsOf(deps, customerIds),
    customerExists: async (id: string) =>
      Boolean(await db.query.customers.findFirst({ columns: { id: true }, where: eq(customers.id, id) })),
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
