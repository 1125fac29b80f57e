import type { RateLimiter, RatePolicy } from "../../deps.ts";
import { burstThenOneEvery, tooMany } from "./guess-throttle.ts";

const MINUTE = 60_000;

/**
 * Budgets of the account-lifecycle routes, beside the API's general per-client limit: mail-sending routes
 * are limited per address or account (nobody floods a mailbox through us), token routes per client, and a
 * wrong password given to confirm a change counts like a failed sign-in, per account.
 */
export const LIFECYCLE_LIMITS = {
  /** Password-reset requests from one client, for any addresses. */
  resetRequestsPerClient: burstThenOneEvery(10, 1.5 * MINUTE),
  /** Password-reset requests for one address (as typed, normalised; registered or not). */
  resetRequestsPerEmail: burstThenOneEvery(3, 20 * MINUTE),
  /** Uses of e-mailed tokens from one client (verify-email, reset confirmation). */
  tokenUsesPerClient: burstThenOneEvery(20, 0.75 * MINUTE),
  /** Verification mails one account may ask for again. */
  verificationMailsPerAccount: burstThenOneEvery(3, 20 * MINUTE),
  /** Changes of e-mail one account may ask for (each sends two mails). */
  emailChangesPerAccount: burstThenOneEvery(5, 12 * MINUTE),
  /** Wrong passwords given to confirm a change (password, e-mail, erasure), per account. */
  wrongPasswordsPerAccount: burstThenOneEvery(5, 3 * MINUTE),
} as const satisfies Record<string, RatePolicy>;

/** Counts one request against `key`; 429 (`too-many-attempts`, Retry-After) when its budget is spent. */
export async function spend(limiter: RateLimiter, key: string, policy: RatePolicy, what: string) {
  const decision = await limiter.take(key, policy);
  if (!decision.allowed) throw tooMany(what, decision.retryAfterMs);
}

/** 429 when `key` has no budget left; counts nothing (for failures counted only once they happen). */
export async function refuseWhenSpent(limiter: RateLimiter, key: string, policy: RatePolicy, what: string) {
  const decision = await limiter.peek(key, policy);
  if (!decision.allowed) throw tooMany(what, decision.retryAfterMs);
}
