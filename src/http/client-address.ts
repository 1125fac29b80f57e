import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";

export type ClientAddress = (request: Request, env: unknown) => string | undefined;

/**
 * The caller's address as the runtime reports it (`deps.clientAddress`); undefined when it cannot say.
 * Asked of the runtime once per request (Bun's requestIP builds an object each call, and the API's limit,
 * the route's limit and the handler may each want it).
 */
export function clientAddressOf(c: Context<AppEnv>, read: ClientAddress | undefined): string | undefined {
  const known = c.get("clientAddress");
  if (known !== undefined) return known ?? undefined;
  let address: string | undefined;
  try {
    address = read?.(c.req.raw, c.env);
  } catch {
    address = undefined;
  }
  c.set("clientAddress", address ?? null);
  return address;
}
