import type { Client } from "@libsql/client";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { HmacSha256 } from "./http/hs256.ts";
import type { TraceContext } from "./http/trace-context.ts";
import type { SocketSession, WebSocketPort } from "./http/web-sockets.ts";
import type { CounterName, GaugeName, HistogramName, MetricLabels } from "./metrics.ts";
import type { StockCoordinator } from "./stock/coordinator.ts";
import type { StockEventBus } from "./stock/events.ts";

/** What differs between runtimes; built by the entry file (src/runtime/*) and handed to createApp. */
export interface Clock {
  now(): Date;
}

/**
 * The timers background work sleeps on (the hold reaper, the stock hub's sweeps and heartbeats), so a test
 * can run them by hand instead of waiting in real time.
 */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PasswordHasher {
  /** The hash names its algorithm (PHC string such as `$argon2id$...` or `$pbkdf2-sha256$...`). */
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface Logger {
  log(level: "debug" | "info" | "warn" | "error", fields: Record<string, unknown>): void;
}

/**
 * Where the app's counters, gauges and histograms go (the names are the catalog in src/metrics.ts). Bun
 * keeps them in a prom-client registry and serves them on /metrics (src/runtime/prom-metrics.ts); Workers
 * write each one as a structured log line (logMetrics). Calls are cheap and never throw.
 */
export interface Metrics {
  inc(name: CounterName, labels?: MetricLabels, by?: number): void;
  set(name: GaugeName, value: number, labels?: MetricLabels): void;
  /** One observation; durations in seconds. */
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
  /** The Prometheus text exposition of everything recorded; absent where nothing can be scraped. */
  render?(): Promise<{ contentType: string; body: string }>;
}

/**
 * The trace of the request being served, wherever its work goes (services, the stock queue, log lines),
 * without passing it through every call: AsyncLocalStorage in the runtimes (src/runtime/trace-scope.ts).
 */
export interface TraceScope {
  run<T>(trace: TraceContext, fn: () => T): T;
  current(): TraceContext | undefined;
}

/** `limit` requests at once, and one more every `windowMs / limit`: the budget is whole again after `windowMs`. */
export type RatePolicy = { limit: number; windowMs: number };

export type RateDecision = {
  allowed: boolean;
  /** Requests the key may still make right now. */
  remaining: number;
  /** Until the key may make its next request (0 when allowed). */
  retryAfterMs: number;
  /** Until the key's whole budget is back. */
  resetMs: number;
};

/**
 * Per-key request budgets: the API's per-client limit and the sign-in guessing throttle. Async, so an
 * implementation that every isolate shares (a Durable Object) fits behind it; src/http/rate-limit.ts
 * keeps them in memory (exact on one server; per isolate on Workers, which still bounds a flood).
 */
export interface RateLimiter {
  /** Counts one request for `key` when the policy allows it; says what is left either way. */
  take(key: string, policy: RatePolicy): Promise<RateDecision>;
  /** What `take` would answer now, counting nothing. */
  peek(key: string, policy: RatePolicy): Promise<RateDecision>;
  /** Gives `key` its whole budget back. */
  reset(key: string): Promise<void>;
}

export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  /** Extra header fields (`List-Unsubscribe`, `Message-ID`, ...), as they go on the wire. */
  headers?: Record<string, string>;
};

/**
 * Sends e-mails: account e-mails (registration, verification and reset links, security notices) and
 * notifications. Bun sends them through SMTP_URL's mail server (src/runtime/smtp-mailer.ts, nodemailer)
 * or, without one, logs them (logMailer), as Workers always do; tests capture them or run a real SMTP
 * server. Resolves once the mail server took the message; throws when it did not.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Where a spirit's watchers live when it is not this process (Workers: the spirit's Durable Object). */
export interface SpiritWatchers {
  /**
   * Takes an authenticated WebSocket handshake for the spirit and answers it (101 on success); the owner
   * is counted against the stream caps there (429 over them).
   */
  forward(
    request: Request,
    spiritId: string,
    audience: "public" | "staff",
    owner: { client?: string | undefined; account?: string | undefined },
  ): Promise<Response>;
  /**
   * The isolate's own watch of one spirit, for the streams the Worker serves itself (the multi-spirit
   * socket, Server-Sent Events): the object's messages (a snapshot, then one per change) as their text.
   * `ended` is called once if the object closes the watch. Over the owner's stream caps it throws the 429.
   */
  watch(
    spiritId: string,
    audience: "public" | "staff",
    owner: { client?: string | undefined; account?: string | undefined } | undefined,
    handlers: { message(text: string): void; ended(): void },
  ): Promise<{ close(): void }>;
  /** Answers a WebSocket handshake with a socket this isolate serves itself, run by the session. */
  serve(session: SocketSession): Response;
}

