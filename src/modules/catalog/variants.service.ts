/**
 * Variants of a spirit: its sellable units other than the standard one (a 5 cl sample, a gift box), each
 * with its own price and its own stock (inventory levels keyed by variant). Plain functions over the
 * database; no HTTP here.
 */
import type { Client } from "@libsql/client";
import { and, eq, ne, sql } from "drizzle-orm";
import { isConstraintError } from "../../db/constraint-errors.ts";
import { newId } from "../../db/ids.ts";
import { rowsByKey } from "../../db/kept-read.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type SpiritVariantRow, spiritVariants } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { type Availability, readVariantAvailability } from "../../stock/availability.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { outboxInsert } from "../events/outbox.ts";
import type { SpiritVariant, VariantInput, VariantPatch } from "./variants.schemas.ts";

type VariantDeps = Pick<Deps, "db" | "client" | "clock">;
type Actor = { id: string } | undefined;
/** What a variant needs of its spirit: its id and currency (a variant is priced in the spirit's currency). */
type SpiritFacts = { id: string; price: { currency: string } };

/** Variants list in the order they were added. */
const VARIANT_ORDER: Sort<SpiritVariantRow> = {
  name: "added",
  keys: [
    { column: spiritVariants.createdAt, direction: "asc", value: (r) => r.createdAt },
    { column: spiritVariants.id, direction: "asc", value: (r) => r.id },
  ],
};

const NO_STOCK: Availability = { available: 0, stockStatus: "not_stocked" };

export const variantNotFound = (spiritId: string, variantId: string) =>
  new DomainError("not-found", `Variant ${variantId} of spirit ${spiritId} was not found.`);

const skuTaken = (sku: string) =>
  new DomainError("duplicate-sku", `Another variant already uses the SKU ${sku}.`, {
    errors: [{ path: "sku", message: "is already used by another variant" }],
  });

