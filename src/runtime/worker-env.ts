/**
 * The Worker's bindings and secrets, checked once per isolate with zod (the same configSchema as Bun, plus
 * what a Worker cannot do without), and the deps both the Worker and its Durable Objects build from them.
 */
import { createClient } from "@libsql/client/web";
import { z } from "zod";
import { type Config, ConfigError, parseConfig } from "../config.ts";
import { type DatabaseHandle, wrapClient } from "../db/client.ts";
import { jsonLogger, type Logger } from "../deps.ts";
import type { SpiritStockObject } from "../stock/spirit-stock-object.ts";
import type { NotificationSocketsObject } from "./worker-notification-object.ts";
import type { RateLimitObject } from "./worker-rate-limit-object.ts";
import type { ReleaseQueueObject } from "./worker-release-queue-object.ts";

/**
 * What wrangler.toml binds: variables and secrets are strings; SPIRIT_STOCK, RATE_LIMITS,
 * NOTIFICATION_SOCKETS and RELEASE_QUEUES are the Durable Object namespaces (the stock coordinators, the
 * shared rate-limit budgets, the customers' notification sockets, the waiting rooms' timers).
 */
export interface WorkerEnv {
  SPIRIT_STOCK: DurableObjectNamespace<SpiritStockObject>;
  RATE_LIMITS: DurableObjectNamespace<RateLimitObject>;
  NOTIFICATION_SOCKETS: DurableObjectNamespace<NotificationSocketsObject>;
  RELEASE_QUEUES: DurableObjectNamespace<ReleaseQueueObject>;
  DATABASE_URL?: string;
  DATABASE_AUTH_TOKEN?: string;
  JWT_SECRET?: string;
  /** The static assets (Swagger UI for /docs); without them the docs page only links the documents. */
  ASSETS?: Fetcher;
  /**
   * The Cloudflare Queue that wakes the event dispatcher after a request committed something (its
   * consumer is this Worker's `queue` handler); without it the every-minute cron delivers events.
   */
  EVENTS_QUEUE?: Queue<EventsNudge>;
  [variable: string]: unknown;
}

/** What goes on EVENTS_QUEUE: only a nudge; the events themselves stay in the outbox, in order. */
export type EventsNudge = { kind: "outbox"; at: string };

const isNamespace = (v: unknown) =>
  typeof (v as { idFromName?: unknown } | undefined)?.idFromName === "function";
const namespaceOf = (className: string) =>
  `must be the Durable Object namespace binding of ${className} ([[durable_objects.bindings]] in wrangler.toml)`;

const bindingsSchema = z.object({
  SPIRIT_STOCK: z.custom<DurableObjectNamespace<SpiritStockObject>>(
    isNamespace,
    namespaceOf("SpiritStockObject"),
  ),
  // Without it each isolate would count alone, and the limits would be as many times looser as there are isolates.
  RATE_LIMITS: z.custom<DurableObjectNamespace<RateLimitObject>>(isNamespace, namespaceOf("RateLimitObject")),
  NOTIFICATION_SOCKETS: z.custom<DurableObjectNamespace<NotificationSocketsObject>>(
    isNamespace,
    namespaceOf("NotificationSocketsObject"),
  ),
  RELEASE_QUEUES: z.custom<DurableObjectNamespace<ReleaseQueueObject>>(
    isNamespace,
    namespaceOf("ReleaseQueueObject"),
  ),
});

export type WorkerSetup = {
  config: Config;
  stockNamespace: DurableObjectNamespace<SpiritStockObject>;
  rateLimitNamespace: DurableObjectNamespace<RateLimitObject>;
  notificationNamespace: DurableObjectNamespace<NotificationSocketsObject>;
  queueNamespace: DurableObjectNamespace<ReleaseQueueObject>;
};

/** Every problem at once, each naming its variable (never its value). */
export function parseWorkerEnv(env: WorkerEnv): WorkerSetup {
  const problems: string[] = [];
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") strings[k] = v;
  let config: Config | undefined;
  try {
    config = parseConfig(strings);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const bindings = bindingsSchema.safeParse(env);
  if (!bindings.success)
    problems.push(...bindings.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  if (config) {
    if (!/^(libsql|https?):\/\//.test(config.DATABASE_URL)) {
      problems.push(
        "DATABASE_URL: must be the Turso/libSQL URL (libsql://, https:// or http://); a Worker has no local file",
      );
    }
    if (!config.JWT_SECRET && !config.JWT_PRIVATE_KEY) {
      problems.push(
        "JWT_SECRET: is required on Workers (without it each isolate would sign with its own random key)",
      );
    }
  }
  if (problems.length || !config || !bindings.success) throw new ConfigError(problems);
  return {
    config,
    stockNamespace: bindings.data.SPIRIT_STOCK,
    rateLimitNamespace: bindings.data.RATE_LIMITS,
    notificationNamespace: bindings.data.NOTIFICATION_SOCKETS,
    queueNamespace: bindings.data.RELEASE_QUEUES,
  };
}

/**
 * libSQL over HTTP (Hrana) with drizzle on top: no interactive transactions, only atomic batches.
 *
 * `concurrency` is unlimited on purpose: the client's default (20) queues the 21st query behind the
 * others and starts it when one of them finishes, that is from ANOTHER request's context, which a
 * Worker forbids (workerd cancels it: "Promise will never complete"). Each request's queries must start
 * from that request; the database bounds concurrency itself.
 */
export function openWorkerDatabase(config: Config): DatabaseHandle {
  return wrapClient(
    createClient({
      url: config.DATABASE_URL,
      authToken: config.DATABASE_AUTH_TOKEN,
      concurrency: Number.MAX_SAFE_INTEGER,
    }),
  );
}

export function workerLogger(config: Config): Logger {
  return jsonLogger(config.LOG_LEVEL);
}
