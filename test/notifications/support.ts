/**
 * Helpers for the notification tests: events written to the outbox as their producers would (for the
 * ones no module produces in these tests, such as a release's), the dispatcher run until it caught up,
 * and the inbox read over HTTP.
 */
import type { EventPayload, EventType } from "../../src/modules/events/domain-events.ts";
import { outboxInsert } from "../../src/modules/events/outbox.ts";
import { deliverEvents } from "../../src/runtime/event-work.ts";
import type { Caller, ShopHost } from "../orders/shop.ts";

type Host = ShopHost & { services: NonNullable<ShopHost["services"]> };

/** One event in the outbox, at the host's time; answers its id. */
export async function emit<T extends EventType>(t: Host, type: T, subject: string, payload: EventPayload<T>) {
  const at = t.deps.clock.now().toISOString();
  const [row] = await outboxInsert(t.deps.db, type, subject, payload, at).returning();
  return row!.id;
}

/** Event work (dispatch, then the senders) until nothing more is waiting. */
export async function dispatch(t: Host) {
  for (let i = 0; i < 20; i++) {
    const r = await deliverEvents(t.services);
    if (!r.more) return;
  }
}

export type InboxItem = {
  id: string;
  topic: string;
  title: string;
  body: string;
  link: string | null;
  subjectId: string | null;
  createdAt: string;
  readAt: string | null;
};

export async function inbox(t: ShopHost, who: Caller, query = "", customer = "me") {
  const res = await t.call("GET", `/api/v1/customers/${customer}/notifications${query}`, {
    headers: who.headers,
  });
  if (res.status !== 200) throw new Error(`inbox: ${res.status} ${await res.text()}`);
  return (await res.json()) as { items: InboxItem[]; nextCursor: string | null; unreadCount: number };
}

/** What the customer was told about `subjectId` (a release, spirit or order). */
export async function toldAbout(t: ShopHost, who: Caller, subjectId: string) {
  return (await inbox(t, who, "?limit=100")).items.filter((n) => n.subjectId === subjectId);
}

export async function putSettings(t: ShopHost, who: Caller, body: Record<string, unknown>) {
  const res = await t.call("PUT", "/api/v1/customers/me/notification-settings", {
    headers: who.headers,
    body,
  });
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function setPreferences(t: ShopHost, who: Caller, preferences: Record<string, unknown>) {
  const res = await t.call("PATCH", "/api/v1/customers/me", { headers: who.headers, body: { preferences } });
  if (res.status !== 200) throw new Error(`preferences: ${res.status} ${await res.text()}`);
}

export async function wish(t: ShopHost, who: Caller, spiritId: string) {
  const res = await t.call("POST", "/api/v1/customers/me/wishlist", {
    headers: who.headers,
    body: { spiritId },
  });
  if (res.status !== 201) throw new Error(`wishlist: ${res.status} ${await res.text()}`);
}
