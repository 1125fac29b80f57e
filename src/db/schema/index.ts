// Every module's tables; drizzle-kit reads this file to generate migrations.
export * from "./accounts.ts";
export * from "./catalog.ts";
export * from "./compliance.ts";
export * from "./events.ts";
export * from "./http.ts";
export * from "./insights.ts";
export * from "./inventory.ts";
export * from "./locations.ts";
export * from "./orders.ts";
export * from "./payments.ts";
export * from "./polls.ts";
export * from "./recommendations.ts";
export * from "./releases.ts";
export * from "./reviews.ts";
export * from "./search.ts";
export * from "./signals.ts";
export * from "./webhooks.ts";
