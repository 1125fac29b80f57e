/**
 * Notification e-mails end to end through the real SMTP transport (nodemailer, src/runtime/smtp-mailer.ts)
 * to a real SMTP server in this process (smtp-server), read as it arrived: sent only when the customer
 * opted in, with List-Unsubscribe (RFC 8058) whose link works; deferred by quiet hours in the customer's
 * zone, never dropped; beyond the daily cap, one digest at the day's end; retried when the server refuses.
 * Bun only: the clock moves by hours.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type SmtpMailer, smtpMailer } from "../../src/runtime/smtp-mailer.ts";
import { openShop, type Shop } from "../orders/shop.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";
import { dispatch, emit, inbox, putSettings, toldAbout } from "./support.ts";

const clock = new TestClock(new Date("2026-06-01T12:00:00.000Z"));
let app: TestApp;
let shop: Shop;
let sink: SmtpSink;
let mailer: SmtpMailer;
let n = 0;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = smtpMailer({ url: sink.url, from: "Angel's Share <shop@angelshare.test>" });
  app = await createTestApp({ clock, env: { API_PUBLIC_URL: "https://shop.example" }, deps: { mailer } });
  shop = await openShop(app);
});
afterAll(async () => {
  mailer.close();
  await sink.stop();
  app.close();
});

/** A customer with e-mail on (and whatever else the test sets). */
async function subscriber(settings: Record<string, unknown> = {}) {
  await shop.renewTokens();
  const who = await shop.customer();
  await putSettings(app, who, { channels: { email: true }, ...settings });
  return who;
}

/** An order event for the customer: news of topic `order_status`. */
async function orderNews(customerId: string, type: "order.paid" | "order.shipped" = "order.paid") {
  const orderId = `ord_mail_${++n}`;
  if (type === "order.paid") await emit(app, type, orderId, { orderId, customerId });
  else await emit(app, type, orderId, { orderId, customerId, shipmentId: `shp_${n}` });
  return orderId;
}

const emailRows = async (customerId: string) =>
  (
    await app.deps.client.execute({
      sql: "SELECT kind, status, attempts, local_day, send_after, message_id FROM notification_emails WHERE customer_id = ? ORDER BY created_at, rowid",
      args: [customerId],
    })
  ).rows;

