/**
 * Who may call an operation, declared beside its route: `...access("staff")` in a `createRoute` config
 * publishes the rule as the operation's `x-access` and sets its `security` to match, so the document tells
 * clients who may call. The rule states what the route's middleware and handler enforce; it enforces
 * nothing itself, and test/http/authorization.test.ts calls every operation as each kind of caller to
 * prove the two agree.
 *
 * - `public`: anyone, signed in or not.
 * - `customer`: customer accounts only, acting as themselves (staff and admins are refused).
 * - `owner`: a signed-in caller on what is theirs; staff and admins on anyone's. The resource the path
 *   names belongs to one customer (another customer gets 404, as if it did not exist); an operation
 *   without path parameters acts on the caller's own (their orders, their recommendations).
 * - `self-or-admin`: a signed-in caller on what is theirs, or an admin on anyone's; staff are refused
 *   (403) on others'. For what only the person or an admin may do with personal data (export, erasure);
 *   another customer gets 404, as with `owner`.
 * - `staff`: staff and admins.
 * - `admin`: admins only.
 */
export const ACCESS_RULES = ["public", "customer", "owner", "self-or-admin", "staff", "admin"] as const;
export type Access = (typeof ACCESS_RULES)[number];

/** A public operation that still reads a bearer token when one is sent (staff see more). */
type Options = { readsToken?: boolean };

export function access<A extends Access>(rule: A, options: Options = {}) {
  const security: Record<string, string[]>[] =
    rule !== "public" ? [{ bearerAuth: [] }] : options.readsToken ? [{}, { bearerAuth: [] }] : [];
  return { "x-access": rule, security } as const;
}
