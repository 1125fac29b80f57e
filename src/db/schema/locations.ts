import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const LOCATION_KINDS = ["warehouse", "retail"] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

/**
 * Where stock is kept: warehouses and retail points. `shipsTo` lists the destination codes the location
 * serves ("*", "EU", "GB", "GB-SCT"); the matching rule lives in src/http/destinations.ts.
 */
export const locations = sqliteTable(
  "locations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: LOCATION_KINDS }).notNull(),
    /** ISO 3166-1 alpha-2 country the location is in. */
    country: text("country").notNull(),
    /** ISO 3166-2 subdivision it is in ("GB-SCT"), when known. */
    region: text("region"),
    shipsTo: text("ships_to", { mode: "json" }).$type<string[]>().notNull(),
    /** An inactive location keeps its stock and history but serves no destination. */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("locations_name_idx").on(t.name, t.id)],
);

export type LocationRow = typeof locations.$inferSelect;
