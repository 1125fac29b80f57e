import {
  type BatchRow,
  FLAVOUR_DIMENSIONS,
  type FlavourProfile,
  type SpiritRow,
  type SpiritType,
} from "../../db/schema/catalog.ts";
import { canonicalJson } from "../../digest.ts";
import type { Batch, BatchInput, Spirit, SpiritInput } from "./catalog.schemas.ts";

/** The columns a create or replace writes: everything but id, rating and timestamps. */
export type SpiritColumns = Omit<
  SpiritRow,
  "id" | "ratingAverage" | "ratingCount" | "createdAt" | "updatedAt"
>;

/** Scored dimensions in the canonical order, so the stored JSON is the same however it was sent. */
function canonicalProfile(profile: FlavourProfile | undefined): FlavourProfile {
  const out: FlavourProfile = {};
  for (const d of FLAVOUR_DIMENSIONS) {
    const v = profile?.[d];
    if (typeof v === "number") out[d] = v;
  }
  return out;
}

/** Turns validated input into columns, filling the defaults of fields left out. */
export function toSpiritColumns(input: SpiritInput): SpiritColumns {
  return {
    name: input.name,
    brand: input.brand,
    distillery: input.distillery,
    type: input.type,
    country: input.country,
    region: input.region ?? null,
    vintage: input.vintage ?? null,
    ageYears: input.ageYears ?? null,
    abv: input.abv,
    caskType: input.caskType ?? null,
    bottleSizeMl: input.bottleSizeMl,
    description: input.description ?? "",
    tastingNotes: {
      nose: input.tastingNotes?.nose ?? "",
      palate: input.tastingNotes?.palate ?? "",
      finish: input.tastingNotes?.finish ?? "",
    },
    flavourProfile: canonicalProfile(input.flavourProfile),
    awards: input.awards ?? [],
    priceMinor: input.price.amountMinor,
    currency: input.price.currency,
    releaseDate: input.releaseDate ?? null,
    status: input.status ?? "available",
    limitedEdition: input.limitedEdition ?? false,
    totalOutturn: input.totalOutturn ?? null,
    tags: [...new Set(input.tags ?? [])],
    media: input.media ?? [],
    attributes: input.attributes ?? {},
    maxPerCustomer: input.maxPerCustomer ?? null,
    holdMinutes: input.holdMinutes ?? null,
    preorderAllocation: input.preorderAllocation ?? null,
  };
}

export function toSpirit(row: SpiritRow): Spirit {
  return {
    id: row.id,
    name: row.name,
    brand: row.brand,
    distillery: row.distillery,
    type: row.type as SpiritType,
    country: row.country,
    region: row.region,
    vintage: row.vintage,
    ageYears: row.ageYears,
    abv: row.abv,
    caskType: row.caskType,
    bottleSizeMl: row.bottleSizeMl,
    description: row.description,
    tastingNotes: row.tastingNotes,
    flavourProfile: canonicalProfile(row.flavourProfile),
    awards: row.awards,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    releaseDate: row.releaseDate,
    status: row.status,
    limitedEdition: row.limitedEdition,
    totalOutturn: row.totalOutturn,
    tags: row.tags,
    media: row.media,
    attributes: row.attributes,
    maxPerCustomer: row.maxPerCustomer,
    holdMinutes: row.holdMinutes,
    preorderAllocation: row.preorderAllocation,
    rating: { average: row.ratingAverage, count: row.ratingCount },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The columns whose values writing `columns` over `row` would change. */
export function changedColumns(row: SpiritRow, columns: SpiritColumns): string[] {
  return Object.keys(columns).filter(
    (k) => canonicalJson(row[k as keyof SpiritColumns]) !== canonicalJson(columns[k as keyof SpiritColumns]),
  );
}

/** True when writing `columns` over `row` would change nothing. */
export const sameColumns = (row: SpiritRow, columns: SpiritColumns): boolean =>
  changedColumns(row, columns).length === 0;

/** The writable part of a spirit, as input: the base a merge patch applies to. */
export function toSpiritInput(s: Spirit): Record<string, unknown> {
  const { id: _id, rating: _rating, createdAt: _created, updatedAt: _updated, ...writable } = s;
  return writable;
}

export function toBatchColumns(input: BatchInput) {
  return {
    batchNumber: input.batchNumber,
    caskNumbers: input.caskNumbers ?? [],
    bottlingDate: input.bottlingDate ?? null,
    bottleCount: input.bottleCount ?? null,
    notes: input.notes ?? "",
  };
}

export function toBatch(row: BatchRow): Batch {
  return {
    id: row.id,
    spiritId: row.spiritId,
    batchNumber: row.batchNumber,
    caskNumbers: row.caskNumbers,
    bottlingDate: row.bottlingDate,
    bottleCount: row.bottleCount,
    notes: row.notes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
