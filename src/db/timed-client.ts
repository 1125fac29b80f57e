import type { Client } from "@libsql/client";
import type { Metrics } from "../deps.ts";

/**
 * Times every call through the client (drizzle's queries go through it too) into the database-latency
 * histogram. Wraps the instance's own methods, so whatever else holds the client (the ledger port) keeps
 * working. Interactive transactions are not timed: the app does not use them on hot paths.
 */
export function timeClient(client: Client, metrics: Metrics): Client {
  const timed =
    <A extends unknown[], R>(kind: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await call(...args);
      } finally {
        metrics.observe("angelshare_db_query_duration_seconds", (performance.now() - started) / 1000, {
          kind,
        });
      }
    };
  client.execute = timed("execute", client.execute.bind(client)) as Client["execute"];
  client.batch = timed("batch", client.batch.bind(client)) as Client["batch"];
  return client;
}
