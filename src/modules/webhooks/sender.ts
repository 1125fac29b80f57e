/**
 * The webhook sender: claims due deliveries a chunk at a time (one statement; two senders never send one
 * delivery at once, and a sender that dies mid-attempt leaves claims that lapse, so the delivery goes again
 * with the same `webhook-id`), POSTs them concurrently, and records the chunk's attempts in one batch:
 * the log row, the delivery's next state (delivered, a retry on the schedule, or given up) and the
 * endpoint's failure record (disabled once every attempt failed for a day).
 */
import type { InStatement } from "@libsql/client";
import { newId } from "../../db/ids.ts";
import { type DueProbe, existsProbe } from "../events/due-probe.ts";
import type { WebhookDeps } from "./deliveries.ts";
import { DISABLE_AFTER_MS, nextRetryDelayMs } from "./retry-schedule.ts";
import { signedHeaders } from "./signing.ts";
import { checkWebhookUrl, pinnedRequest, RESOLVE_TIMEOUT_MS } from "./url-guard.ts";

export type SenderOptions = {
  fetch?: typeof fetch;
  random?: () => number;
  /** How long an attempt may take before it counts as failed. */
  timeoutMs?: number;
  /** Extra TLS settings for pinned requests (tests trust their own certificate authority with `ca`). */
  tls?: { ca?: string };
};

export type AttemptResult = {
  deliveryId: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  at: string;
};

type Claimed = { id: string; endpointId: string; eventId: string; body: string; attempt: number };
type Endpoint = { url: string; secrets: string[] };

const TIMEOUT_MS = 10_000;

/**
 * Attempts in flight to one endpoint: every slot when the run sends to one endpoint only, else half of
 * them, so that one endpoint that hangs leaves the other half to the others.
 */
const perEndpoint = (endpointIds: string[], options: { concurrency?: number }) => {
  const concurrency = options.concurrency ?? 8;
  return new Set(endpointIds).size <= 1 ? concurrency : Math.max(1, Math.floor(concurrency / 2));
};

/**
 * Long enough for `count` attempts to time out in turn, `cap` at a time (all to one endpoint at worst), so
 * no claim lapses while it is in flight.
 */
const claimMs = (count: number, cap: number, options: SenderOptions) => {
  const attempt = options.timeoutMs ?? TIMEOUT_MS;
  // Each attempt: the URL check's lookup, then the POST, each with its own bound.
  return Math.ceil(count / cap) * (attempt + Math.min(RESOLVE_TIMEOUT_MS, attempt)) + 10_000;
};

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

async function claim(deps: WebhookDeps, where: { sql: string; args: (string | number)[] }, forMs: number) {
  const now = deps.clock.now();
  const at = now.toISOString();
  const rs = await deps.client.execute({
    sql: `UPDATE webhook_deliveries SET locked_until = ?
          WHERE id IN (${where.sql}) AND status = 'pending' AND (locked_until IS NULL OR locked_until <= ?)
          RETURNING id, endpoint_id, event_id, body, attempts`,
    args: [new Date(now.getTime() + forMs).toISOString(), ...where.args, at],
  });
  return rs.rows.map(
    (r): Claimed => ({
      id: String(r.id),
      endpointId: String(r.endpoint_id),
      eventId: String(r.event_id),
      body: String(r.body),
      attempt: Number(r.attempts) + 1,
    }),
  );
}

async function endpointsOf(deps: WebhookDeps, ids: string[]) {
  const at = deps.clock.now().toISOString();
  const rs = await deps.client.execute({
    sql: `SELECT id, url, secret, previous_secret, previous_secret_until FROM webhook_endpoints WHERE id IN (${placeholders(ids.length)})`,
    args: ids,
  });
  const byId = new Map<string, Endpoint>();
  for (const r of rs.rows) {
    const secrets = [String(r.secret)];
    // A rotated-out secret signs too while its overlap lasts.
    if (r.previous_secret && String(r.previous_secret_until) > at) secrets.push(String(r.previous_secret));
    byId.set(String(r.id), { url: String(r.url), secrets });
  }
  return byId;
}

/** POSTs the delivery; at `address` (one its host was checked at) when one is given, see `pinnedRequest`. */
async function post(
  url: string,
  address: string | undefined,
  headers: Record<string, string>,
  body: string,
  options: SenderOptions,
) {
  const pinned = address === undefined ? undefined : pinnedRequest(url, address);
  try {
    const res = await (options.fetch ?? fetch)(pinned?.url ?? url, {
      method: "POST",
      headers: pinned ? { ...headers, Host: pinned.host } : headers,
      body,
      // A redirect could lead anywhere, a private address included: it counts as a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
      ...(pinned ? { tls: { ...options.tls, serverName: pinned.tls.serverName } } : {}),
    } as RequestInit);
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, ok, error: ok ? null : `answered ${res.status}` };
  } catch (err) {
    return { statusCode: null, ok: false, error: String(err).slice(0, 500) };
  }
}

async function attempt(
  deps: WebhookDeps,
  d: Claimed,
  endpoint: Endpoint | undefined,
  options: SenderOptions,
): Promise<AttemptResult> {
  const now = deps.clock.now();
  const started = performance.now();
  // Checked again before every attempt (DNS can change its answer), and sent to an address just checked.
  const verdict = endpoint
    ? await checkWebhookUrl(endpoint.url, {
        allowPrivate: deps.config.WEBHOOKS_ALLOW_PRIVATE_URLS,
        resolve: deps.resolveHost,
        // Bounded, as the POST is: the claim was sized for both (claimMs).
        resolveTimeoutMs: Math.min(RESOLVE_TIMEOUT_MS, options.timeoutMs ?? TIMEOUT_MS),
      })
    : { refused: "no longer exists" };
  const sent =
    verdict.refused !== null || !endpoint
      ? { statusCode: null, ok: false, error: `not sent: the URL ${verdict.refused}` }
      : await post(
          endpoint.url,
          verdict.addresses[0],
          signedHeaders(d.eventId, now, d.body, endpoint.secrets),
          d.body,
          options,
        );
  return {
    deliveryId: d.id,
    attempt: d.attempt,
    ...sent,
    latencyMs: Math.round(performance.now() - started),
    at: now.toISOString(),
  };
}

