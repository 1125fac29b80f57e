/**
 * The small page an unsubscribe link opens in a browser: it says which e-mails the link stops and, until
 * they are off, holds the one button that posts the same URL (the GET itself changes nothing, because mail
 * scanners open links on their own). No scripts, no outside resources.
 */
import { ALL_TOPICS, TOPIC_LABELS, type UnsubscribeTopic } from "./topics.ts";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );

export function unsubscribePage(o: { topic: UnsubscribeTopic; done: boolean; action: string }): string {
  const what = o.topic === ALL_TOPICS ? "all e-mails from us" : `e-mails about ${TOPIC_LABELS[o.topic]}`;
  const body = o.done
    ? `<h1>Unsubscribed</h1><p>You will get no more ${escapeHtml(what)}. Your inbox in the shop still has every notification.</p>`
    : `<h1>Unsubscribe?</h1><p>This stops ${escapeHtml(what)}. Your inbox in the shop keeps every notification.</p>
<form method="post" action="${escapeHtml(o.action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Angel's Share: e-mail settings</title></head>
<body>${body}</body></html>`;
}
