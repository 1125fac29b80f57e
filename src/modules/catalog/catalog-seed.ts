import type { z } from "@hono/zod-openapi";
import { count } from "drizzle-orm";
import {
  type BatchRow,
  batches as batchesTable,
  type SpiritRow,
  spirits as spiritsTable,
} from "../../db/schema/catalog.ts";
import type { CatalogContext } from "./catalog.context.ts";
import { BatchInputSchema, SpiritInputSchema } from "./catalog.schemas.ts";
import { toBatchColumns, toSpiritColumns } from "./spirit-mapping.ts";

/** A spirit to seed, in the API's own input shape (the demo catalog lives in src/db/seed/demo-catalog.ts). */
export type CatalogSeedEntry = z.input<typeof SpiritInputSchema> & {
  /** Becomes the fixed id `spr_demo_<key>`, so seeding twice at once still makes one catalog. */
  key: string;
  batches?: z.input<typeof BatchInputSchema>[];
};

const seedId = (key: string) => key.replaceAll("-", "_");
/** The fixed ids of a demo spirit and of its n-th batch (from 1). */
export const demoSpiritId = (key: string) => `spr_demo_${seedId(key)}`;
export const demoBatchId = (key: string, n: number) => `bat_demo_${seedId(key)}_${n}`;

/**
 * Validates seed entries with the same schema the API uses (a bad entry fails at start, not later), and
 * turns them into rows; the first entry is the newest.
 */
export function seedRows(
  entries: CatalogSeedEntry[],
  now: Date,
): { spirits: SpiritRow[]; batches: BatchRow[] } {
  const spirits: SpiritRow[] = [];
  const batches: BatchRow[] = [];
  entries.forEach(({ key, batches: entryBatches, ...input }, i) => {
    const at = new Date(now.getTime() - i * 60_000).toISOString();
    const id = demoSpiritId(key);
    spirits.push({
      id,
      ...toSpiritColumns(SpiritInputSchema.parse(input)),
      ratingAverage: null,
      ratingCount: 0,
      createdAt: at,
      updatedAt: at,
    });
    entryBatches?.forEach((b, n) => {
      batches.push({
        id: demoBatchId(key, n + 1),
        spiritId: id,
        ...toBatchColumns(BatchInputSchema.parse(b)),
        createdAt: at,
        updatedAt: at,
      });
    });
  });
  return { spirits, batches };
}

/** Seeds an empty catalog (the demo catalog at first start); answers how many spirits it added. */
export async function seedIfEmpty(
  { deps: { db, clock }, audit }: CatalogContext,
  entries: CatalogSeedEntry[],
): Promise<number> {
  const [existing] = await db.select({ n: count() }).from(spiritsTable);
  if ((existing?.n ?? 0) > 0) return 0;
  const demo = seedRows(entries, clock.now());
  // Fixed demo ids and ON CONFLICT DO NOTHING: two processes seeding at once still make one catalog.
  const [added] = await db.batch([
    db.insert(spiritsTable).values(demo.spirits).onConflictDoNothing().returning({ id: spiritsTable.id }),
    ...(demo.batches.length ? [db.insert(batchesTable).values(demo.batches).onConflictDoNothing()] : []),
    audit.entry({
      actorId: undefined,
      action: "catalog.demo_seeded",
      subject: "catalog",
      detail: { spirits: demo.spirits.length, batches: demo.batches.length },
    }),
  ]);
  return added.length;
}
