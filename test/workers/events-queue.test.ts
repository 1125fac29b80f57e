/**
 * Events on the Worker build in workerd: a request that commits a change nudges the events queue (a
 * Cloudflare Queues binding, run by Miniflare), whose consumer in the same Worker dispatches the outbox and
 * sends the webhooks; the every-minute cron delivers what no nudge woke it for.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { CRON_EVERY_MINUTE } from "../../src/runtime/worker-crons.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";
import { startReceiver } from "../webhooks/receiver.ts";

describeTargets(
  "events through the queue",
  (t) => {
    let shop: Shop;
    let receiver: ReturnType<typeof startReceiver>;
    let secret: string;
    beforeAll(async () => {
      receiver = startReceiver();
      shop = await openShop(t);
      const res = await t.call("POST", "/api/v1/webhooks/endpoints", {
        headers: shop.staff.headers,
        body: { url: receiver.url, eventTypes: ["spirit.created"] },
      });
      expect(res.status).toBe(201);
      secret = ((await res.json()) as { secret: string }).secret;
    });
    afterAll(() => receiver.stop());

    const arrived = (spiritId: string) =>
      receiver.requests.filter((r) => receiver.verify(r, secret).data.spiritId === spiritId);

    test("a change made through the Worker reaches the webhook through the queue, signed", async () => {
      const spiritId = await shop.spirit();
      await waitFor(() => arrived(spiritId).length === 1, { timeoutMs: 10_000 });
      expect(receiver.verify(arrived(spiritId)[0]!, secret)).toMatchObject({
        type: "spirit.created",
        subject: spiritId,
      });
    }, 15_000);

    test("an event no request nudged for is delivered by the cron", async () => {
      // Written beside the Worker (the Bun-side services over the same database): no nudge.
      const spirit = await t.services.catalog.createSpirit({
        name: "Cron Malt",
        brand: "Test",
        distillery: "Test Distillery",
        type: "scotch",
        country: "GB",
        abv: 46,
        bottleSizeMl: 700,
        price: { amountMinor: 5000, currency: "GBP" },
      } as Parameters<typeof t.services.catalog.createSpirit>[0]);
      await Bun.sleep(1500);
      expect(arrived(spirit.id)).toHaveLength(0);
      await t.worker!.runCron(CRON_EVERY_MINUTE);
      expect(arrived(spirit.id)).toHaveLength(1);
    }, 15_000);
  },
  { targets: ["worker"], env: { WEBHOOKS_ALLOW_PRIVATE_URLS: "true" } },
);
