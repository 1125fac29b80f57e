import { ProblemError } from "../../http/problem.ts";
import type { RateLimiter } from "../../http/rate-limit.ts";

const FIFTEEN_MINUTES = 15 * 60_000;

/** How much guessing is allowed before answers turn into 429s. */
export const GUESS_LIMITS = {
  /** Failed sign-ins for one e-mail, from anywhere: slows guessing one person's password. */
  perAccount: { limit: 5, windowMs: FIFTEEN_MINUTES },
  /** Failed sign-ins from one client, for any e-mails: slows trying one password on many accounts. */
  perClient: { limit: 20, windowMs: FIFTEEN_MINUTES },
  /** Registrations from one client, whatever their outcome: slows probing and mass sign-ups. */
  registrations: { limit: 10, windowMs: FIFTEEN_MINUTES },
} as const;

type Limit = { limit: number; windowMs: number };

const tooMany = (what: string, retryAfterSeconds: number) =>
  new ProblemError(429, `Too many ${what}. Try again in ${retryAfterSeconds} s.`, {
    code: "too-many-attempts",
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

/**
 * Counts failed sign-ins per account and per client, and registrations per client, over the shared
 * rate limiter. A caller over a limit is refused before its password is even checked, so guessing
 * gains nothing once the limit is reached; the account counter is keyed by the e-mail as typed
 * (normalised), registered or not, so a 429 says nothing about whether the account exists.
 */
export function createGuessThrottle(limiter: RateLimiter, limits = GUESS_LIMITS) {
  const keys = (email: string, client: string) => ({
    account: `auth:login:account:${email}`,
    client: `auth:login:client:${client}`,
  });

  /** Throws 429 when `key` is at its limit; counts nothing. */
  const refuseOver = (key: string, { limit, windowMs }: Limit, what: string) => {
    if (limiter.count(key, windowMs) < limit) return;
    // At the limit, `hit` only reports when the oldest failure leaves the window (it counts nothing).
    throw tooMany(what, limiter.hit(key, limit, windowMs).retryAfterSeconds);
  };

  return {
    beforeLogin(email: string, client: string) {
      const k = keys(email, client);
      refuseOver(k.client, limits.perClient, "failed sign-ins from this client");
      refuseOver(k.account, limits.perAccount, "failed sign-ins for this e-mail");
    },
    loginFailed(email: string, client: string) {
      const k = keys(email, client);
      limiter.hit(k.account, limits.perAccount.limit, limits.perAccount.windowMs);
      limiter.hit(k.client, limits.perClient.limit, limits.perClient.windowMs);
    },
    /** A success clears the account's failures (not the client's: one success must not launder many). */
    loginSucceeded(email: string, client: string) {
      limiter.reset(keys(email, client).account);
    },
    /** Counts one registration; throws 429 over the limit. */
    registration(client: string) {
      const { limit, windowMs } = limits.registrations;
      const decision = limiter.hit(`auth:register:client:${client}`, limit, windowMs);
      if (!decision.allowed) throw tooMany("registrations from this client", decision.retryAfterSeconds);
    },
  };
}

export type GuessThrottle = ReturnType<typeof createGuessThrottle>;
