import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient } from "@libsql/client";
import { applyServerPragmas, type DatabaseHandle, wrapClient } from "./client.ts";

/** Opens the database on a server runtime (Bun, Node): the embedded file by default, or a remote URL. */
export async function openLocalDatabase(url: string, authToken?: string): Promise<DatabaseHandle> {
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length);
    if (path && !path.startsWith(":memory:")) mkdirSync(dirname(path), { recursive: true });
  }
  const client = createClient({ url, authToken });
  await applyServerPragmas(client, url);
  return wrapClient(client);
}
