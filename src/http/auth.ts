import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { Role } from "../db/schema/accounts.ts";
import { ProblemError } from "./problem.ts";
import { TokenError } from "./tokens.ts";

export type Principal = { id: string; role: Role; email?: string };

const WWW_AUTHENTICATE = { "WWW-Authenticate": 'Bearer realm="angelshare"' };

const unauthorized = (detail: string) => new ProblemError(401, detail, { headers: WWW_AUTHENTICATE });

/** A token (or Authorization header) was sent but cannot be used: the client must get a new one. */
export const invalidToken = (detail: string) =>
  new ProblemError(401, detail, { code: "invalid-token", headers: WWW_AUTHENTICATE });

/**
 * Reads the bearer token when there is one. A request without a token goes on anonymously; a request
 * with a bad token is refused, so a client never mistakes a broken token for being signed out.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization");
  c.set("principal", undefined);
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw invalidToken("The Authorization header must be `Bearer <token>`.");
    try {
      const { tokens, accounts } = c.get("services");
      // Remembered a few seconds per token (accounts/callers.ts): a disable through the API applies at once.
      c.set("principal", await accounts.principalForToken(match[1]!, (token) => tokens.verify(token)));
    } catch (err) {
      if (err instanceof TokenError) throw invalidToken(err.message);
      throw err;
    }
  }
  await next();
});

export function principalOf(c: { get(key: "principal"): Principal | undefined }): Principal {
  const p = c.get("principal");
  if (!p) throw unauthorized("This needs a bearer token.");
  return p;
}

/** Refuses anonymous callers (401) and callers without one of the roles (403). */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const p = principalOf(c);
    if (roles.length && !roles.includes(p.role)) {
      throw new ProblemError(403, `This needs the role ${roles.join(" or ")}.`);
    }
    await next();
  });
}

/**
 * Route middleware for `/customers/{id}/...`: another customer's id is refused (404, as if it did not exist)
 * before the request is validated, so a body sent about someone else is never looked at.
 */
export const requireOwnCustomer = createMiddleware<AppEnv>(async (c, next) => {
  resolveCustomerId(principalOf(c), c.req.param("id") ?? "");
  await next();
});

/**
 * Route middleware for `/customers/{id}/...` that only the customer or an admin may use (the `self-or-admin`
 * access rule): another customer gets 404, as if it did not exist; staff get 403.
 */
export const requireSelfOrAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const p = principalOf(c);
  const idOrMe = c.req.param("id") ?? "";
  const id = idOrMe === "me" ? p.id : idOrMe;
  if (id !== p.id && p.role !== "admin") {
    if (p.role === "staff") throw new ProblemError(403, "Only the customer or an admin may do this.");
    throw new ProblemError(404, "Customer was not found.");
  }
  await next();
});

export const isStaff = (p: Principal | undefined) => p?.role === "staff" || p?.role === "admin";

/**
 * Resolves `me` and checks that the caller may reach that customer's data. Another customer's id answers
 * 404, as if it did not exist, so ids cannot be probed.
 */
export function resolveCustomerId(principal: Principal, idOrMe: string): string {
  const id = idOrMe === "me" ? principal.id : idOrMe;
  if (id !== principal.id && !isStaff(principal)) throw new ProblemError(404, "Customer was not found.");
  return id;
}

/** resolveCustomerId for the request's caller: the `{id}` of a customer route, `me` resolved. */
export const customerIdOf = (c: Context<AppEnv>, idOrMe: string): string =>
  resolveCustomerId(principalOf(c), idOrMe);
