/**
 * The events a spirit's write produces, as statements for the same batch: created; or updated (naming the
 * fields that changed), price_changed when the price or currency moved, released when an announced
 * spirit goes on sale. A write that changes nothing produces none.
 */
import type { Database } from "../../db/client.ts";
import type { SpiritRow } from "../../db/schema/catalog.ts";
import { outboxInsert } from "../events/outbox.ts";
import { changedColumns, type SpiritColumns } from "./spirit-mapping.ts";

export const spiritCreatedEvent = (db: Database, row: SpiritRow, at: string) =>
  outboxInsert(db, "spirit.created", row.id, { spiritId: row.id, name: row.name }, at);

export function spiritUpdateEvents(db: Database, before: SpiritRow, after: SpiritColumns, at: string) {
  const fields = changedColumns(before, after);
  if (!fields.length) return [];
  const spiritId = before.id;
  const events = [outboxInsert(db, "spirit.updated", spiritId, { spiritId, fields }, at)];
  if (before.priceMinor !== after.priceMinor || before.currency !== after.currency) {
    const previous = { amount: before.priceMinor, currency: before.currency };
    const price = { amount: after.priceMinor, currency: after.currency };
    events.push(outboxInsert(db, "spirit.price_changed", spiritId, { spiritId, previous, price }, at));
  }
  if (before.status === "announced" && after.status === "available") {
    events.push(outboxInsert(db, "spirit.released", spiritId, { spiritId, releaseId: null }, at));
  }
  return events;
}
