/**
 * The read API of the stock tables for other modules: the stock schema has one owner (src/stock), and the
 * modules that need a figure of it (search's in-stock filter, the recommender's model) take it from here.
 * They are SQL expressions, not functions that query, so a caller keeps its one query over many spirits
 * (a search's in-stock set, the model's whole catalog) instead of one query per spirit.
 */

/** True when some level of the spirit (given as an SQL column) has bottles not held for anyone. */
export const inStockSql = (spiritIdColumn: string) =>
  `EXISTS (SELECT 1 FROM inventory_levels l WHERE l.spirit_id = ${spiritIdColumn} AND l.on_hand > l.reserved)`;

/** Bottles of the spirit (given as an SQL column) on hand and not held, over all batches and locations. */
export const availableSql = (spiritIdColumn: string) =>
  `coalesce((SELECT sum(l.on_hand - l.reserved) FROM inventory_levels l WHERE l.spirit_id = ${spiritIdColumn}), 0)`;

/** Grows with every stock movement: a fingerprint part for caches of anything computed from stock. */
export const stockVersionSql = "(SELECT coalesce(max(seq), 0) FROM stock_movements)";
