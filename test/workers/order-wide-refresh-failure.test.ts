/**
 * The Worker's coordinator commits an order-wide change itself, then asks each spirit's Durable Object to
 * re-read and broadcast. When an object cannot be reached, the change has still happened: the caller must
 * get its outcome (not a 500 that invites a retry of something done) and the failure must be logged.
 * The namespace here stands in for an unreachable object; the database and the commit are real.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Client } from "@libsql/client";
import type { Clock, Logger } from "../../src/deps.ts";
import { OrderSchema } from "../../src/modules/orders/orders.schemas.ts";
import type { StockCoordinator } from "../../src/stock/coordinator.ts";
import { openShop } from "../orders/shop.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

/** The coordinator's module is type-checked with Workers' types only (tsconfig.worker.json): typed here. */
type CreateDurableStockCoordinator = (options: {
  namespace: unknown;
  client: Client;
  clock: Clock;
  logger: Logger;
}) => StockCoordinator;
const COORDINATOR_MODULE: string = "../../src/runtime/worker-stock-coordinator.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("a refresh that fails after the commit is logged, and the committed outcome is answered", async () => {
  const shop = await openShop(t);
  const spiritId = await shop.spirit();
  await shop.receive(spiritId, 3);
  const res = await shop.order(await shop.customer(), [{ spiritId, quantity: 2 }]);
  expect(res.status).toBe(201);
  const order = OrderSchema.parse(await res.json());

  const logged: Record<string, unknown>[] = [];
  const logger: Logger = { log: (level, fields) => logged.push({ level, ...fields }) };
  const unreachable = {
    idFromName: (name: string) => name,
    get: () => ({
      refresh: async () => {
        throw new Error("Durable Object reset because its code was updated");
      },
    }),
  };
  const { createDurableStockCoordinator } = (await import(COORDINATOR_MODULE)) as {
    createDurableStockCoordinator: CreateDurableStockCoordinator;
  };
  const coordinator = createDurableStockCoordinator({
    namespace: unreachable,
    client: t.deps.client,
    clock: t.deps.clock,
    logger,
  });

  const outcome = await coordinator.cancelOrder({
    orderId: order.id,
    actorId: shop.staff.id,
    reason: "test",
  });
  expect(outcome.ok).toBe(true);
  expect(logged).toEqual([
    expect.objectContaining({ level: "error", spiritId, err: expect.stringContaining("reset") }),
  ]);
  const level = (await shop.inventory(spiritId)).levels![0]!;
  expect(level).toMatchObject({ onHand: 3, reserved: 0 });
});
