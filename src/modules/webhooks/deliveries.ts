/**
 * Webhook deliveries: the outbox consumer that queues one delivery per event and subscribed endpoint (in
 * one statement, idempotent, so a redelivered event queues nothing twice), and the sender that attempts
 * what is due. Each attempt is claimed first (two senders never send one delivery at once; a sender that
 * dies mid-attempt leaves a claim that lapses, and the delivery is sent again with the same `webhook-id`).
 */

import { newId } from "../../db/ids.ts";
import type { Deps } from "../../deps.ts";
import type { EventConsumer } from "../events/domain-events.ts";
import { DISABLE_AFTER_MS, nextRetryDelayMs } from "./retry-schedule.ts";
import { signedHeaders } from "./signing.ts";
import { refuseWebhookUrl } from "./url-guard.ts";

export type WebhookDeps = Pick<Deps, "client" | "clock" | "logger" | "config" | "resolveHost">;

export type SenderOptions = {
  fetch?: typeof fetch;
  random?: () => number;
  /** How long an attempt may take before it counts as failed. */
  timeoutMs?: number;
};

/** The body every endpoint gets (Standard Webhooks: `type`, `timestamp`, `data`; plus the event's id and subject). */
export const webhookBody = (e: {
  id: string;
  type: string;
  occurredAt: string;
  subject: string;
  payload: unknown;
}) => ({
  id: e.id,
  type: e.type,
  timestamp: e.occurredAt,
  subject: e.subject,
  data: e.payload,
});

const ENQUEUE = `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
  SELECT 'whd_' || lower(hex(randomblob(12))), e.id, ?, ?, ?, 'pending', 0, ?, ?
  FROM webhook_endpoints e
  WHERE e.enabled = 1 AND e.created_at <= ?
    AND EXISTS (SELECT 1 FROM json_each(e.event_types) t WHERE t.value IN (?, '*'))
  ON CONFLICT (endpoint_id, event_id) DO NOTHING`;

/** The outbox consumer: endpoints made after an event never get it (they subscribed to what follows). */
export function webhookConsumer(deps: WebhookDeps): EventConsumer {
  return {
    name: "webhooks",
    async handle(event) {
      const now = deps.clock.now().toISOString();
      const body = JSON.stringify(webhookBody(event));
      await deps.client.execute({
        sql: ENQUEUE,
        args: [event.id, event.type, body, now, now, event.occurredAt, event.type],
      });
    },
  };
}

export type AttemptResult = {
  deliveryId: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  at: string;
};

const CLAIM_MS = 60_000;

async function post(url: string, headers: Record<string, string>, body: string, options: SenderOptions) {
  const started = performance.now();
  try {
    const res = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers,
      body,
      // A redirect could lead anywhere, a private address included: it counts as a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, ok, error: ok ? null : `answered ${res.status}`, started };
  } catch (err) {
    return { statusCode: null, ok: false, error: String(err).slice(0, 500), started };
  }
}

