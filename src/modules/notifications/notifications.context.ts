import type { Deps } from "../../deps.ts";
import type { NotificationHub } from "./notification-sockets.ts";
import type { UnsubscribeKey } from "./unsubscribe-tokens.ts";

/** A spirit as notifications describe and target it. */
export type SpiritFacts = {
  id: string;
  name: string;
  distillery: string;
  type: string;
  region: string | null;
  price: { amountMinor: number; currency: string };
  tags: string[];
};

/** What notifications need from other modules (built in notifications.wiring.ts from their services). */
export type NotificationsPorts = {
  spirit(spiritId: string): Promise<SpiritFacts | undefined>;
  /** Customers with the spirit on their wishlist. */
  wishersOf(spiritId: string): Promise<string[]>;
  /** Customers whose preferences (types, regions, distilleries, price range) the spirit matches. */
  matchingPreferences(spirit: SpiritFacts): Promise<string[]>;
  /** Where to e-mail each customer (enabled accounts only). */
  emailsOf(customerIds: string[]): Promise<Map<string, string>>;
  customerExists(customerId: string): Promise<boolean>;
  /** Customers whose ballot entries lost (none for a release that is not a ballot). */
  ballotLosers(releaseId: string): Promise<string[]>;
};

export type NotificationsContext = {
  deps: Deps;
  ports: NotificationsPorts;
  /** The customers' live sockets on this server (Bun); publishing reaches each customer's topic. */
  hub: NotificationHub;
  /** Signs and checks the one-click unsubscribe links (unsubscribe-tokens.ts). */
  unsubscribeKey: UnsubscribeKey;
  /** Where e-mailed links point: API_PUBLIC_URL, or this server's own address. */
  publicBaseUrl: string;
};

export const nowIso = (ctx: NotificationsContext) => ctx.deps.clock.now().toISOString();