/**
 * Customers' notification sockets where the runtime holds none itself (Cloudflare Workers: Durable
 * Objects hold them with the hibernation API, src/runtime/worker-notification-sockets.ts).
 */
export interface CustomerSockets {
  /**
   * Takes an authenticated WebSocket handshake for the customer's notifications and answers it (101);
   * the first message is `ready` with `unreadCount`. Over the per-customer cap it throws the 429.
   */
  forward(request: Request, customerId: string, unreadCount: number): Promise<Response>;
  /** Sends each text to every socket of its customer (a customer without one gets nothing); never rejects. */
  send(messages: { customerId: string; text: string }[]): Promise<void>;
}

/**
 * Timely waiting rooms where no process runs a short timer (Cloudflare Workers: one Durable Object per
 * queue release sets alarms, src/runtime/worker-release-queue-object.ts). The database stays the truth.
 */
export interface QueueAlarms {
  /** Makes sure the release's queue is advanced at `at` (ISO-8601) or sooner, not only by the periodic job. */
  wake(releaseId: string, at: string): Promise<void>;
}

/** The files of Swagger UI the docs page loads. */
export type DocsVendorFile = "swagger-ui-bundle.js" | "swagger-ui.css";

/**
 * Where the docs page's viewer (Swagger UI) comes from. The files are large (about 1.9 MB, 485 KiB
 * gzipped), so the app does not import them itself: a Cloudflare Worker has a 1 MiB gzipped budget for
 * its whole bundle and can serve them from its static-assets binding instead, while Bun and the tests
 * hand in `bundledSwaggerUi` (text imports, src/modules/docs/bundled-swagger-ui.ts). Without a source the
 * page still answers, with links to the OpenAPI and AsyncAPI documents.
 */
export interface DocsAssetSource {
  /** The Swagger UI version: part of every asset URL, so the files can be cached as immutable. */
  readonly version: string;
  /** The file's content, or null when this source does not have it; `env` is the runtime's bindings. */
  read(file: DocsVendorFile, env: unknown): Promise<string | ArrayBuffer | null>;
}

/** A payment an online provider reports, as read from its verified webhook event. */
export type ProviderPayment = {
  /** The provider's id of the payment (a Stripe PaymentIntent id). */
  providerRef: string;
  /** The order it was started for, as we told the provider. */
  orderId: string | null;
  amountMinor: number;
  currency: string;
  outcome: "succeeded" | "failed" | "canceled";
};

/** The card that paid for a payment, as the provider fingerprints it (never the card's number). */
export type ProviderCard = { providerRef: string; fingerprint: string };

/**
 * A provider's webhook event once its signature checked out. `payment` (an outcome) or `card` (who paid)
 * is absent for types we do not act on.
 */
export type ProviderEvent = {
  id: string;
  type: string;
  payment?: ProviderPayment;
  card?: ProviderCard;
  payload: string;
};

/**
 * Where money is taken and given back, one adapter per provider (src/modules/orders/payment-providers/),
 * chosen by PAYMENT_PROVIDER. Only a payment the provider verified (its webhook, signed) or staff recorded
 * confirms an order.
 */
export interface PaymentProvider {
  readonly name: "manual" | "stripe";
  /** Starts an online payment of the order's total: what the customer's app needs to finish it. */
  startPayment(input: {
    orderId: string;
    customerId: string;
    amountMinor: number;
    currency: string;
  }): Promise<{ providerRef: string | null; clientSecret: string | null; instructions: string | null }>;
  /** Checks a webhook's signature over its raw body; throws WebhookSignatureError when it does not hold. */
  verifyWebhook(rawBody: string, headers: Headers): Promise<ProviderEvent>;
  /** Gives the money back; `refundRef` is the provider's id of the refund (null: staff pay back offline). */
  refund(input: {
    providerRef: string | null;
    amountMinor: number;
    currency: string;
    reason: string;
    /** The same key for a retry of the same refund, so the provider refunds once. */
    idempotencyKey: string;
  }): Promise<{ refundRef: string | null }>;
}

export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/**
 * The anti-bot check in front of drop entries (CAPTCHA, Cloudflare Turnstile: src/runtime/turnstile.ts when
 * TURNSTILE_SECRET is set). Answers whether the token proves a human; without a check, entries need none.
 */
export interface HumanCheck {
  verify(
    token: string | undefined,
    context: { action: string; clientAddress: string | undefined },
  ): Promise<boolean>;
}