/** Claims the delivery, sends it once and records the attempt; null when it is not pending or someone has it. */
export async function attemptDelivery(
  deps: WebhookDeps,
  deliveryId: string,
  options: SenderOptions = {},
): Promise<AttemptResult | null> {
  const { client, clock } = deps;
  const now = clock.now();
  const at = now.toISOString();
  const claimed = await client.execute({
    sql: `UPDATE webhook_deliveries SET locked_until = ?
          WHERE id = ? AND status = 'pending' AND (locked_until IS NULL OR locked_until <= ?)
          RETURNING endpoint_id, event_id, body, attempts`,
    args: [new Date(now.getTime() + CLAIM_MS).toISOString(), deliveryId, at],
  });
  const d = claimed.rows[0];
  if (!d) return null;
  const endpoint = (
    await client.execute({
      sql: "SELECT url, secret, previous_secret, previous_secret_until FROM webhook_endpoints WHERE id = ?",
      args: [String(d.endpoint_id)],
    })
  ).rows[0];
  if (!endpoint) return null;
  const attempt = Number(d.attempts) + 1;
  const body = String(d.body);
  const refused = await refuseWebhookUrl(String(endpoint.url), {
    allowPrivate: deps.config.WEBHOOKS_ALLOW_PRIVATE_URLS,
    resolve: deps.resolveHost,
  });
  const secrets = [String(endpoint.secret)];
  if (endpoint.previous_secret && String(endpoint.previous_secret_until) > at) {
    secrets.push(String(endpoint.previous_secret));
  }
  const sent = refused
    ? { statusCode: null, ok: false, error: `not sent: the URL ${refused}`, started: performance.now() }
    : await post(String(endpoint.url), signedHeaders(String(d.event_id), now, body, secrets), body, options);
  const result: AttemptResult = {
    deliveryId,
    attempt,
    ok: sent.ok,
    statusCode: sent.statusCode,
    latencyMs: Math.round(performance.now() - sent.started),
    error: sent.error,
    at,
  };
  await recordAttempt(deps, String(d.endpoint_id), result, options.random);
  return result;
}

async function recordAttempt(deps: WebhookDeps, endpointId: string, r: AttemptResult, random?: () => number) {
  const now = deps.clock.now();
  const at = now.toISOString();
  const delay = r.ok ? null : nextRetryDelayMs(r.attempt, random);
  const status = r.ok ? "delivered" : delay === null ? "failed" : "pending";
  const next = delay === null ? null : new Date(now.getTime() + delay).toISOString();
  const disableBefore = new Date(now.getTime() - DISABLE_AFTER_MS).toISOString();
  await deps.client.batch(
    [
      {
        sql: `INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, attempt, status_code, ok, error, latency_ms, at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          newId("wha"),
          r.deliveryId,
          endpointId,
          r.attempt,
          r.statusCode,
          r.ok ? 1 : 0,
          r.error,
          r.latencyMs,
          r.at,
        ],
      },
      {
        sql: `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, locked_until = NULL,
                delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
              WHERE id = ?`,
        args: [status, r.attempt, next, r.ok ? 1 : 0, at, r.deliveryId],
      },
      r.ok
        ? { sql: "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?", args: [endpointId] }
        : {
            sql: "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?",
            args: [r.at, endpointId],
          },
      {
        sql: `UPDATE webhook_endpoints SET enabled = 0, updated_at = ?,
                disabled_reason = 'every attempt failed for a day; re-enable it once the receiver is fixed'
              WHERE id = ? AND enabled = 1 AND failing_since IS NOT NULL AND failing_since <= ?`,
        args: [at, endpointId, disableBefore],
      },
    ],
    "write",
  );
  if (!r.ok) {
    deps.logger.log("warn", {
      msg: "webhook attempt failed",
      endpointId,
      ...r,
      given_up: status === "failed",
    });
  }
}

/** Attempts the due deliveries of enabled endpoints, a few at a time; `more` when a full page was due. */
export async function sendDueDeliveries(
  deps: WebhookDeps,
  options: SenderOptions & { limit?: number; concurrency?: number } = {},
) {
  const limit = options.limit ?? 100;
  const at = deps.clock.now().toISOString();
  const due = await deps.client.execute({
    sql: `SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.enabled = 1
            AND (d.locked_until IS NULL OR d.locked_until <= ?)
          ORDER BY d.next_attempt_at, d.rowid LIMIT ?`,
    args: [at, at, limit],
  });
  const ids = due.rows.map((r) => String(r.id));
  const results: AttemptResult[] = [];
  const concurrency = options.concurrency ?? 8;
  for (let i = 0; i < ids.length; i += concurrency) {
    const chunk = await Promise.all(
      ids.slice(i, i + concurrency).map((id) => attemptDelivery(deps, id, options)),
    );
    for (const r of chunk) if (r) results.push(r);
  }
  return {
    attempted: results.length,
    delivered: results.filter((r) => r.ok).length,
    more: ids.length === limit,
  };
}