function toVariant(row: SpiritVariantRow, stock: Availability = NO_STOCK): SpiritVariant {
  return {
    id: row.id,
    spiritId: row.spiritId,
    name: row.name,
    sizeMl: row.sizeMl,
    packaging: row.packaging,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    sku: row.sku,
    status: row.status,
    available: stock.available,
    stockStatus: stock.stockStatus,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function withStock(deps: VariantDeps, spiritId: string, rows: SpiritVariantRow[]) {
  if (!rows.length) return [];
  const stock = await readVariantAvailability(
    deps.client,
    spiritId,
    rows.map((r) => r.id),
    deps.clock.now().toISOString(),
  );
  return rows.map((r) => toVariant(r, stock.get(r.id)));
}

function checkCurrency(spirit: SpiritFacts, currency: string) {
  if (currency === spirit.price.currency) return;
  throw new DomainError(
    "validation",
    `A variant is priced in its spirit's currency, ${spirit.price.currency}.`,
    {
      errors: [
        { path: "price.currency", message: `must be ${spirit.price.currency}, the spirit's currency` },
      ],
    },
  );
}

/** Runs a write; a unique-index failure on the SKU is the same 409 as the pre-check's. */
async function skuGuarded<T>(sku: string | null | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (sku && isConstraintError(err, "UNIQUE")) throw skuTaken(sku);
    throw err;
  }
}

async function checkSkuFree(deps: VariantDeps, sku: string | null | undefined, exceptId?: string) {
  if (!sku) return;
  const row = await deps.db.query.spiritVariants.findFirst({
    where: exceptId
      ? and(eq(spiritVariants.sku, sku), ne(spiritVariants.id, exceptId))
      : eq(spiritVariants.sku, sku),
    columns: { id: true },
  });
  if (row) throw skuTaken(sku);
}

/** The variant row, only when it is the spirit's own (a variant of another spirit is not found). */
export async function findVariantRow(
  deps: Pick<Deps, "db">,
  spiritId: string,
  variantId: string,
): Promise<SpiritVariantRow | undefined> {
  return deps.db.query.spiritVariants.findFirst({
    where: and(eq(spiritVariants.spiritId, spiritId), eq(spiritVariants.id, variantId)),
  });
}

/** One page of the spirit's variants with their stock; retired ones only when asked (staff). */
export async function listVariants(
  deps: VariantDeps,
  spiritId: string,
  options: { limit: number; cursor?: string | undefined; includeRetired: boolean },
) {
  const where = [eq(spiritVariants.spiritId, spiritId)];
  if (!options.includeRetired) where.push(eq(spiritVariants.status, "active"));
  if (options.cursor) where.push(afterCursor(VARIANT_ORDER, decodeCursor(VARIANT_ORDER, options.cursor)));
  const rows = await deps.db
    .select()
    .from(spiritVariants)
    .where(and(...where))
    .orderBy(...orderByOf(VARIANT_ORDER))
    .limit(options.limit + 1);
  const shown = await withStock(deps, spiritId, rows);
  const byId = new Map(shown.map((v) => [v.id, v]));
  return page(
    VARIANT_ORDER,
    options.limit,
    async () => rows,
    (r) => byId.get(r.id)!,
  );
}

/** One reader per database client: every read of a spirit asks, so its statement is prepared once. */
const activeReaders = new WeakMap<Client, (spiritId: string) => Promise<SpiritVariantRow[]>>();

function activeRows(deps: VariantDeps, spiritId: string): Promise<SpiritVariantRow[]> {
  let read = activeReaders.get(deps.client);
  if (!read) {
    const query = deps.db
      .select()
      .from(spiritVariants)
      .where(and(eq(spiritVariants.spiritId, sql.placeholder("key")), eq(spiritVariants.status, "active")))
      .orderBy(...orderByOf(VARIANT_ORDER));
    read = rowsByKey(deps.client, spiritVariants, query);
    activeReaders.set(deps.client, read);
  }
  return read(spiritId);
}

/** The spirit's active variants with price and stock, for its public view (empty when it has none). */
export async function activeVariants(deps: VariantDeps, spiritId: string): Promise<SpiritVariant[]> {
  return withStock(deps, spiritId, await activeRows(deps, spiritId));
}

// A spirit's variants are part of it for consumers: their change is the spirit's `variants` field.
const variantsChanged = (deps: VariantDeps, spiritId: string, at: string) =>
  outboxInsert(deps.db, "spirit.updated", spiritId, { spiritId, fields: ["variants"] }, at);

export async function createVariant(
  deps: VariantDeps,
  audit: AuditService,
  spirit: SpiritFacts,
  input: VariantInput,
  actor?: Actor,
): Promise<SpiritVariant> {
  checkCurrency(spirit, input.price.currency);
  await checkSkuFree(deps, input.sku);
  const now = deps.clock.now();
  const row: SpiritVariantRow = {
    id: newId("var", now.getTime()),
    spiritId: spirit.id,
    name: input.name,
    sizeMl: input.sizeMl,
    packaging: input.packaging,
    priceMinor: input.price.amountMinor,
    currency: input.price.currency,
    sku: input.sku ?? null,
    status: input.status ?? "active",
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await skuGuarded(row.sku, () =>
    deps.db.batch([
      deps.db.insert(spiritVariants).values(row),
      audit.entry({
        actorId: actor?.id,
        action: "variant.created",
        subject: row.id,
        detail: { spiritId: spirit.id, name: row.name, priceMinor: row.priceMinor },
      }),
      variantsChanged(deps, spirit.id, row.createdAt),
    ]),
  );
  return toVariant(row);
}

export async function patchVariant(
  deps: VariantDeps,
  audit: AuditService,
  spirit: SpiritFacts,
  variantId: string,
  patch: VariantPatch,
  actor?: Actor,
): Promise<SpiritVariant> {
  const current = await findVariantRow(deps, spirit.id, variantId);
  if (!current) throw variantNotFound(spirit.id, variantId);
  if (patch.price) checkCurrency(spirit, patch.price.currency);
  if (patch.sku) await checkSkuFree(deps, patch.sku, variantId);
  const columns = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.sizeMl !== undefined ? { sizeMl: patch.sizeMl } : {}),
    ...(patch.packaging !== undefined ? { packaging: patch.packaging } : {}),
    ...(patch.price ? { priceMinor: patch.price.amountMinor, currency: patch.price.currency } : {}),
    ...(patch.sku !== undefined ? { sku: patch.sku } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
  };
  const changed = Object.entries(columns).filter(
    ([key, value]) => current[key as keyof SpiritVariantRow] !== value,
  );
  // A patch that changes nothing is not a change: updatedAt stays and the audit log stays quiet.
  if (!changed.length) return (await withStock(deps, spirit.id, [current]))[0]!;
  const at = deps.clock.now().toISOString();
  const [updated] = await skuGuarded(patch.sku, () =>
    deps.db.batch([
      deps.db
        .update(spiritVariants)
        .set({ ...columns, updatedAt: at })
        .where(and(eq(spiritVariants.spiritId, spirit.id), eq(spiritVariants.id, variantId)))
        .returning(),
      audit.entry({
        actorId: actor?.id,
        action:
          patch.status === "retired" && current.status !== "retired" ? "variant.retired" : "variant.updated",
        subject: variantId,
        detail: { spiritId: spirit.id, fields: changed.map(([key]) => key) },
      }),
      variantsChanged(deps, spirit.id, at),
    ]),
  );
  const row = updated[0];
  if (!row) throw variantNotFound(spirit.id, variantId);
  return (await withStock(deps, spirit.id, [row]))[0]!;
}
