/**
 * In-process: a drop of 500 holds (one bottle each, 500 buyers at once) through the local stock
 * coordinator, with the ledger's batches on the embedded executor (its own prepared statements) and on
 * @libsql/client's batch (prepares every statement each time), alternating in one run. Median of rounds.
 *   bun bench/ledger-drop.ts [rounds=7] [holds=500]
 */
import { attachLedgerPort, ledgerPortFor } from "../src/db/ledger-port.ts";
import { createStockFixture } from "../test/stock/stock-fixture.ts";

const rounds = Number(process.argv[2] ?? 7);
const holds = Number(process.argv[3] ?? 500);
const f = await createStockFixture();
const executor = ledgerPortFor(f.client);
let orders = 0;

async function drop(): Promise<number> {
  const spiritId = await f.spirit();
  await f.coordinator.submit({
    type: "receive",
    spiritId,
    actorId: null,
    locationId: "loc_a",
    batchId: null,
    quantity: holds,
  });
  const buyers = await Promise.all(Array.from({ length: holds }, () => f.customer()));
  const expiresAt = new Date(f.clock.now().getTime() + 15 * 60_000).toISOString();
  const started = performance.now();
  const outcomes = await Promise.all(
    buyers.map((customerId) => {
      const orderId = `ord_${++orders}`;
      return f.coordinator.submit({
        type: "hold",
        spiritId,
        orderId,
        customerId,
        actorId: customerId,
        lines: [{ lineId: `${orderId}_l1`, quantity: 1, batchId: null }],
        expiresAt,
        maxPerCustomer: null,
        preferredLocationIds: [],
      });
    }),
  );
  const ms = performance.now() - started;
  if (!outcomes.every((o) => o.ok)) throw new Error("a hold failed");
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times = { executor: [] as number[], client: [] as number[] };
await drop(); // warm-up
for (let i = 0; i < rounds; i++) {
  attachLedgerPort(f.client, executor);
  times.executor.push(await drop());
  attachLedgerPort(f.client, f.client);
  times.client.push(await drop());
}
const [e, c] = [median(times.executor), median(times.client)];
console.log(
  `${holds}-hold drop, median of ${rounds}: executor ${e.toFixed(1)} ms, client.batch ${c.toFixed(1)} ms`,
);
console.log(`executor takes ${(100 * (1 - e / c)).toFixed(0)}% less time`);
await f.close();
