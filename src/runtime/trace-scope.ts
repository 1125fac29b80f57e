import { AsyncLocalStorage } from "node:async_hooks";
import type { TraceScope } from "../deps.ts";
import type { TraceContext } from "../http/trace-context.ts";

/** The request's trace, carried through its awaits by AsyncLocalStorage (Bun; Node has the same API). */
export function asyncTraceScope(): TraceScope {
  const storage = new AsyncLocalStorage<TraceContext>();
  return {
    run: (trace, fn) => storage.run(trace, fn),
    current: () => storage.getStore(),
  };
}
