/**
 * The waiting room on time on Workers, with no cron run at all: the release's ReleaseQueueObject sets its
 * alarm for the opening when the release is made, and its alarm admits the first in line within seconds;
 * an admission left unused passes to the next in line at its expiry (the object's next alarm). Each
 * change reaches the customers' notifications sockets on the Worker as a `queue` message, and the
 * admission's notification (through the events queue the object nudges) as a `notification`.
 *
 * The API's shortest admission is a minute; to see an expiry pass on in seconds, the test shortens the
 * admission in the database and wakes the object for the new expiry, as the advance step does after each
 * admission (the database is the truth; the object only times it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ReleaseSchema } from "../../src/modules/releases/releases.schemas.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { WatchClient } from "../realtime/support.ts";
import { openTarget, selectedTargets, type Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;
const OPENS_IN_MS = 2_000;

type QueueObjectRpc = {
  wake(releaseId: string, at: string): Promise<void>;
  status(): Promise<{ releaseId?: string; alarmAt: string | null }>;
};
type Told = { notification: { topic: string } };
type Pushed = {
  type: "queue";
  place: {
    state: string;
    position: number | null;
    admissionToken: string | null;
    admissionExpiresAt: string;
  };
};

onWorker("waiting room alarms [worker]", () => {
  let t: Target;
  let shop: Shop;
  beforeAll(async () => {
    t = await openTarget("worker");
    shop = await openShop(t);
  }, 60_000);
  afterAll(() => t?.close());

  const object = async (releaseId: string) => {
    const ns = await t.worker!.miniflare.getDurableObjectNamespace("RELEASE_QUEUES");
    return ns.get(ns.idFromName(releaseId)) as unknown as QueueObjectRpc;
  };
  const socketOf = async (who: { headers: Record<string, string> }) => {
    const token = who.headers.Authorization!.slice("Bearer ".length);
    const wsBase = (await t.baseUrl()).replace("http:", "ws:");
    const client = await WatchClient.open(
      `${wsBase}/api/v1/customers/me/notifications/ws?token=${encodeURIComponent(token)}`,
    );
    await client.until((c) => c.of("ready").length > 0, "ready");
    return client;
  };
  const pushed = (c: WatchClient, state: string) =>
    (c.of("queue") as unknown as Pushed[]).filter((m) => m.place.state === state);

  test("the opening admits the first in line within seconds; an unused admission passes on at its expiry", async () => {
    const spiritId = await shop.spirit();
    await shop.receive(spiritId, 5, shop.loc("a"));
    const opensAt = new Date(Date.now() + OPENS_IN_MS).toISOString();
    const created = await t.call("POST", "/api/v1/releases", {
      headers: shop.staff.headers,
      body: {
        spiritId,
        name: "Hanyu Ichiro's Full Card, on time",
        mode: "queue",
        allocation: 1,
        admissionMinutes: 1,
        opensAt,
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const release = ReleaseSchema.parse(await created.json());
    // Made through the Worker: its object already waits for the opening.
    expect(await (await object(release.id)).status()).toEqual({ releaseId: release.id, alarmAt: opensAt });

    const [a, b] = [await shop.customer(), await shop.customer()];
    for (const who of [a, b]) {
      const res = await t.call("POST", `/api/v1/releases/${release.id}/queue`, {
        headers: who.headers,
        body: {},
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const [sa, sb] = [await socketOf(a), await socketOf(b)];

    // No cron: only the object's alarm can open the queue and admit.
    const either = (c: WatchClient) => pushed(c, "admitted").length > 0;
    await Promise.race([
      sa.until(either, "a's admission", 8_000),
      sb.until(either, "b's admission", 8_000),
    ]).catch(() => {});
    const admittedAt = Date.now();
    expect(either(sa) || either(sb)).toBe(true);
    expect(admittedAt - Date.parse(opensAt)).toBeLessThan(5_000);
    const [first, second, firstWho] = either(sa) ? [sa, sb, a] : [sb, sa, b];
    const admission = pushed(first, "admitted")[0]!.place;
    expect(admission.position).toBe(1);
    const mine = await t.call("GET", `/api/v1/releases/${release.id}/queue/me`, {
      headers: firstWho.headers,
    });
    expect(await mine.json()).toMatchObject({ state: "admitted", admissionToken: admission.admissionToken });
    await second.until((c) => pushed(c, "waiting").some((m) => m.place.position === 2), "b's position");
    // The admission is news in the inbox too: the object woke the events queue, so it arrives live as well.
    await first.until(
      (c) =>
        c.of("notification").some((m) => (m as unknown as Told).notification.topic === "queue_admission"),
      "the admission's notification",
      5_000,
    );
    // Once the alarm's run is over, the next alarm is the admission's expiry.
    const queueObject = await object(release.id);
    const next = await waitFor(async () => (await queueObject.status()).alarmAt, {
      what: "the next alarm",
      intervalMs: 50,
    });
    expect(next).toBe(admission.admissionExpiresAt);

    // The admission ends in 1.5 s instead of a minute, and the object is told, as an admission would.
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    await t.deps.client.execute({
      sql: "UPDATE release_queue_places SET admission_expires_at = ? WHERE release_id = ? AND status = 'admitted'",
      args: [expiresAt, release.id],
    });
    await (await object(release.id)).wake(release.id, expiresAt);
    await second.until((c) => pushed(c, "admitted").length > 0, "the admission passed on", 6_000);
    expect(Date.now() - Date.parse(expiresAt)).toBeLessThan(4_000);
    await first.until((c) => pushed(c, "expired").length > 0, "the expiry");
    expect(pushed(second, "admitted")[0]!.place).toMatchObject({ position: 2 });
    sa.close();
    sb.close();
  }, 30_000);
});