export interface Deps {
  config: Config;
  db: Database;
  /** The raw libSQL client for hand-written SQL batches. */
  client: Client;
  clock: Clock;
  /** Timers for background work (default: systemTimers). */
  timers?: Timers;
  passwords: PasswordHasher;
  /** A synchronous HMAC-SHA256 (Bun's), for checking our HS256 tokens without WebCrypto's thread hop. */
  hmacSha256?: HmacSha256;
  logger: Logger;
  /** Where committed stock changes are published (in-process on Bun). */
  stockEvents: StockEventBus;
  /** The one writer per spirit: every stock change goes through it (in-process on Bun). */
  stock: StockCoordinator;
  /** Request budgets, one for the whole runtime (the API limit and the sign-in throttle share it). */
  rateLimiter: RateLimiter;
  /** The shop's payment provider (PAYMENT_PROVIDER); staff-recorded payments need none. */
  payments: PaymentProvider;
  /** The address of the caller as the runtime sees it (used for per-client rate limits). */
  clientAddress?: (request: Request, env: unknown) => string | undefined;
  /** The anti-bot check for drop entries; without one, none is asked for. */
  humanCheck?: HumanCheck;
  /** Where account e-mails go; without one they are dropped (and the answer to the caller is the same). */
  mailer?: Mailer;
  /** Swagger UI's files for the docs page (Bun: bundledSwaggerUi); without them /docs only links the documents. */
  docsAssets?: DocsAssetSource;
  /** WebSocket upgrades and topic pub/sub (Bun: src/runtime/bun-sockets.ts); without them the stock sockets answer 501. */
  sockets?: WebSocketPort;
  /**
   * Cloudflare Workers: each spirit's watchers live in its Durable Object (src/runtime/worker-stock-sockets.ts).
   * When set, the per-spirit socket is handed there, and the multi-spirit socket and Server-Sent Events
   * relay the objects' messages (src/modules/stock-stream/relay-hub.ts, relayed-event-stream.ts).
   */
  spiritWatchers?: SpiritWatchers;
  /** Cloudflare Workers: the notifications sockets, held by Durable Objects (without them and `sockets`, 501). */
  customerSockets?: CustomerSockets;
  /** Cloudflare Workers: each queue release's Durable Object advances it on time (Bun runs a 5-second round). */
  queueAlarms?: QueueAlarms;
  /**
   * Whether a request may wait on I/O that another request started (src/db/coalesce.ts shares one read
   * among a drop's buyers). True on Bun. Not on Workers, where I/O belongs to the request that started
   * it: with shared reads, workerd cancelled some of 2,000 concurrent buyers as "the Worker's code had hung".
   */
  sharedReads?: boolean;
  /**
   * The addresses a host name resolves to (Bun: the system resolver), so webhook URLs that resolve to
   * private addresses are refused; without it (Workers, which cannot reach private networks) only IP
   * literals and local names are checked.
   */
  resolveHost?: (hostname: string) => Promise<string[]>;
  /** Where metrics go (default: none recorded); Bun's is scraped at /metrics, Workers' are log lines. */
  metrics?: Metrics;
  /** Carries each request's trace into its work (default: the request log line only knows it). */
  traces?: TraceScope;
}

export const systemClock: Clock = { now: () => new Date() };

/** The standard timers, unref'd: a server process should not stay alive for its background work alone. */
export const systemTimers: Timers = {
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** One JSON line per event on stdout; levels below the configured one are dropped. */
export function jsonLogger(level: Config["LOG_LEVEL"]): Logger {
  const min = LEVELS[level];
  return {
    log(lvl, fields) {
      if (LEVELS[lvl] < min) return;
      console.log(JSON.stringify({ time: new Date().toISOString(), level: lvl, ...fields }));
    },
  };
}

/** Adds the current request's trace id to each line (so a trace's lines can be found across runtimes). */
export function withTraceIds(logger: Logger, traces: TraceScope): Logger {
  return {
    log(level, fields) {
      const trace = traces.current();
      logger.log(level, trace && !("traceId" in fields) ? { ...fields, traceId: trace.traceId } : fields);
    },
  };
}

/**
 * A mailer for development and single servers without mail: each message becomes one log line. With
 * `redactLinks` (production) the tokens of e-mailed links are left out, since a log is no place for a key
 * that resets a password: the line then only says that a mail would have gone.
 */
export function logMailer(logger: Logger, options: { redactLinks?: boolean } = {}): Mailer {
  return {
    async send(message) {
      const redact = (v: string) =>
        options.redactLinks ? v.replace(/([?&]token=)[^\s&>]+/g, "$1(redacted)") : v;
      // Header fields carry links too (List-Unsubscribe).
      const headers =
        message.headers &&
        Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, redact(v)]));
      logger.log("info", {
        msg: "mail",
        ...message,
        text: redact(message.text),
        ...(headers && { headers }),
      });
    },
  };
}
