/**
 * The waiting room through the HTTP API on both targets: joining before the opening, the periodic job
 * (Bun's round, the Worker's minute cron) opening the queue and admitting the first in line, and orders for
 * the spirit refused without the admission token and taken with it. Real time on the Worker: the release
 * opens a couple of seconds after it is made.
 */
import { beforeAll, expect, test } from "bun:test";
import { QueuePlaceSchema } from "../../src/modules/releases/queue.schemas.ts";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { CRON_EVERY_MINUTE } from "../../src/runtime/worker-crons.ts";
import { type Caller, openShop, type Shop } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";

const OPENS_IN_MS = 2_000;

/** Lets the opening come: the Bun target's clock moves, the Worker's real time passes. */
async function passOpening(t: Target) {
  const clock = t.deps.clock as { advance?: (ms: number) => void };
  if (t.name === "bun" && clock.advance) clock.advance(OPENS_IN_MS + 1_000);
  else await Bun.sleep(OPENS_IN_MS + 300);
}

/** The periodic job's round: Bun's timer work, or the Worker's minute cron. */
async function runJob(t: Target) {
  if (t.worker) return t.worker.runCron(CRON_EVERY_MINUTE);
  await t.services.queues.advanceDue();
}

describeTargets("queue releases", (t) => {
  let shop: Shop;
  const at = (ms: number) => new Date(t.deps.clock.now().getTime() + ms).toISOString();
  beforeAll(async () => {
    shop = await openShop(t);
  });

  const mine = async (who: Caller, releaseId: string) => {
    const res = await t.call("GET", `/api/v1/releases/${releaseId}/queue/me`, { headers: who.headers });
    expect(res.status, await res.clone().text()).toBe(200);
    return QueuePlaceSchema.parse(await res.json());
  };

  test("join before the opening, the job opens and admits the first in line, orders need the admission", async () => {
    const spiritId = await shop.spirit();
    await shop.receive(spiritId, 5, shop.loc("a"));
    const created = await t.call("POST", "/api/v1/releases", {
      headers: shop.staff.headers,
      body: {
        spiritId,
        name: "Karuizawa 1981 waiting room",
        mode: "queue",
        allocation: 1,
        opensAt: at(OPENS_IN_MS),
        closesAt: at(3_600_000),
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const release = ReleaseSchema.parse(await created.json());
    const [a, b] = [await shop.customer(), await shop.customer()];
    for (const who of [a, b]) {
      const res = await t.call("POST", `/api/v1/releases/${release.id}/queue`, {
        headers: who.headers,
        body: {},
      });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(QueuePlaceSchema.parse(await res.json())).toMatchObject({ state: "waiting", position: null });
    }
    await passOpening(t);
    await runJob(t);
    const places = [await mine(a, release.id), await mine(b, release.id)];
    expect(places.map((p) => p.position).sort()).toEqual([1, 2]);
    const first = places[0]!.state === "admitted" ? 0 : 1;
    const [admitted, waiting] = [places[first]!, places[1 - first]!];
    const [winner, other] = first === 0 ? [a, b] : [b, a];
    expect(admitted).toMatchObject({ state: "admitted", position: 1, admittedQuantity: 1 });
    expect(waiting).toMatchObject({ state: "waiting", position: 2, ahead: 0, admissionToken: null });

    const without = await shop.order(winner, [{ spiritId, quantity: 1 }]);
    expect(without.status).toBe(403);
    expect(await without.json()).toMatchObject({ code: "admission-required", header: "Admission-Token" });
    const borrowed = await shop.order(other, [{ spiritId, quantity: 1 }], undefined, {
      "Admission-Token": admitted.admissionToken!,
    });
    expect(borrowed.status).toBe(403);
    expect((await borrowed.json()).code).toBe("admission-invalid");
    const ok = await shop.order(winner, [{ spiritId, quantity: 1 }], undefined, {
      "Admission-Token": admitted.admissionToken!,
    });
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect(await mine(winner, release.id)).toMatchObject({ state: "done", admissionToken: null });
  });
});
