/**
 * The e-mails themselves: one notification, or a day's digest. Every e-mail carries a one-click unsubscribe
 * link in its text and in `List-Unsubscribe` with `List-Unsubscribe-Post` (RFC 8058), so mail clients can
 * offer their own button; a single's link stops that topic, a digest's (mixed topics) stops e-mail.
 */
import type { MailMessage } from "../../deps.ts";
import type { Notification } from "./notifications.schemas.ts";
import { ALL_TOPICS, TOPIC_LABELS, type UnsubscribeTopic } from "./topics.ts";

export type Links = {
  /** The public base URL (API_PUBLIC_URL) the links are made absolute with. */
  base: string;
  unsubscribeToken: string;
};

export const unsubscribePath = "/api/v1/notifications/unsubscribe";

export function unsubscribeUrl(base: string, token: string) {
  return `${base}${unsubscribePath}?token=${encodeURIComponent(token)}`;
}

function footer(links: Links, topic: UnsubscribeTopic) {
  const what = topic === ALL_TOPICS ? "these e-mails" : `e-mails about ${TOPIC_LABELS[topic]}`;
  return [
    "--",
    `You get ${what} because you turned them on in your notification settings.`,
    `Unsubscribe (one click): ${unsubscribeUrl(links.base, links.unsubscribeToken)}`,
    `Your settings: ${links.base}/api/v1/customers/me/notification-settings`,
  ].join("\n");
}

function headers(links: Links, messageId: string) {
  return {
    "Message-ID": `<${messageId}>`,
    "List-Unsubscribe": `<${unsubscribeUrl(links.base, links.unsubscribeToken)}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    // RFC 3834: machine-sent, so auto-responders do not answer it.
    "Auto-Submitted": "auto-generated",
  };
}

const linkLine = (base: string, n: Notification) => (n.link ? `${base}${n.link}` : null);

export function singleEmail(to: string, n: Notification, links: Links, messageId: string): MailMessage {
  const text = [n.body, linkLine(links.base, n), footer(links, n.topic as UnsubscribeTopic)]
    .filter(Boolean)
    .join("\n\n");
  return { to, subject: n.title, text, headers: headers(links, messageId) };
}

export function digestEmail(
  to: string,
  items: Notification[],
  localDay: string,
  links: Links,
  messageId: string,
): MailMessage {
  const lines = items.map((n) =>
    [`* ${n.title}`, `  ${n.body}`, linkLine(links.base, n) && `  ${linkLine(links.base, n)}`]
      .filter(Boolean)
      .join("\n"),
  );
  const text = [
    `More news from ${localDay}, together in one e-mail (beyond your daily number of e-mails):`,
    ...lines,
    footer(links, ALL_TOPICS),
  ].join("\n\n");
  return {
    to,
    subject: `Your digest for ${localDay}: ${items.length} more notification${items.length === 1 ? "" : "s"}`,
    text,
    headers: headers(links, messageId),
  };
}
