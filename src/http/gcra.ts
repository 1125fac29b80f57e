import type { RateDecision, RatePolicy } from "../deps.ts";

/**
 * GCRA (the generic cell rate algorithm): a token bucket kept as one number per key, its "theoretical
 * arrival time" (`tat`, epoch ms), which moves forward by `windowMs / limit` per request. A key may burst
 * up to `limit` requests and then gets one every `windowMs / limit`; once `tat <= now` its budget is whole
 * and the number can be forgotten. Every RateLimiter decides with this one function, so the in-memory and
 * the Durable Object limiters answer alike.
 *
 * Returns the decision and, when the request is allowed, the arrival time to keep (`next`).
 */
export function gcraDecide(
  tat: number | undefined,
  { limit, windowMs }: RatePolicy,
  now: number,
): { decision: RateDecision; next: number | undefined } {
  const interval = windowMs / limit;
  const from = Math.max(tat ?? now, now);
  const next = from + interval;
  const allowAt = next - windowMs;
  if (now < allowAt) {
    const decision: RateDecision = {
      allowed: false,
      remaining: 0,
      retryAfterMs: allowAt - now,
      resetMs: from - now,
    };
    return { decision, next: undefined };
  }
  // The small epsilon keeps float rounding of `interval` from costing a whole request.
  const remaining = Math.floor((windowMs - (next - now)) / interval + 1e-9);
  return { decision: { allowed: true, remaining, retryAfterMs: 0, resetMs: next - now }, next };
}
