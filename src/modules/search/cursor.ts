import { fromBase64Url, toBase64Url } from "../../db/keyset.ts";
import { DomainError } from "../../domain-error.ts";
import type { SearchSort, SortValue } from "./sort.ts";

/**
 * Search cursors: the sort, the sort values of the last item shown, and a fingerprint of the query and
 * filters, so a cursor is only ever used with the search that gave it out (another one is a 422, not a
 * silently wrong page).
 */
type CursorBody = { s: SearchSort; v: SortValue[]; f: string };

/** FNV-1a over the canonical JSON of what defines the result set. */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export const encodeSearchCursor = (sort: SearchSort, values: SortValue[], print: string) =>
  toBase64Url(JSON.stringify({ s: sort, v: values, f: print } satisfies CursorBody));

const badCursor = () =>
  new DomainError(
    "validation",
    "The cursor does not belong to this search (its query, filters or sort differ).",
    {
      errors: [{ path: "cursor", message: "is not a cursor this search gave out" }],
    },
  );

export function decodeSearchCursor(
  cursor: string,
  sort: SearchSort,
  print: string,
  length: number,
): SortValue[] {
  let body: Partial<CursorBody> | null;
  try {
    body = JSON.parse(fromBase64Url(cursor));
  } catch {
    throw badCursor();
  }
  if (
    !body ||
    body.s !== sort ||
    body.f !== print ||
    !Array.isArray(body.v) ||
    body.v.length !== length ||
    !body.v.every((x) => typeof x === "string" || (typeof x === "number" && Number.isFinite(x)))
  ) {
    throw badCursor();
  }
  return body.v;
}
