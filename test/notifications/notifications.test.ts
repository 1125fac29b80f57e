/**
 * Targeted notifications over the HTTP contract, on Bun and on the Worker build: events matched against
 * profiles (a matching customer is told, a non-matching one is not), per-topic opt-out, an event handed
 * over again making nothing twice, the inbox (unread, pages, marking read), settings, who may reach whose
 * inbox, and the signed one-click unsubscribe. The dispatcher runs in this process over the same database.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets } from "../support/targets.ts";
import { dispatch, emit, inbox, putSettings, setPreferences, toldAbout, wish } from "./support.ts";

const later = (t: { deps: { clock: { now(): Date } } }, hours: number) =>
  new Date(t.deps.clock.now().getTime() + hours * 3_600_000).toISOString();

describeTargets("targeted notifications", (t) => {
  let shop: Shop;
  let n = 0;
  const releaseId = () => `rel_test_${Date.now()}_${++n}`;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  describe("who is told", () => {
    test("a new release reaches the customers whose preferences or wishlist it matches, and nobody else", async () => {
      const spiritId = await shop.spirit({
        type: "bourbon",
        region: "Kentucky",
        distillery: "Hilltop Still",
        tags: ["wheated"],
        price: { amountMinor: 9000, currency: "GBP" },
      });
      const byType = await shop.customer();
      await setPreferences(t, byType, { favouriteTypes: ["bourbon"] });
      const byRegion = await shop.customer();
      await setPreferences(t, byRegion, { favouriteRegions: ["kentucky"] });
      const byDistillery = await shop.customer();
      await setPreferences(t, byDistillery, {
        favouriteDistilleries: ["Hilltop Still"],
        priceRange: { minMinor: 5000, maxMinor: 10000, currency: "GBP" },
      });
      const wisher = await shop.customer();
      await setPreferences(t, wisher, { favouriteTypes: ["gin"] });
      await wish(t, wisher, spiritId);
      const otherTaste = await shop.customer();
      await setPreferences(t, otherTaste, { favouriteTypes: ["gin"], favouriteRegions: ["Islay"] });
      const tooDear = await shop.customer();
      await setPreferences(t, tooDear, {
        favouriteTypes: ["bourbon"],
        priceRange: { maxMinor: 5000, currency: "GBP" },
      });
      const avoids = await shop.customer();
      await setPreferences(t, avoids, { favouriteTypes: ["bourbon"], avoidTags: ["wheated"] });
      const noPreferences = await shop.customer();

      const id = releaseId();
      await emit(t, "release.created", id, {
        releaseId: id,
        spiritId,
        mode: "ballot",
        opensAt: later(t, 24),
        closesAt: later(t, 48),
      });
      await dispatch(t);

      for (const who of [byType, byRegion, byDistillery]) {
        const told = await toldAbout(t, who, id);
        expect(told).toHaveLength(1);
        expect(told[0]!.topic).toBe("new_release");
        expect(told[0]!.link).toBe(`/api/v1/releases/${id}`);
        expect(told[0]!.body).toContain("matches your taste");
        expect(told[0]!.readAt).toBeNull();
      }
      const toWisher = await toldAbout(t, wisher, id);
      expect(toWisher).toHaveLength(1);
      expect(toWisher[0]!.body).toContain("on your wishlist");
      for (const who of [otherTaste, tooDear, avoids, noPreferences]) {
        expect(await toldAbout(t, who, id)).toEqual([]);
      }
    });

    test("a price drop reaches the spirit's wishers; a rise, and other customers, hear nothing", async () => {
      const spiritId = await shop.spirit({ price: { amountMinor: 12000, currency: "GBP" } });
      const wisher = await shop.customer();
      await wish(t, wisher, spiritId);
      const fan = await shop.customer();
      await setPreferences(t, fan, { favouriteTypes: ["scotch"] });
      const patch = (amountMinor: number) =>
        t.call("PATCH", `/api/v1/spirits/${spiritId}`, {
          headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
          body: { price: { amountMinor, currency: "GBP" } },
        });
      expect((await patch(13000)).status).toBe(200);
      await dispatch(t);
      expect(await toldAbout(t, wisher, spiritId)).toEqual([]);
      expect((await patch(9500)).status).toBe(200);
      await dispatch(t);
      const told = await toldAbout(t, wisher, spiritId);
      expect(told.map((x) => x.topic)).toEqual(["price_drop"]);
      expect(told[0]!.body).toContain("£95.00");
      expect(told[0]!.body).toContain("£130.00");
      expect(await toldAbout(t, fan, spiritId)).toEqual([]);
    });

    test("back in stock reaches the wishers of a spirit that was sold out", async () => {
      const spiritId = await shop.spirit();
      await shop.receive(spiritId, 1);
      const wisher = await shop.customer();
      await wish(t, wisher, spiritId);
      const buyer = await shop.customer();
      await dispatch(t);
      const placed = await shop.order(buyer, [{ spiritId, quantity: 1 }]);
      expect(placed.status).toBe(201);
      const order = (await placed.json()) as { id: string };
      await dispatch(t);
      expect(await toldAbout(t, wisher, spiritId)).toEqual([]);
      expect((await shop.act(buyer, order.id, "cancel")).status).toBe(200);
      await dispatch(t);
      const told = await toldAbout(t, wisher, spiritId);
      expect(told.map((x) => x.topic)).toEqual(["back_in_stock"]);
      expect(await toldAbout(t, buyer, spiritId)).toEqual([]);
    });

    test("order updates reach the order's customer only", async () => {
      const spiritId = await shop.spirit();
      await shop.receive(spiritId, 2);
      const buyer = await shop.customer();
      const other = await shop.customer();
      const order = (await (await shop.order(buyer, [{ spiritId, quantity: 1 }])).json()) as { id: string };
      await shop.act(buyer, order.id, "cancel");
      await dispatch(t);
      const told = await toldAbout(t, buyer, order.id);
      expect(told.map((x) => x.title).sort()).toEqual(["Order cancelled", "Order received"]);
      expect(told.every((x) => x.topic === "order_status" && x.link === `/api/v1/orders/${order.id}`)).toBe(
        true,
      );
      expect(await toldAbout(t, other, order.id)).toEqual([]);
    });

    test("a hold about to expire and a ballot win reach the customer they are about", async () => {
      const spiritId = await shop.spirit({ name: "Ballot Malt" });
      const winner = await shop.customer();
      const other = await shop.customer();
      const id = releaseId();
      const orderId = `ord_test_${n}`;
      await emit(t, "release.won", id, {
        releaseId: id,
        spiritId,
        customerId: winner.id,
        orderId,
        payBy: later(t, 48),
      });
      await emit(t, "hold.expiring", orderId, {
        holdId: orderId,
        customerId: winner.id,
        expiresAt: later(t, 1),
      });
      await dispatch(t);
      const won = await toldAbout(t, winner, id);
      expect(won.map((x) => [x.topic, x.title])).toEqual([
        ["ballot_result", "You won the ballot for Ballot Malt"],
      ]);
      expect(won[0]!.link).toBe(`/api/v1/orders/${orderId}`);
      expect((await toldAbout(t, winner, orderId)).map((x) => x.topic)).toEqual(["hold_expiring"]);
      expect(await toldAbout(t, other, id)).toEqual([]);
      expect(await toldAbout(t, other, orderId)).toEqual([]);
    });

    test("an event handed over again (at least once) makes no second notification", async () => {
      const spiritId = await shop.spirit();
      const fan = await shop.customer();
      await setPreferences(t, fan, { favouriteTypes: ["scotch"] });
      const id = releaseId();
      await emit(t, "release.created", id, {
        releaseId: id,
        spiritId,
        mode: "first_come",
        opensAt: later(t, 1),
        closesAt: later(t, 2),
      });
      await dispatch(t);
      expect(await toldAbout(t, fan, id)).toHaveLength(1);
      // The consumer's position goes back to the start of the log: every event is handed over again.
      await t.deps.client.execute(
        "UPDATE event_consumer_offsets SET seq = 0 WHERE consumer = 'notifications'",
      );
      await dispatch(t);
      expect(await toldAbout(t, fan, id)).toHaveLength(1);
    });

    test("a customer who opted out of a topic is not told about it; other topics still reach them", async () => {
      const spiritId = await shop.spirit({ price: { amountMinor: 10000, currency: "GBP" } });
      await shop.receive(spiritId, 1);
      const wisher = await shop.customer();
      await wish(t, wisher, spiritId);
      await putSettings(t, wisher, {
        channels: { email: false },
        topics: { price_drop: { enabled: false, email: false } },
      });
      await t.call("PATCH", `/api/v1/spirits/${spiritId}`, {
        headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
        body: { price: { amountMinor: 8000, currency: "GBP" } },
      });
      const order = (await (await shop.order(wisher, [{ spiritId, quantity: 1 }])).json()) as { id: string };
      await dispatch(t);
      expect(await toldAbout(t, wisher, spiritId)).toEqual([]);
      expect((await toldAbout(t, wisher, order.id)).map((x) => x.topic)).toEqual(["order_status"]);
    });
  });

  describe("the inbox", () => {
    test("newest first in pages, unread only on request, marked read one by one or all at once", async () => {
      const who = await shop.customer();
      const orders = [];
      for (let i = 0; i < 3; i++) {
        orders.push(`ord_inbox_${n}_${i}`);
        await emit(t, "order.paid", orders[i]!, { orderId: orders[i]!, customerId: who.id });
      }
      await dispatch(t);
      const first = await inbox(t, who, "?limit=2");
      expect(first.items).toHaveLength(2);
      expect(first.unreadCount).toBe(3);
      expect(first.nextCursor).not.toBeNull();
      const second = await inbox(t, who, `?limit=2&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      const all = [...first.items, ...second.items];
      expect(all.map((x) => x.subjectId).sort()).toEqual([...orders].sort());
      expect(new Set(all.map((x) => x.id)).size).toBe(3);

      const target = all[1]!;
      const read = await t.call("POST", `/api/v1/customers/me/notifications/${target.id}/read`, {
        headers: who.headers,
      });
      expect(read.status).toBe(200);
      const readAt = ((await read.json()) as { readAt: string }).readAt;
      expect(readAt).not.toBeNull();
      const again = await t.call("POST", `/api/v1/customers/me/notifications/${target.id}/read`, {
        headers: who.headers,
      });
      expect(((await again.json()) as { readAt: string }).readAt).toBe(readAt);
      const unread = await inbox(t, who, "?unread=true");
      expect(unread.unreadCount).toBe(2);
      expect(unread.items.map((x) => x.id).includes(target.id)).toBe(false);

      const marked = await t.call("POST", "/api/v1/customers/me/notifications/read", {
        headers: who.headers,
      });
      expect(await marked.json()).toEqual({ marked: 2 });
      expect((await inbox(t, who, "?unread=true")).items).toEqual([]);
      expect((await inbox(t, who)).unreadCount).toBe(0);
      const bad = await t.call("GET", "/api/v1/customers/me/notifications?unread=maybe", {
        headers: who.headers,
      });
      expect(bad.status).toBe(422);
    });

    test("a customer reaches only their own inbox and settings; staff reach anyone's", async () => {
      const owner = await shop.customer();
      const other = await shop.customer();
      await emit(t, "order.paid", `ord_auth_${n}`, { orderId: `ord_auth_${n}`, customerId: owner.id });
      await dispatch(t);
      const [mine] = (await inbox(t, owner)).items;
      const base = `/api/v1/customers/${owner.id}`;
      for (const [method, path] of [
        ["GET", `${base}/notifications`],
        ["POST", `${base}/notifications/read`],
        ["POST", `${base}/notifications/${mine!.id}/read`],
        ["GET", `${base}/notification-settings`],
      ] as const) {
        expect((await t.call(method, path, { headers: other.headers })).status).toBe(404);
        expect((await t.call(method, path)).status).toBe(401);
      }
      const put = await t.call("PUT", `${base}/notification-settings`, {
        headers: other.headers,
        body: { channels: { email: true } },
      });
      expect(put.status).toBe(404);
      // Another customer's notification id under one's own inbox is not found either.
      const foreign = await t.call("POST", `/api/v1/customers/me/notifications/${mine!.id}/read`, {
        headers: other.headers,
      });
      expect(foreign.status).toBe(404);
      expect((await inbox(t, owner)).items[0]!.readAt).toBeNull();

      const byStaff = await inbox(t, shop.staff, "", owner.id);
      expect(byStaff.items.map((x) => x.id)).toEqual([mine!.id]);
      const settings = await t.call("GET", `${base}/notification-settings`, { headers: shop.staff.headers });
      expect(settings.status).toBe(200);
      expect(
        (await t.call("GET", "/api/v1/customers/cus_nobody/notifications", { headers: shop.staff.headers }))
          .status,
      ).toBe(404);
    });
  });

  describe("settings", () => {
    test("defaults until changed; PUT replaces them and validates each member", async () => {
      const who = await shop.customer();
      const path = "/api/v1/customers/me/notification-settings";
      const initial = await (await t.call("GET", path, { headers: who.headers })).json();
      expect(initial).toMatchObject({
        channels: { inApp: true, email: false },
        quietHours: null,
        timeZone: "UTC",
        dailyEmailLimit: 5,
        updatedAt: null,
      });
      expect(initial.topics.new_release).toEqual({ enabled: true, email: true });
      const body = {
        channels: { email: true },
        topics: { back_in_stock: { enabled: true, email: false } },
        quietHours: { start: "22:30", end: "07:00" },
        timeZone: "Europe/London",
        dailyEmailLimit: 3,
      };
      const saved = await (await t.call("PUT", path, { headers: who.headers, body })).json();
      expect(saved).toMatchObject({ ...body, channels: { inApp: true, email: true } });
      expect(saved.topics.order_status).toEqual({ enabled: true, email: true });
      expect(await (await t.call("GET", path, { headers: who.headers })).json()).toEqual(saved);

      const bad = await t.call("PUT", path, {
        headers: who.headers,
        body: {
          channels: { email: true, inApp: false },
          topics: { gossip: { enabled: true, email: true } },
          quietHours: { start: "22:00", end: "22:00" },
          timeZone: "Mars/Olympus_Mons",
          dailyEmailLimit: 0,
        },
      });
      expect(bad.status).toBe(422);
      const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
      expect(paths).toEqual(["channels.inApp", "dailyEmailLimit", "quietHours.end", "timeZone", "topics"]);
    });
  });

  describe("one-click unsubscribe", () => {
    test("a signed link turns that topic's e-mail off (POST, RFC 8058); the page itself changes nothing", async () => {
      const who = await shop.customer();
      await putSettings(t, who, { channels: { email: true } });
      const token = await t.services.notifications.unsubscribeToken(who.id, "price_drop");
      const url = `/api/v1/notifications/unsubscribe?token=${encodeURIComponent(token)}`;

      const page = await t.call("GET", url);
      expect(page.status).toBe(200);
      expect(page.headers.get("Content-Type")).toContain("text/html");
      const html = await page.text();
      expect(html).toContain('method="post"');
      expect(html).toContain("price drops on your wishlist");
      const state = await t.call("GET", url, { headers: { Accept: "application/json" } });
      expect(await state.json()).toEqual({ topic: "price_drop", unsubscribed: false });

      const res = await t.request(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ topic: "price_drop", unsubscribed: true });
      const settings = await (
        await t.call("GET", "/api/v1/customers/me/notification-settings", { headers: who.headers })
      ).json();
      expect(settings.topics.price_drop).toEqual({ enabled: true, email: false });
      expect(settings.topics.order_status).toEqual({ enabled: true, email: true });
      expect(settings.channels.email).toBe(true);

      // Again (a mail client retrying) is fine; a multipart post works as well.
      const form = new FormData();
      form.set("List-Unsubscribe", "One-Click");
      const repeat = await t.request(url, { method: "POST", body: form });
      expect(repeat.status).toBe(200);
      expect((await t.call("GET", url, { headers: { Accept: "application/json" } })).status).toBe(200);
    });

    test("a forged or altered token is refused and changes nothing", async () => {
      const who = await shop.customer();
      await putSettings(t, who, { channels: { email: true } });
      const token = await t.services.notifications.unsubscribeToken(who.id, "*");
      const [header, , signature] = token.split(".");
      // The same claims for another customer, with the first customer's signature: forged.
      const otherClaims = Buffer.from(
        JSON.stringify({ topic: "*", sub: shop.staff.id, aud: "angelshare-unsubscribe" }),
      ).toString("base64url");
      for (const bad of [
        `${header}.${otherClaims}.${signature}`,
        `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`,
        "not-a-token",
      ]) {
        const res = await t.request(`/api/v1/notifications/unsubscribe?token=${encodeURIComponent(bad)}`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { code: string }).code).toBe("unsubscribe-link-invalid");
      }
      const settings = await (
        await t.call("GET", "/api/v1/customers/me/notification-settings", { headers: who.headers })
      ).json();
      expect(settings.channels.email).toBe(true);
      expect((await t.call("POST", "/api/v1/notifications/unsubscribe")).status).toBe(422);
    });
  });

  test("the live socket: a handshake elsewhere than a WebSocket server is told so", async () => {
    // The Worker serves the socket (live-targets.test.ts); only app.request, with no server, cannot.
    if (t.name !== "bun") return;
    const who = await shop.customer();
    const res = await t.call("GET", "/api/v1/customers/me/notifications/ws", {
      headers: { ...who.headers, Upgrade: "websocket", Connection: "Upgrade" },
    });
    expect(res.status).toBe(501);
  });
});
