import type { Deps } from "../../deps.ts";
import type { SenderOptions } from "./sender.ts";

/** What every webhook management operation takes: the runtime's parts and how this service sends. */
export type WebhooksContext = {
  deps: Deps;
  /** Passed to every attempt this service makes (sender.ts), manual ones and background runs alike. */
  sender: SenderOptions;
};
