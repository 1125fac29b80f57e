/**
 * The drop: 2,000 order requests race for 100 bottles, on both targets. Exactly 100 succeed, nobody gets
 * more than the per-customer limit, every other answer is a sold-out (409) or per-customer-limit (422)
 * problem, never a 5xx, and the ledger
 * still adds up. On the Worker build the spirit's Durable Object serialises the buyers.
 */
import { expect, test } from "bun:test";
import { openShop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";

const BOTTLES = 100;
const CUSTOMERS = 500;
const REQUESTS_EACH = 4;
const IN_FLIGHT = 100;

/** Runs the tasks with at most `limit` of them at a time; answers in task order. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describeTargets("a flash sale", (t) => {
  test(`${CUSTOMERS * REQUESTS_EACH} requests for ${BOTTLES} bottles: exactly ${BOTTLES} orders, within the limit`, async () => {
    const shop = await openShop(t);
    const s = await shop.spirit({
      name: "Drop Edition",
      limitedEdition: true,
      totalOutturn: BOTTLES,
      maxPerCustomer: 1,
    });
    await shop.receive(s, BOTTLES);
    const customers = await pool(
      Array.from({ length: CUSTOMERS }, () => () => shop.customer()),
      20,
    );
    const tasks = customers.flatMap((c) =>
      Array.from({ length: REQUESTS_EACH }, () => async () => {
        const res = await shop.order(c, [{ spiritId: s, quantity: 1 }]);
        const text = await res.text();
        let type: string | undefined;
        try {
          type = (JSON.parse(text) as { type?: string }).type;
        } catch {
          type = `not JSON: ${text.slice(0, 200)}`;
        }
        return { customer: c.id, status: res.status, type };
      }),
    );
    // Interleave the customers' requests, as a real crowd would.
    tasks.sort(() => Math.random() - 0.5);
    const answers = await pool(tasks, IN_FLIGHT);

    const tally = new Map<string, number>();
    for (const a of answers) {
      const key = `${a.status} ${a.status === 201 ? "" : a.type?.split("/").pop()}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const refusal = (a: (typeof answers)[number]) =>
      (a.status === 409 && a.type?.endsWith("/sold-out")) ||
      (a.status === 422 && a.type?.endsWith("/per-customer-limit"));
    const unexpected = answers.filter((a) => a.status !== 201 && !refusal(a));
    expect(unexpected.slice(0, 3), JSON.stringify([...tally])).toEqual([]);
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(BOTTLES);
    expect(new Set(won.map((a) => a.customer)).size).toBe(BOTTLES);

    const inv = await shop.inventory(s);
    expect(inv.available).toBe(0);
    expect(inv.levels![0]).toMatchObject({ onHand: BOTTLES, reserved: BOTTLES });
    expect((await shop.audit()).clean).toBe(true);
  }, 120_000);
});
