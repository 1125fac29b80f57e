import type { Client } from "@libsql/client";
import { DomainError } from "../../domain-error.ts";
import type { StockChange } from "./inventory.schemas.ts";

type Receive = Extract<StockChange, { type: "receive" }>;

const count = async (client: Client, sql: string, args: string[]) =>
  Number((await client.execute({ sql, args })).rows[0]?.n ?? 0);

/**
 * A receive may not bring in more bottles than were ever made: serials lie in 1..bottleCount of their
 * batch, a batch takes at most its bottleCount, and a limited edition at most its outturn across all its
 * batches and locations. "Received" counts the ledger's `receive` rows, so returns of bottles that shipped
 * (kind `return`) are not new bottles. Checked before the change reaches the stock engine; two receives
 * racing past the same limit are not serialised here.
 */
export async function checkReceivingLimits(client: Client, spiritId: string, change: Receive) {
  const received = (where: string, args: string[]) =>
    count(
      client,
      `SELECT COALESCE(SUM(on_hand_delta), 0) AS n FROM stock_movements WHERE kind = 'receive' AND ${where}`,
      args,
    );
  const over = (detail: string, extra: Record<string, unknown>) =>
    new DomainError("over-limit", detail, { extra });

  if (change.batchId) {
    const row = (
      await client.execute({ sql: "SELECT bottle_count FROM batches WHERE id = ?", args: [change.batchId] })
    ).rows[0];
    const bottleCount = row?.bottle_count == null ? null : Number(row.bottle_count);
    if (bottleCount != null) {
      if (change.serials && change.serials.to > bottleCount) {
        throw over(
          `Bottle numbers run from 1 to ${bottleCount} in this batch (its bottle count); ${change.serials.from}–${change.serials.to} do not fit.`,
          { limit: "bottleCount", bottleCount, serials: change.serials },
        );
      }
      const before = await received("batch_id = ?", [change.batchId]);
      if (before + change.quantity > bottleCount) {
        throw over(
          `The batch has ${bottleCount} bottles (its bottle count) and ${before} were received already; ${change.quantity} more would be too many.`,
          {
            limit: "bottleCount",
            bottleCount,
            received: before,
            remaining: Math.max(0, bottleCount - before),
          },
        );
      }
    }
  }

  const spirit = (
    await client.execute({ sql: "SELECT total_outturn FROM spirits WHERE id = ?", args: [spiritId] })
  ).rows[0];
  const totalOutturn = spirit?.total_outturn == null ? null : Number(spirit.total_outturn);
  if (totalOutturn == null) return;
  const before = await received("spirit_id = ?", [spiritId]);
  if (before + change.quantity > totalOutturn) {
    throw over(
      `The edition's outturn is ${totalOutturn} bottles and ${before} were received already; ${change.quantity} more would be too many.`,
      {
        limit: "totalOutturn",
        totalOutturn,
        received: before,
        remaining: Math.max(0, totalOutturn - before),
      },
    );
  }
}
