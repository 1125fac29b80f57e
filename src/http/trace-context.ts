/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header. A valid incoming
 * one keeps its trace id and flags and becomes our span's parent; an absent or malformed one is replaced
 * by a fresh trace, so a client sending garbage cannot put garbage into our logs.
 */

export type TraceContext = {
  /** 32 lowercase hex digits, never all zeros. */
  traceId: string;
  /** This request's own span: 16 lowercase hex digits. */
  spanId: string;
  /** The caller's span, when the caller sent a valid traceparent. */
  parentId?: string;
  /** Two hex digits; `01` is "sampled". */
  flags: string;
};

// Version 00 has exactly four fields; a later version may append more after a dash (§3.2.4).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** The parts of a valid traceparent value, or undefined for anything the spec says to ignore. */
export function parseTraceparent(
  value: string | null | undefined,
): { traceId: string; parentId: string; flags: string } | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, flags };
}

/** This request's trace: continues the caller's when its header is valid, else starts one. */
export function traceFromHeader(value: string | null | undefined): TraceContext {
  const parent = parseTraceparent(value);
  const spanId = randomHex(8);
  if (parent) return { traceId: parent.traceId, spanId, parentId: parent.parentId, flags: parent.flags };
  return { traceId: randomHex(16), spanId, flags: "01" };
}

/** The header value that names this span (what we answer with and pass on to the calls we make). */
export const formatTraceparent = (t: TraceContext) => `00-${t.traceId}-${t.spanId}-${t.flags}`;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Random bytes drawn a few kilobytes at a time: one getRandomValues call per request was most of this. */
const pool = new Uint8Array(4096);
let drawn = pool.length;

/** Random lowercase hex of `bytes` bytes. A table, not Array.from(...).map(...).join(): this runs twice a request. */
function randomHex(bytes: number): string {
  if (drawn + bytes > pool.length) {
    crypto.getRandomValues(pool);
    drawn = 0;
  }
  let hex = "";
  let zero = true;
  for (let i = 0; i < bytes; i++) {
    const x = pool[drawn++]!;
    if (x !== 0) zero = false;
    hex += HEX[x];
  }
  // All zeros is invalid; the odds are 2^-64 at worst, but the spec forbids it outright.
  return zero ? `01${hex.slice(2)}` : hex;
}
