import type { RateLimiter, RatePolicy } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";

const FIFTEEN_MINUTES = 15 * 60_000;

/** `burst` at once, then one more every `intervalMs`. */
export const burstThenOneEvery = (burst: number, intervalMs: number): RatePolicy => ({
  limit: burst,
  windowMs: burst * intervalMs,
});

/** How much guessing is allowed before answers turn into 429s. */
export const GUESS_LIMITS = {
  /** Failed sign-ins for one e-mail, from anywhere: slows guessing one person's password. */
  perAccount: burstThenOneEvery(5, FIFTEEN_MINUTES),
  /** Failed sign-ins from one client, for any e-mails: slows trying one password on many accounts. */
  perClient: burstThenOneEvery(20, FIFTEEN_MINUTES),
  /** Registrations from one client, whatever their outcome: slows probing and mass sign-ups. */
  registrations: burstThenOneEvery(10, FIFTEEN_MINUTES),
} as const;

export const tooMany = (what: string, retryAfterMs: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new DomainError("too-many-attempts", `Too many ${what}. Try again in ${seconds} s.`, {
    headers: { "Retry-After": String(seconds) },
  });
};

/**
 * Counts failed sign-ins per account and per client, and registrations per client, over the runtime's
 * rate limiter. A caller over a limit is refused before its password is even checked, so guessing
 * gains nothing once the limit is reached; the account counter is keyed by the e-mail as typed
 * (normalised), registered or not, so a 429 says nothing about whether the account exists.
 */
export function createGuessThrottle(limiter: RateLimiter, limits = GUESS_LIMITS) {
  const keys = (email: string, client: string) => ({
    account: `auth:login:account:${email}`,
    client: `auth:login:client:${client}`,
  });

  /** Throws 429 when `key` has no budget left; counts nothing. */
  const refuseOver = async (key: string, policy: RatePolicy, what: string) => {
    const decision = await limiter.peek(key, policy);
    if (!decision.allowed) throw tooMany(what, decision.retryAfterMs);
  };

  return {
    async beforeLogin(email: string, client: string) {
      const k = keys(email, client);
      await refuseOver(k.client, limits.perClient, "failed sign-ins from this client");
      await refuseOver(k.account, limits.perAccount, "failed sign-ins for this e-mail");
    },
    async loginFailed(email: string, client: string) {
      const k = keys(email, client);
      await Promise.all([
        limiter.take(k.account, limits.perAccount),
        limiter.take(k.client, limits.perClient),
      ]);
    },
    /** A success clears the account's failures (not the client's: one success must not launder many). */
    async loginSucceeded(email: string, client: string) {
      await limiter.reset(keys(email, client).account);
    },
    /** Counts one registration; throws 429 over the limit. */
    async registration(client: string) {
      const decision = await limiter.take(`auth:register:client:${client}`, limits.registrations);
      if (!decision.allowed) throw tooMany("registrations from this client", decision.retryAfterMs);
    },
  };
}

export type GuessThrottle = ReturnType<typeof createGuessThrottle>;
