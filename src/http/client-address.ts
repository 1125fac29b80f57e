import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";

export type ClientAddress = (request: Request, env: unknown) => string | undefined;

/** The caller's address as the runtime reports it (`deps.clientAddress`); undefined when it cannot say. */
export function clientAddressOf(c: Context<AppEnv>, read: ClientAddress | undefined): string | undefined {
  try {
    return read?.(c.req.raw, c.env);
  } catch {
    return undefined;
  }
}
