import { beforeAll, expect, test } from "bun:test";
import { StockMessageSchema } from "../../src/stock/messages.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeStreamTargets, SseClient } from "./support.ts";

describeStreamTargets(
  "stock as Server-Sent Events",
  (host) => {
    let shop: Shop;
    beforeAll(async () => {
      shop = await openShop(host());
    });
    const url = (spiritId: string, query = "") =>
      `${host().base}/api/v1/spirits/${spiritId}/stock/events${query}`;
    const current = (spiritId: string) => host().services.inventory.stockSnapshot(spiritId);

    test("a retry hint, the snapshot with id = version, then one event per change", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 6);
      const sse = await SseClient.open(url(s));
      expect(sse.response.status).toBe(200);
      expect(sse.response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
      expect(sse.response.headers.get("Cache-Control")).toContain("no-cache");
      const v0 = (await current(s)).version;
      await sse.reach(v0);
      expect(sse.events[0]).toEqual({ retry: 2000 });
      const [snapshot] = sse.states();
      expect(snapshot!.id).toBe(String(v0));
      expect(StockMessageSchema.parse(snapshot!.data)).toMatchObject({
        type: "snapshot",
        available: 6,
        version: v0,
      });

      await shop.receive(s, 1);
      const v1 = (await current(s)).version;
      await sse.reach(v1);
      expect(sse.states().at(-1)).toMatchObject({ id: String(v1), data: { type: "stock", available: 7 } });
      sse.close();
    });

    test("reconnecting with Last-Event-ID: the current state if newer, else nothing until the next change", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 2);
      const old = (await current(s)).version;
      await shop.receive(s, 3);
      const now = (await current(s)).version;

      const behind = await SseClient.open(url(s), { "Last-Event-ID": String(old) });
      await behind.reach(now);
      expect(behind.states()).toEqual([
        expect.objectContaining({
          id: String(now),
          data: expect.objectContaining({ type: "snapshot", available: 5 }),
        }),
      ]);

      const upToDate = await SseClient.open(url(s), { "Last-Event-ID": String(now) });
      await upToDate.until((c) => c.events.some((e) => e.comment === "up to date"), "the up-to-date comment");
      expect(upToDate.states()).toEqual([]);
      await shop.receive(s, 1);
      const next = (await current(s)).version;
      await upToDate.reach(next);
      expect(upToDate.states().map((e) => e.data!.type)).toEqual(["stock"]);
      expect(upToDate.states()[0]!.data!.available).toBe(6);
      behind.close();
      upToDate.close();
    });

    test("a Last-Event-ID that is not a version is a 422 problem", async () => {
      const s = await shop.spirit();
      const res = await fetch(url(s), { headers: { "Last-Event-ID": "yesterday" } });
      expect(res.status).toBe(422);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      expect((await res.json()).errors).toEqual([expect.objectContaining({ path: "last-event-id" })]);
    });

    test("staff, by header or token parameter, get the per-batch breakdown", async () => {
      const s = await shop.spirit();
      await shop.receive(s, 4);
      const token = shop.staff.headers.Authorization!.slice("Bearer ".length);
      const byHeader = await SseClient.open(url(s), shop.staff.headers);
      const byQuery = await SseClient.open(url(s, `?token=${token}`));
      const anonymous = await SseClient.open(url(s));
      for (const c of [byHeader, byQuery, anonymous]) await c.reach(0);
      expect(byHeader.states()[0]!.data!.byBatch).toEqual([
        expect.objectContaining({ onHand: 4, reserved: 0 }),
      ]);
      expect(byQuery.states()[0]!.data!.byBatch).toEqual(byHeader.states()[0]!.data!.byBatch);
      expect("byBatch" in anonymous.states()[0]!.data!).toBe(false);
      for (const c of [byHeader, byQuery, anonymous]) c.close();
    });

    test("an idle stream gets comment lines as heartbeats", async () => {
      const s = await shop.spirit();
      const sse = await SseClient.open(url(s));
      await sse.until(
        (c) => c.events.filter((e) => e.comment === "keep-alive").length >= 2,
        "two heartbeats",
        3000,
      );
      sse.close();
    });
  },
  { STOCK_STREAM_HEARTBEAT_MS: "150" },
);
