import type { SpiritType } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import type { AuditService } from "../audit/audit.service.ts";
import type { Features } from "./demand-model.ts";

export type MarketSpirit = {
  id: string;
  name: string;
  type: SpiritType;
  priceMinor: number;
  currency: string;
};
export type Sales = { units: number; firstAt: string; lastAt: string };

/** What insights read from other modules (built in insights.wiring.ts); they never write there. */
export type InsightsPorts = {
  audit: AuditService;
  spirit(id: string): Promise<MarketSpirit | undefined>;
  /** Up to `limit` other spirits of the same type (the candidates for comparables). */
  sameType(spirit: MarketSpirit, limit: number): Promise<MarketSpirit[]>;
  /** The signal counts of each spirit (wishlists, declared interest in polls, clicks, views). */
  signals(spiritIds: string[]): Promise<Map<string, Features>>;
  sales(spiritIds: string[]): Promise<Map<string, Sales>>;
  /** Bottles the stock engine can still sell. */
  available(spiritId: string): Promise<number>;
};

export type InsightsContext = { deps: Deps; ports: InsightsPorts };
