import type { Deps } from "./deps.ts";
import type { Principal } from "./http/auth.ts";
import type { TraceContext } from "./http/trace-context.ts";
import type { Services } from "./services.ts";

/** The one Hono environment type every router and handler shares. */
export type AppEnv = {
  Variables: {
    deps: Deps;
    services: Services;
    requestId: string;
    /** The request's W3C trace (src/http/trace-context.ts). */
    trace: TraceContext;
    principal: Principal | undefined;
    /** The caller's address once asked for (src/http/client-address.ts); null when the runtime cannot say. */
    clientAddress: string | null;
  };
};
