/**
 * Which events are news, for whom, and what they say. Always targeted by profile, never a broadcast:
 * a new release reaches the customers whose preferences or wishlist it matches; a price drop and a return
 * to stock reach the spirit's wishers; holds, orders and ballot results reach the customer they are about
 * (a settled ballot's losers too, not only its winners, and a waitlist's offers).
 */
import type { DomainEvent, EventPayload, EventType } from "../events/domain-events.ts";
import type { NotificationsContext, SpiritFacts } from "./notifications.context.ts";
import type { NotificationTopic } from "./topics.ts";

/** The same words for a group of customers. */
export type Message = { customerIds: string[]; title: string; body: string };
export type Notice = {
  topic: NotificationTopic;
  link: string | null;
  subjectId: string;
  messages: Message[];
};

const API = "/api/v1";

export function formatMoney(amountMinor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat("en-GB", { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}

/** An ISO instant as people read it, in UTC (e-mails go to many zones; the inbox's client may localise). */
export const formatInstant = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
};

const MODE_WORDS = { first_come: "first come, first served", queue: "a queue", ballot: "a ballot" } as const;

async function newRelease(
  ctx: NotificationsContext,
  p: EventPayload<"release.created">,
): Promise<Notice | null> {
  const spirit = await ctx.ports.spirit(p.spiritId);
  if (!spirit) return null;
  const [wishers, matching] = await Promise.all([
    ctx.ports.wishersOf(spirit.id),
    ctx.ports.matchingPreferences(spirit),
  ]);
  const wished = new Set(wishers);
  const title = `New release: ${spirit.name}`;
  const about = `${spirit.name} (${spirit.distillery}, ${formatMoney(spirit.price.amountMinor, spirit.price.currency)}) is released by ${MODE_WORDS[p.mode]}, open from ${formatInstant(p.opensAt)} to ${formatInstant(p.closesAt)}.`;
  return {
    topic: "new_release",
    link: `${API}/releases/${p.releaseId}`,
    subjectId: p.releaseId,
    messages: [
      { customerIds: wishers, title, body: `${about} It is on your wishlist.` },
      {
        customerIds: matching.filter((id) => !wished.has(id)),
        title,
        body: `${about} It matches your taste preferences.`,
      },
    ],
  };
}

async function wishers(
  ctx: NotificationsContext,
  spiritId: string,
  topic: NotificationTopic,
  words: (s: SpiritFacts) => { title: string; body: string },
): Promise<Notice | null> {
  const spirit = await ctx.ports.spirit(spiritId);
  if (!spirit) return null;
  return {
    topic,
    link: `${API}/spirits/${spirit.id}`,
    subjectId: spirit.id,
    messages: [{ customerIds: await ctx.ports.wishersOf(spirit.id), ...words(spirit) }],
  };
}

function priceDrop(ctx: NotificationsContext, p: EventPayload<"spirit.price_changed">) {
  const { previous, price } = p;
  // Only a lower price in the same currency is a drop (a change of currency is not comparable).
  if (!previous || previous.currency !== price.currency || price.amount >= previous.amount) return null;
  return wishers(ctx, p.spiritId, "price_drop", (s) => ({
    title: `Price drop: ${s.name}`,
    body: `${s.name} on your wishlist is now ${formatMoney(price.amount, price.currency)} (was ${formatMoney(previous.amount, previous.currency)}).`,
  }));
}

const ORDER_WORDS: Record<string, (orderId: string, extra: string) => { title: string; body: string }> = {
  "order.placed": (id) => ({
    title: "Order received",
    body: `We have your order ${id}; its bottles are held for you until it is paid.`,
  }),
  "order.paid": (id) => ({ title: "Payment received", body: `Order ${id} is paid and confirmed.` }),
  "order.shipped": (id) => ({ title: "Your order is on its way", body: `A parcel of order ${id} has left.` }),
  "order.cancelled": (id) => ({ title: "Order cancelled", body: `Order ${id} was cancelled.` }),
  "order.expired": (id) => ({
    title: "Order expired",
    body: `Order ${id} was not paid in time; its bottles went back on sale.`,
  }),
  "order.refunded": (id, amount) => ({
    title: "Refund issued",
    body: `${amount} of order ${id} is on its way back to you.`,
  }),
};

const one = (customerId: string, title: string, body: string): Message[] => [
  { customerIds: [customerId], title, body },
];

/** The notice an event makes, or null when it is no news for anyone. */
export async function noticeOf(ctx: NotificationsContext, event: DomainEvent): Promise<Notice | null> {
  const e = event as { [T in EventType]: DomainEvent<T> }[EventType];
  switch (e.type) {
    case "release.created":
      return newRelease(ctx, e.payload);
    case "spirit.price_changed":
      return priceDrop(ctx, e.payload);
    case "stock.back_in_stock":
      return wishers(ctx, e.payload.spiritId, "back_in_stock", (s) => ({
        title: `Back in stock: ${s.name}`,
        body: `${s.name} on your wishlist can be ordered again.`,
      }));
    case "hold.expiring": {
      const p = e.payload;
      return {
        topic: "hold_expiring",
        link: `${API}/orders/${p.holdId}`,
        subjectId: p.holdId,
        messages: one(
          p.customerId,
          "Your reserved order expires soon",
          `Order ${p.holdId} is held for you until ${formatInstant(p.expiresAt)}; pay before then to keep its bottles.`,
        ),
      };
    }
    case "release.won": {
      const p = e.payload;
      const spirit = await ctx.ports.spirit(p.spiritId);
      const name = spirit?.name ?? "the release";
      return {
        topic: "ballot_result",
        link: `${API}/orders/${p.orderId}`,
        subjectId: p.releaseId,
        messages: one(
          p.customerId,
          `You won the ballot for ${name}`,
          `Your bottles of ${name} are reserved in order ${p.orderId} until ${formatInstant(p.payBy)}; pay by then to keep them.`,
        ),
      };
    }
    case "release.admitted": {
      const p = e.payload;
      const spirit = await ctx.ports.spirit(p.spiritId);
      const name = spirit?.name ?? "the release";
      return {
        topic: "queue_admission",
        link: `${API}/releases/${p.releaseId}/queue/me`,
        subjectId: p.releaseId,
        messages: one(
          p.customerId,
          `Your turn: ${name}`,
          `You are admitted to order ${name} until ${formatInstant(p.expiresAt)}; your place in the waiting room holds the admission token to order with.`,
        ),
      };
    }
    case "waitlist.offered": {
      const p = e.payload;
      const spirit = await ctx.ports.spirit(p.spiritId);
      const name = spirit?.name ?? "a sold-out spirit";
      const bottles = p.quantity === 1 ? "bottle" : "bottles";
      return {
        topic: "waitlist_offer",
        link: `${API}/orders/${p.orderId}`,
        subjectId: p.entryId,
        messages: one(
          p.customerId,
          `Your turn on the waitlist: ${name}`,
          `${p.quantity} ${bottles} of ${name} are reserved for you in order ${p.orderId} until ${formatInstant(p.payBy)}; pay by then to keep them, or they go to the next in line.`,
        ),
      };
    }
    case "release.closed": {
      // A settled ballot: the entries that did not win are told (winners heard with release.won).
      const p = e.payload;
      const losers = await ctx.ports.ballotLosers(p.releaseId);
      if (!losers.length) return null;
      const spirit = await ctx.ports.spirit(p.spiritId);
      const name = spirit?.name ?? "the release";
      return {
        topic: "ballot_result",
        link: `${API}/releases/${p.releaseId}/draw`,
        subjectId: p.releaseId,
        messages: [
          {
            customerIds: losers,
            title: `The ballot for ${name} is over`,
            body: `Your entry for ${name} was not drawn this time; every bottle has gone to other entries. The draw is published for you to check.`,
          },
        ],
      };
    }
    case "order.placed":
    case "order.paid":
    case "order.shipped":
    case "order.cancelled":
    case "order.expired":
    case "order.refunded": {
      const p = e.payload;
      const amount = "refund" in p ? formatMoney(p.refund.amount, p.refund.currency) : "";
      const words = ORDER_WORDS[e.type]!(p.orderId, amount);
      return {
        topic: "order_status",
        link: `${API}/orders/${p.orderId}`,
        subjectId: p.orderId,
        messages: one(p.customerId, words.title, words.body),
      };
    }
    default:
      return null;
  }
}