describe("e-mail", () => {
  test("arrives at the SMTP server when the customer opted in, with a List-Unsubscribe that works", async () => {
    const who = await subscriber();
    const orderId = await orderNews(who.id);
    await dispatch(app);
    const [mail, ...more] = sink.to(who.email);
    expect(more).toEqual([]);
    expect(mail!.from).toBe("shop@angelshare.test");
    expect(mail!.subject).toBe("Payment received");
    expect(mail!.text).toContain(`Order ${orderId} is paid and confirmed.`);
    expect(mail!.text).toContain(`https://shop.example/api/v1/orders/${orderId}`);
    expect(mail!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail!.headers["auto-submitted"]).toBe("auto-generated");
    const header = /^<(https:\/\/shop\.example\/api\/v1\/notifications\/unsubscribe\?token=[^>]+)>$/.exec(
      mail!.headers["list-unsubscribe"] ?? "",
    );
    expect(header).not.toBeNull();
    // The same link in the text, for people.
    expect(mail!.text).toContain(header![1]!);
    const [row] = await emailRows(who.id);
    expect(row).toMatchObject({ kind: "single", status: "sent", attempts: 1 });
    expect(mail!.headers["message-id"]).toBe(String(row!.message_id));

    // What a mail client's unsubscribe button does: POST the header's URL with the form body.
    const res = await app.app.request(header![1]!, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ topic: "order_status", unsubscribed: true });
    const next = await orderNews(who.id);
    await dispatch(app);
    expect(sink.to(who.email)).toHaveLength(1);
    // The inbox still has it: only the e-mail is off.
    expect((await toldAbout(app, who, next)).map((x) => x.topic)).toEqual(["order_status"]);
  });

  test("is not sent to a customer who did not opt in, or who turned the topic's e-mail off", async () => {
    await shop.renewTokens();
    const silent = await shop.customer();
    const inAppOnly = await subscriber({ topics: { order_status: { enabled: true, email: false } } });
    const shipped = await subscriber({ topics: { order_status: { enabled: true, email: false } } });
    await orderNews(silent.id);
    await orderNews(inAppOnly.id);
    await orderNews(shipped.id, "order.shipped");
    await dispatch(app);
    for (const who of [silent, inAppOnly, shipped]) {
      expect(sink.to(who.email)).toEqual([]);
      expect(await emailRows(who.id)).toEqual([]);
      expect((await inbox(app, who)).items).toHaveLength(1);
    }
  });

  test("quiet hours in the customer's zone defer the e-mail to their end, never drop it", async () => {
    clock.set("2026-06-01T12:00:00.000Z");
    const who = await subscriber({
      quietHours: { start: "22:00", end: "07:00" },
      timeZone: "Europe/London",
    });
    // 23:30 in London (summer time, UTC+1).
    clock.set("2026-06-01T22:30:00.000Z");
    await orderNews(who.id);
    await dispatch(app);
    expect(sink.to(who.email)).toEqual([]);
    const [row] = await emailRows(who.id);
    expect(row).toMatchObject({ status: "pending", local_day: "2026-06-02" });
    // 07:00 London is 06:00 UTC.
    expect(row!.send_after).toBe("2026-06-02T06:00:00.000Z");
    clock.set("2026-06-02T05:59:00.000Z");
    await dispatch(app);
    expect(sink.to(who.email)).toEqual([]);
    clock.set("2026-06-02T06:00:30.000Z");
    await dispatch(app);
    expect(sink.to(who.email)).toHaveLength(1);
    // And an e-mail outside them goes at once.
    clock.set("2026-06-02T12:00:00.000Z");
    await orderNews(who.id);
    await dispatch(app);
    expect(sink.to(who.email)).toHaveLength(2);
  });

  test("an unsubscribe while an e-mail waits stops that e-mail too", async () => {
    clock.set("2026-06-05T12:00:00.000Z");
    const who = await subscriber({ quietHours: { start: "00:00", end: "23:59" }, timeZone: "UTC" });
    await orderNews(who.id);
    await dispatch(app);
    const token = await app.services.notifications.unsubscribeToken(who.id, "order_status");
    await app.services.notifications.unsubscribe(token);
    clock.set("2026-06-06T23:59:30.000Z");
    await dispatch(app);
    expect(sink.to(who.email)).toEqual([]);
    expect((await emailRows(who.id)).map((r) => r.status)).toEqual(["skipped"]);
  });

  test("beyond the daily cap, the day's other notifications go out as one digest at the day's end", async () => {
    clock.set("2026-06-03T10:00:00.000Z");
    const who = await subscriber({ dailyEmailLimit: 2, timeZone: "UTC" });
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await orderNews(who.id));
    await dispatch(app);
    expect(sink.to(who.email).map((m) => m.subject)).toEqual(["Payment received", "Payment received"]);
    const rows = await emailRows(who.id);
    expect(rows.map((r) => r.kind)).toEqual(["single", "single", "digest", "digest", "digest"]);
    clock.set("2026-06-03T23:59:00.000Z");
    await dispatch(app);
    expect(sink.to(who.email)).toHaveLength(2);
    clock.set("2026-06-04T00:00:30.000Z");
    await dispatch(app);
    const mails = sink.to(who.email);
    expect(mails).toHaveLength(3);
    const digest = mails[2]!;
    expect(digest.subject).toBe("Your digest for 2026-06-03: 3 more notifications");
    for (const orderId of orders.slice(2)) expect(digest.text).toContain(`Order ${orderId} is paid`);
    for (const orderId of orders.slice(0, 2)) expect(digest.text).not.toContain(`Order ${orderId} is paid`);
    const digestRows = (await emailRows(who.id)).filter((r) => r.kind === "digest");
    expect(new Set(digestRows.map((r) => r.message_id))).toEqual(new Set([digest.headers["message-id"]]));
    // The digest mixes topics: its link turns e-mail off altogether.
    const url = /^<([^>]+)>$/.exec(digest.headers["list-unsubscribe"] ?? "")![1]!;
    const state = await app.app.request(url, { headers: { Accept: "application/json" } });
    expect(await state.json()).toEqual({ topic: "*", unsubscribed: false });
    await app.app.request(url, { method: "POST" });
    await shop.renewTokens();
    const settings = await (
      await app.call("GET", `/api/v1/customers/${who.id}/notification-settings`, {
        headers: shop.staff.headers,
      })
    ).json();
    expect(settings.channels.email).toBe(false);
  });

  test("a mail server that refuses is tried again on the backoff; the e-mail arrives once", async () => {
    clock.set("2026-06-07T12:00:00.000Z");
    const who = await subscriber();
    sink.refuse(true);
    await orderNews(who.id);
    await dispatch(app);
    sink.refuse(false);
    expect(sink.to(who.email)).toEqual([]);
    const [row] = await emailRows(who.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, send_after: "2026-06-07T12:01:00.000Z" });
    clock.set("2026-06-07T12:00:59.000Z");
    await dispatch(app);
    expect(sink.to(who.email)).toEqual([]);
    clock.set("2026-06-07T12:01:00.000Z");
    await dispatch(app);
    await dispatch(app);
    expect(sink.to(who.email)).toHaveLength(1);
    expect((await emailRows(who.id))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});
