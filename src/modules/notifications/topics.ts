/**
 * What customers are told about, one topic per kind of news; settings opt in and out per topic, and each
 * e-mail's one-click unsubscribe link names its topic.
 */
export const NOTIFICATION_TOPICS = [
  "new_release",
  "price_drop",
  "back_in_stock",
  "hold_expiring",
  "order_status",
  "ballot_result",
  "queue_admission",
  "waitlist_offer",
] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

/** How e-mails and the unsubscribe page name a topic. */
export const TOPIC_LABELS: Record<NotificationTopic, string> = {
  new_release: "new releases that match your taste or wishlist",
  price_drop: "price drops on your wishlist",
  back_in_stock: "wishlisted spirits back in stock",
  hold_expiring: "reserved orders about to expire",
  order_status: "order updates",
  ballot_result: "ballot results",
  queue_admission: "your turn in a release's waiting room",
  waitlist_offer: "bottles kept for you from a waitlist",
};

/** An unsubscribe token for every e-mail at once (the digest mixes topics): it turns e-mail off. */
export const ALL_TOPICS = "*";
export type UnsubscribeTopic = NotificationTopic | typeof ALL_TOPICS;

export const isTopic = (value: string): value is NotificationTopic =>
  (NOTIFICATION_TOPICS as readonly string[]).includes(value);