function recordStatements(deps: WebhookDeps, endpointId: string, r: AttemptResult, random?: () => number) {
  const now = deps.clock.now();
  const at = now.toISOString();
  const delay = r.ok ? null : nextRetryDelayMs(r.attempt, random);
  const status = r.ok ? "delivered" : delay === null ? "failed" : "pending";
  const next = delay === null ? null : new Date(now.getTime() + delay).toISOString();
  const statements: InStatement[] = [
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
  ];
  if (!r.ok) {
    statements.push({
      sql: `UPDATE webhook_endpoints SET enabled = 0, updated_at = ?,
              disabled_reason = 'every attempt failed for a day; re-enable it once the receiver is fixed'
            WHERE id = ? AND enabled = 1 AND failing_since IS NOT NULL AND failing_since <= ?`,
      args: [at, endpointId, new Date(now.getTime() - DISABLE_AFTER_MS).toISOString()],
    });
    deps.logger.log("warn", {
      msg: "webhook attempt failed",
      endpointId,
      ...r,
      givenUp: status === "failed",
    });
  }
  return statements;
}

/** Sends claimed deliveries, `concurrency` at a time, and records all their attempts in one batch. */
async function sendClaimed(
  deps: WebhookDeps,
  claimed: Claimed[],
  options: SenderOptions & { concurrency?: number },
) {
  if (!claimed.length) return [];
  const endpoints = await endpointsOf(deps, [...new Set(claimed.map((d) => d.endpointId))]);
  // `concurrency` attempts in flight, each slot taking the next delivery as soon as its own is done, at
  // most `perEndpoint` of them to one endpoint: in chunks, one receiver that hung until the timeout held up
  // every other endpoint's deliveries behind it.
  const concurrency = options.concurrency ?? 8;
  const cap = perEndpoint(
    claimed.map((d) => d.endpointId),
    options,
  );
  const inFlight = new Map<string, number>();
  const queued = claimed.map((_, i) => i);
  const results: AttemptResult[] = new Array(claimed.length);
  const slot = async () => {
    for (;;) {
      // None startable: the endpoints at their cap have slots of their own that take their next ones.
      const k = queued.findIndex((i) => (inFlight.get(claimed[i]!.endpointId) ?? 0) < cap);
      if (k < 0) return;
      const i = queued.splice(k, 1)[0]!;
      const d = claimed[i]!;
      inFlight.set(d.endpointId, (inFlight.get(d.endpointId) ?? 0) + 1);
      results[i] = await attempt(deps, d, endpoints.get(d.endpointId), options);
      inFlight.set(d.endpointId, inFlight.get(d.endpointId)! - 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, slot));
  const statements = results.flatMap((r, i) =>
    recordStatements(deps, claimed[i]!.endpointId, r, options.random),
  );
  await deps.client.batch(statements, "write");
  return results;
}

/** Claims the delivery, sends it once and records the attempt; null when it is not pending or someone has it. */
export async function attemptDelivery(
  deps: WebhookDeps,
  deliveryId: string,
  options: SenderOptions = {},
): Promise<AttemptResult | null> {
  const claimed = await claim(deps, { sql: "?", args: [deliveryId] }, claimMs(1, 1, options));
  return (await sendClaimed(deps, claimed, options))[0] ?? null;
}

const DUE_FROM = "webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id";
const DUE = `d.status = 'pending' AND d.next_attempt_at <= :now AND e.enabled = 1
  AND (d.locked_until IS NULL OR d.locked_until <= :now)`;

/** Whether any delivery is due (src/modules/events/due-probe.ts). */
export const dueDeliveriesProbe = (deps: Pick<WebhookDeps, "clock">): DueProbe =>
  existsProbe(DUE_FROM, DUE, { now: deps.clock.now().toISOString() });

/** Attempts the due deliveries of enabled endpoints, a chunk at a time; `more` when a full page was due. */
export async function sendDueDeliveries(
  deps: WebhookDeps,
  options: SenderOptions & { limit?: number; concurrency?: number } = {},
) {
  const limit = options.limit ?? 64;
  const at = deps.clock.now().toISOString();
  // A read first: an idle run takes no write lock.
  const due = await deps.client.execute({
    sql: `SELECT d.id, d.endpoint_id FROM ${DUE_FROM} WHERE ${DUE.replaceAll(":now", "?1")}
          ORDER BY d.next_attempt_at, d.rowid LIMIT ?2`,
    args: [at, limit],
  });
  const ids = due.rows.map((r) => String(r.id));
  if (!ids.length) return { attempted: 0, delivered: 0, more: false };
  const endpointIds = due.rows.map((r) => String(r.endpoint_id));
  const forMs = claimMs(ids.length, perEndpoint(endpointIds, options), options);
  const claimed = await claim(deps, { sql: placeholders(ids.length), args: ids }, forMs);
  const results = await sendClaimed(deps, claimed, options);
  return {
    attempted: results.length,
    delivered: results.filter((r) => r.ok).length,
    more: ids.length === limit,
  };
}
