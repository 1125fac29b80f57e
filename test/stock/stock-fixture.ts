import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attachLedgerPort, ledgerPortFor } from "../../src/db/ledger-port.ts";
import { openLocalDatabase } from "../../src/db/local.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { accounts } from "../../src/db/schema/accounts.ts";
import { batches, spirits } from "../../src/db/schema/catalog.ts";
import type { HoldRequest, ReceiveRequest } from "../../src/stock/coordinator.ts";
import type { StockChanged } from "../../src/stock/events.ts";
import { createStockEventBus } from "../../src/stock/events.ts";
import {
  createLocalStockCoordinator,
  type LocalCoordinatorOptions,
} from "../../src/stock/local-coordinator.ts";
import { TestClock } from "../support/test-app.ts";

let orders = 0;

/** A hold of `quantity` bottles (one line, any batch) for 15 minutes from the clock's now. */
export function holdRequest(
  clock: { now(): Date },
  spiritId: string,
  customerId: string,
  quantity: number,
  extra: Partial<HoldRequest> = {},
): HoldRequest {
  const orderId = `ord_${++orders}`;
  return {
    type: "hold",
    spiritId,
    orderId,
    customerId,
    actorId: customerId,
    lines: [{ lineId: `${orderId}_l1`, quantity, batchId: null }],
    expiresAt: new Date(clock.now().getTime() + 15 * 60_000).toISOString(),
    maxPerCustomer: null,
    preferredLocationIds: [],
    ...extra,
  };
}

/** Bottles arriving at loc_a (unless told otherwise), with no batch, by nobody in particular. */
export const receiveRequest = (
  spiritId: string,
  quantity: number,
  extra: Partial<ReceiveRequest> = {},
): ReceiveRequest => ({
  type: "receive",
  spiritId,
  actorId: null,
  locationId: "loc_a",
  batchId: null,
  quantity,
  ...extra,
});

/**
 * Where the stock ledger's batches go: the embedded executor the server attaches on a file (units decided
 * one by one), or the libSQL client itself, as on a remote database or the Worker (the slot-table batch).
 */
export type LedgerKind = "executor" | "client";
export const LEDGERS: LedgerKind[] = ["executor", "client"];

/** A migrated libSQL file with a coordinator over it, and helpers to make spirits, batches and customers. */
export async function createStockFixture(
  options: Partial<LocalCoordinatorOptions> & { ledger?: LedgerKind } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "angelshare-stock-"));
  const handle = await openLocalDatabase(`file:${join(dir, "stock.db")}`);
  if (options.ledger === "client") attachLedgerPort(handle.client, handle.client);
  await runMigrations(handle.db);
  const clock = (options.clock as TestClock | undefined) ?? new TestClock();
  const events = createStockEventBus((err) => {
    throw err;
  });
  const published: StockChanged[] = [];
  events.subscribeAll((e) => published.push(e));
  const coordinator = createLocalStockCoordinator({ client: handle.client, clock, events, ...options });
  const now = () => clock.now().toISOString();
  let n = 0;

  async function spirit(id = `spr_${++n}`, fields: Partial<typeof spirits.$inferInsert> = {}) {
    await handle.db.insert(spirits).values({
      id,
      name: `Spirit ${id}`,
      brand: "Brand",
      distillery: "Distillery",
      type: "single_malt",
      country: "GB",
      abv: 46,
      bottleSizeMl: 700,
      tastingNotes: { nose: "", palate: "", finish: "" },
      flavourProfile: {},
      awards: [],
      priceMinor: 10000,
      currency: "GBP",
      status: "available",
      tags: [],
      media: [],
      attributes: {},
      createdAt: now(),
      updatedAt: now(),
      ...fields,
    });
    return id;
  }

  async function batch(spiritId: string, id = `bat_${++n}`) {
    await handle.db.insert(batches).values({
      id,
      spiritId,
      batchNumber: id,
      caskNumbers: [],
      createdAt: now(),
      updatedAt: now(),
    });
    return id;
  }

  async function customer(id = `cus_${++n}`) {
    await handle.db
      .insert(accounts)
      .values({ id, email: `${id}@example.test`, role: "customer", createdAt: now(), updatedAt: now() });
    return id;
  }

  async function rows(sql: string, args: (string | number | null)[] = []) {
    return (await handle.client.execute({ sql, args })).rows;
  }

  /**
   * Runs `hook` before each stock write batch, with how many units it commits, on whichever entry the
   * ledger port has (the embedded executor decides units itself; other clients get a slot batch). A
   * hook that throws fails the batch as the database would. Returns the function that removes it.
   */
  function beforeLedgerWrite(hook: (units: number) => Promise<void> | void): () => void {
    const port = ledgerPortFor(handle.client);
    const { batch: realBatch, decide: realDecide } = port;
    if (realDecide) {
      port.decide = async (b) => {
        await hook(b.units.length);
        return realDecide.call(port, b);
      };
    } else {
      port.batch = async (stmts, mode) => {
        if (mode === "write") {
          await hook(
            stmts.filter((x) => typeof x === "object" && x.sql.startsWith("INSERT INTO stock_op_slots"))
              .length,
          );
        }
        return realBatch.call(port, stmts, mode);
      };
    }
    return () => {
      port.batch = realBatch;
      port.decide = realDecide;
    };
  }

  return {
    ...handle,
    beforeLedgerWrite,
    clock,
    events,
    published,
    coordinator,
    spirit,
    batch,
    customer,
    rows,
    async close() {
      await coordinator.close();
      handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type StockFixture = Awaited<ReturnType<typeof createStockFixture>>;
